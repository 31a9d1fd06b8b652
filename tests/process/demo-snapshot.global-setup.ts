import type { TestProject } from 'vitest/node';
import { sharedDemoSnapshot } from '../e2e/support/demo-snapshot.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** DATA_DIR of a stopped embedded server that loaded the demo district (support.ts, demoDataDir). */
    processDemoSnapshot: string;
  }
}

/**
 * Global setup of the process project: the same demo snapshot the e2e project starts from, so a
 * process test that needs the demo district on embedded storage copies it (seconds) instead of
 * loading it again (about 25 s of one core each on an idle machine).
 */
export default async function setup(project: TestProject): Promise<() => void> {
  const snapshot = await sharedDemoSnapshot();
  project.provide('processDemoSnapshot', snapshot.dir);
  return snapshot.remove;
}
