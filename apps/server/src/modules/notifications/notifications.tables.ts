import type { ColumnType, Generated, Kysely, Selectable } from 'kysely';
import type { DB } from '../../platform/db/schema.js';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

/** Kysely's view of `notifications` (migrations/0007_cases.sql). */
export interface NotificationsTable {
  id: Generated<string>;
  user_id: string;
  kind: string;
  case_id: string | null;
  /** Migration 0030: what the message says, rendered by the web in the reader's language. */
  code: string | null;
  params: ColumnType<Record<string, unknown>, string | undefined, string>;
  title_zh: string;
  title_en: string;
  body_zh: string;
  body_en: string;
  created_at: Timestamp;
  read_at: Date | null;
}

export type NotificationsDB = DB & { notifications: NotificationsTable };
export type NotificationRow = Selectable<NotificationsTable>;
export const withNotificationTables = (db: Kysely<DB>): Kysely<NotificationsDB> =>
  db.withTables<{ notifications: NotificationsTable }>();
