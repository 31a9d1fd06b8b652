import type { Kysely } from 'kysely';
import type { DB } from '../platform/db/schema.js';

/** The id of a fixture user. */
export const userIdOf = async (db: Kysely<DB>, username: string) =>
  (await db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirstOrThrow()).id;

/** The audit rows of one action by one user, oldest first. */
export const auditRowsOf = async (db: Kysely<DB>, action: string, username: string) =>
  db
    .selectFrom('audit_log')
    .selectAll()
    .where('action', '=', action)
    .where('actor_id', '=', await userIdOf(db, username))
    .orderBy('seq')
    .execute();
