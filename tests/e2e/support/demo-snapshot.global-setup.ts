import type { TestProject } from 'vitest/node';
import { sharedDemoSnapshot } from './demo-snapshot';

declare module 'vitest' {
  export interface ProvidedContext {
    /** DATA_DIR of a stopped server that loaded the demo district (demo-snapshot.ts). */
    e2eDemoSnapshot: string;
  }
}

/** Global setup of the e2e project: the demo snapshot every e2e file's server starts from (e2e-env.ts). */
export default async function setup(project: TestProject): Promise<() => void> {
  const snapshot = await sharedDemoSnapshot();
  project.provide('e2eDemoSnapshot', snapshot.dir);
  return snapshot.remove;
}
