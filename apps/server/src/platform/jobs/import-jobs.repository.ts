import type { ImportJob } from '@civitas/contracts/registry';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';

export type RowError = ImportJob['errors'][number];

export class ImportJobsRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async create(kind: string, fileName: string, userId: string): Promise<string> {
    const r = await this.db
      .insertInto('import_jobs')
      .values({
        kind,
        file_name: fileName,
        status: 'running',
        created_by: userId,
        total_rows: null,
        finished_at: null,
        errors: '[]',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return r.id;
  }

  async progress(
    id: string,
    p: { total?: number; processed: number; imported: number; rejected: number; errors: RowError[] },
  ) {
    await this.db
      .updateTable('import_jobs')
      .set({
        ...(p.total !== undefined ? { total_rows: p.total } : {}),
        processed_rows: p.processed,
        imported_rows: p.imported,
        rejected_rows: p.rejected,
        errors: JSON.stringify(p.errors),
      })
      .where('id', '=', id)
      .execute();
  }

  async finish(id: string, status: 'done' | 'failed', errors?: RowError[]) {
    await this.db
      .updateTable('import_jobs')
      .set({ status, finished_at: new Date(), ...(errors ? { errors: JSON.stringify(errors) } : {}) })
      .where('id', '=', id)
      .execute();
  }

  find(id: string) {
    return this.db.selectFrom('import_jobs').selectAll().where('id', '=', id).executeTakeFirst();
  }
}

export type ImportJobRow = NonNullable<Awaited<ReturnType<ImportJobsRepository['find']>>>;
