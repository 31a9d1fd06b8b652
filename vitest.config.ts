import { fileURLToPath } from 'node:url';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { defineConfig } from 'vitest/config';

// The longest files start first, so the suite's wall time is bounded by its longest file rather
// than by whichever files happen to be queued last: the browser suite (one server and one
// browser for every screen), then the process tests, then the rest in Vitest's own order.
const weight = (s: TestSpecification) =>
  s.moduleId.endsWith('web.e2e.test.ts') ? 0 : s.project.name === 'process' ? 1 : 2;
class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    return sorted
      .map((s, i) => ({ s, i }))
      .sort((a, b) => weight(a.s) - weight(b.s) || a.i - b.i)
      .map((x) => x.s);
  }
}

// Tests import contracts from source so a test run never depends on a stale build.
const contractsSrc = fileURLToPath(new URL('./packages/contracts/src/', import.meta.url));
const alias = [{ find: /^@civitas\/contracts\/(.*)$/, replacement: `${contractsSrc}$1.ts` }];

export default defineConfig({
  resolve: { alias },
  test: {
    // Vitest's default on a 2-core machine is one worker, so every file waited for the one before
    // it, although most of a file's time is spent waiting on PostgreSQL, a child process or the
    // browser. Three workers keep both cores busy; the e2e project still runs one file at a time.
    maxWorkers: 3,
    sequence: { sequencer: LongestFirst },
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'unit',
          include: [
            'apps/server/src/**/*.test.ts',
            'packages/contracts/src/**/*.test.ts',
            'tools/**/*.test.ts',
          ],
          exclude: ['**/*.int.test.ts'],
          env: { TZ: 'UTC' },
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'pglite',
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
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.e2e.test.ts'],
          env: { TZ: 'UTC' },
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
