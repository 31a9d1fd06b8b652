import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Tests import contracts from source so a test run never depends on a stale build.
const contractsSrc = fileURLToPath(new URL('./packages/contracts/src/', import.meta.url));
const alias = [{ find: /^@civitas\/contracts\/(.*)$/, replacement: `${contractsSrc}$1.ts` }];

export default defineConfig({
  resolve: { alias },
  test: {
    // Vitest's default on a 2-core machine is one worker, so every file waited for the one before
    // it, although most of a file's time is spent waiting on PostgreSQL, a child process or the
    // browser. Three workers keep both cores busy. The browser suite runs alone after the rest
    // (one file at a time, Vitest's sequential group): started first, beside the process tests,
    // it was no faster and waits timed out at load 7.
    maxWorkers: 3,
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'unit',
          // Files share a worker's module cache instead of importing the server afresh each:
          // importing took longer than testing (docs/ARCHITECTURE.md, Tests). No test mocks modules.
          isolate: false,
          include: [
            'apps/server/src/**/*.test.ts',
            'packages/contracts/src/**/*.test.ts',
            'tools/**/*.test.ts',
          ],
          exclude: ['**/*.int.test.ts'],
          env: { TZ: 'UTC' },
          // A hang guard, not a measure of speed: property tests and the simulator's models took
          // over Vitest's default 5 s at load 8+ while the rest of the suite ran beside them.
          testTimeout: 60_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'pglite',
          isolate: false,
          include: ['apps/server/src/**/*.int.test.ts'],
          env: { TZ: 'UTC', TEST_DB: 'pglite' },
          globalSetup: ['apps/server/src/test-support/database-template.global-setup.ts'],
          // Guards against hangs, not a measure of speed: generous enough for a machine at load 8.
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'postgres',
          isolate: false,
          include: ['apps/server/src/**/*.int.test.ts'],
          env: { TZ: 'Asia/Shanghai', TEST_DB: 'postgres' },
          globalSetup: ['apps/server/src/test-support/database-template.global-setup.ts'],
          // Guards against hangs, not a measure of speed: generous enough for a machine at load 8.
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'process',
          include: ['tests/process/**/*.test.ts'],
          env: { TZ: 'UTC' },
          // The demo district on embedded storage, loaded once per run and shared with e2e.
          globalSetup: ['tests/process/demo-snapshot.global-setup.ts'],
          // Hang guards: loading the demo district through the CLI took over 120 s at load 8+.
          testTimeout: 300_000,
          hookTimeout: 600_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.e2e.test.ts'],
          env: { TZ: 'UTC' },
          // Loads the demo district once into a snapshot each web-*.e2e.test.ts file's server starts from.
          globalSetup: ['tests/e2e/support/demo-snapshot.global-setup.ts'],
          // Hang guards, not measures of speed: at load 25-30 one role's pages with axe took over
          // 120 s. Playwright's own waits get the same treatment (support/browser.ts), and so do
          // expect.poll's, whose default of one second measured speed.
          testTimeout: 600_000,
          hookTimeout: 900_000,
          expect: { poll: { timeout: 60_000 } },
          // After the other projects (their group runs first), the web files side by side, each
          // with its own server and browser.
          sequence: { groupOrder: 1 },
          maxWorkers: 3,
        },
      },
    ],
  },
});
