import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import {
  pgliteTemplate,
  unpackPgliteTemplate,
} from '../../../apps/server/src/test-support/database-template';
import { startServer } from './server';

declare module 'vitest' {
  export interface ProvidedContext {
    /** DATA_DIR of a stopped server that loaded the demo district (demo-snapshot.global-setup.ts). */
    e2eDemoSnapshot: string;
  }
}

/**
 * Global setup of the e2e project: one server loads the demo district (2,000 sealed residents,
 * devices, the case history) and stops cleanly; its DATA_DIR is the snapshot every e2e file's
 * server starts from (e2e-env.ts), so the run pays for the demo load once, not once per file.
 * That server starts on the migrated PGlite template the integration tests clone
 * (database-template.ts) rather than running initdb and the migrations itself. Built per run,
 * not kept between runs: it is the built server's own demo, with case times relative to now.
 */
export default async function setup(project: TestProject): Promise<() => void> {
  const seed = mkdtempSync(path.join(tmpdir(), 'civitas-e2e-seed-'));
  let snapshot: string;
  try {
    await unpackPgliteTemplate(await pgliteTemplate(), path.join(seed, 'pgdata'));
    const server = await startServer({ snapshot: seed });
    await server.stop({ keepDataDir: true });
    snapshot = server.dataDir;
  } finally {
    rmSync(seed, { recursive: true, force: true });
  }
  project.provide('e2eDemoSnapshot', snapshot);
  return () => rmSync(snapshot, { recursive: true, force: true });
}
