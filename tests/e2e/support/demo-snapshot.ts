import { existsSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  pgliteTemplate,
  unpackPgliteTemplate,
} from '../../../apps/server/src/test-support/database-template.js';
import { startServer } from './server.js';

/** Where this run's snapshot lives: one per Vitest main process, which runs every global setup. */
const location = path.join(tmpdir(), `civitas-demo-snapshot-${process.pid}`);

/**
 * DATA_DIR of a stopped server that loaded the demo district (2,000 sealed residents, devices, the
 * case history) with `DEMO_PASSWORD` of ./server.ts. Built once per test run, by whichever
 * project's global setup asks first (the e2e and the process projects both start servers from
 * it), so the run pays for the demo load once. The server starts on the migrated PGlite template
 * the integration tests clone (database-template.ts) rather than running initdb and the
 * migrations itself. Not kept between runs: it is the built server's own demo, with case times
 * relative to now.
 */
export async function sharedDemoSnapshot(): Promise<{ dir: string; remove: () => void }> {
  const remove = () => rmSync(location, { recursive: true, force: true });
  if (existsSync(location)) return { dir: location, remove };
  const seed = mkdtempSync(path.join(tmpdir(), 'civitas-demo-seed-'));
  try {
    await unpackPgliteTemplate(await pgliteTemplate(), path.join(seed, 'pgdata'));
    const server = await startServer({ snapshot: seed });
    await server.stop({ keepDataDir: true });
    // Renamed into place whole, so a half-copied snapshot is never found by the next setup.
    renameSync(server.dataDir, location);
  } finally {
    rmSync(seed, { recursive: true, force: true });
  }
  return { dir: location, remove };
}
