import type { AttachmentPurpose } from '@civitas/contracts/cases';
import type { Kysely, Transaction } from 'kysely';
import type { FileReferences } from '../../../platform/files/orphan-file-sweep.js';
import type { CaseDB } from '../cases.tables.js';

export interface NewAttachment {
  case_id: string;
  storage_key: string;
  file_name: string;
  mime: string;
  size: number;
  sha256: string;
  purpose: AttachmentPurpose;
  created_by: string | null;
  created_at: Date;
}

/**
 * The only SQL of case attachments (table from migrations/0007_cases.sql). It also tells the
 * orphan file sweep which stored files are still attached (`storage_key` is UNIQUE, so indexed).
 */
export class CaseAttachmentsRepository implements FileReferences {
  constructor(private readonly db: Kysely<CaseDB>) {}

  private rows() {
    return this.db
      .selectFrom('case_attachments as a')
      .leftJoin('users as u', 'u.id', 'a.created_by')
      .select([
        'a.id',
        'a.case_id',
        'a.storage_key',
        'a.file_name',
        'a.mime',
        'a.size',
        'a.purpose',
        'a.created_by',
        'a.created_at',
        'u.display_name as created_by_name',
      ]);
  }

  async insert(trx: Transaction<CaseDB>, a: NewAttachment): Promise<string> {
    const row = await trx.insertInto('case_attachments').values(a).returning('id').executeTakeFirstOrThrow();
    return row.id;
  }

  list(caseId: string) {
    return this.rows().where('a.case_id', '=', caseId).orderBy('a.created_at').orderBy('a.id').execute();
  }

  async referenced(keys: readonly string[]): Promise<ReadonlySet<string>> {
    if (keys.length === 0) return new Set();
    const rows = await this.db
      .selectFrom('case_attachments')
      .select('storage_key')
      .where('storage_key', 'in', keys)
      .execute();
    return new Set(rows.map((r) => r.storage_key));
  }

  find(caseId: string, id: string) {
    return this.rows().where('a.case_id', '=', caseId).where('a.id', '=', id).executeTakeFirst();
  }
}

export type AttachmentRow = NonNullable<Awaited<ReturnType<CaseAttachmentsRepository['find']>>>;
