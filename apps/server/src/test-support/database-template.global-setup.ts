import type { TestProject } from 'vitest/node';
import { pgliteEmptyTemplate, pgliteTemplate, postgresTemplate } from './database-template.js';

/**
 * Global setup of the integration projects: migrate one template per run (or reuse the one the
 * same migrations built before), which every test database is then cloned from (test-database.ts).
 * On PGlite also an empty cluster, which migration tests start from instead of running initdb.
 */
export default async function setup(project: TestProject): Promise<void> {
  const engine = project.config.env?.TEST_DB;
  if (engine === 'postgres') project.provide('databaseTemplate', { engine, name: await postgresTemplate() });
  else if (engine === 'pglite')
    project.provide('databaseTemplate', {
      engine,
      file: await pgliteTemplate(),
      emptyFile: await pgliteEmptyTemplate(),
    });
  else project.provide('databaseTemplate', null);
}
