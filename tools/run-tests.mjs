#!/usr/bin/env node
// Runs the whole suite the README promises: unit, integration on PGlite and on PostgreSQL,
// the built server and CLI as processes, and the browser end-to-end tests.
// In CI (CI=true) a missing PostgreSQL or Chromium fails the run; elsewhere it is skipped with
// a notice, so a laptop without them can still run everything else.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';

const ci = process.env.CI === 'true' || process.env.CI === '1';
const pgUrl = new URL(process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test');
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const reachable = (host, port) =>
  new Promise((resolve) => {
    const s = net.connect({ host, port, timeout: 3000 }, () => (s.destroy(), resolve(true)));
    s.on('error', () => resolve(false));
    s.on('timeout', () => (s.destroy(), resolve(false)));
  });

const projects = ['unit', 'pglite', 'process'];
if (await reachable(pgUrl.hostname, Number(pgUrl.port || 5432))) projects.push('postgres');
else if (ci) {
  console.error(`PostgreSQL at ${pgUrl.host} is unreachable; CI requires the PostgreSQL run.`);
  process.exit(1);
} else
  console.warn(
    `\n*** NOTICE: PostgreSQL at ${pgUrl.host} is unreachable: the PostgreSQL integration run is SKIPPED. ***\n`,
  );

if (fs.existsSync(chromium)) projects.push('e2e');
else if (ci) {
  console.error(`Chromium not found at ${chromium}; CI requires the browser tests.`);
  process.exit(1);
} else console.warn(`\n*** NOTICE: no Chromium at ${chromium}: browser end-to-end tests are SKIPPED. ***\n`);

fs.mkdirSync('test-artifacts', { recursive: true });
const args = [
  'vitest',
  'run',
  ...projects.flatMap((p) => ['--project', p]),
  '--reporter=default',
  '--reporter=json',
  '--outputFile.json=test-artifacts/vitest.json',
  ...process.argv.slice(2),
];
const run = spawnSync('npx', args, { stdio: 'inherit', env: { ...process.env, TZ: 'UTC' } });
try {
  const r = JSON.parse(fs.readFileSync('test-artifacts/vitest.json', 'utf8'));
  console.log(`\nprojects: ${projects.join(', ')}`);
  console.log(
    `${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`,
  );
} catch {
  console.log('no test report was written');
}
process.exit(run.status ?? 1);
