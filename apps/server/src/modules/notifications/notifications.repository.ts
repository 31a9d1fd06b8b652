import type { MessageParams, NotificationCode } from '@civitas/contracts/notifications';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../../platform/db/schema.js';
import { withNotificationTables, type NotificationsDB } from './notifications.tables.js';

export interface NewNotification {
  userId: string;
  kind: string;
  caseId: string | null;
  code: NotificationCode;
  params: MessageParams;
  title: { 'zh-CN': string; en: string };
  body: { 'zh-CN': string; en: string };
}

/** The only SQL of the notifications table. */
export class NotificationsRepository {
  private readonly db: Kysely<NotificationsDB>;
  constructor(db: Kysely<DB>) {
    this.db = withNotificationTables(db);
  }

  async insertMany(trx: Transaction<DB>, items: NewNotification[], at: Date): Promise<void> {
    if (items.length === 0) return;
    await trx
      .withTables<Pick<NotificationsDB, 'notifications'>>()
      .insertInto('notifications')
      .values(
        items.map((n) => ({
          user_id: n.userId,
          kind: n.kind,
          case_id: n.caseId,
          code: n.code,
          params: JSON.stringify(n.params),
          title_zh: n.title['zh-CN'],
          title_en: n.title.en,
          body_zh: n.body['zh-CN'],
          body_en: n.body.en,
          created_at: at,
          read_at: null,
        })),
      )
      .execute();
  }

  async list(userId: string, unreadOnly: boolean, limit: number, offset: number) {
    let q = this.db.selectFrom('notifications').where('user_id', '=', userId);
    if (unreadOnly) q = q.where('read_at', 'is', null);
    const [rows, total, unread] = await Promise.all([
      q.selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).offset(offset).execute(),
      q.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
      this.db
        .selectFrom('notifications')
        .select(sql<number>`count(*)::int`.as('n'))
        .where('user_id', '=', userId)
        .where('read_at', 'is', null)
        .executeTakeFirstOrThrow(),
    ]);
    return { rows, total: total.n, unread: unread.n };
  }

  /** Marks one of the user's own notifications read; false when it is not theirs or does not exist. */
  async markRead(userId: string, id: string, at: Date): Promise<boolean> {
    const r = await this.db
      .updateTable('notifications')
      .set({ read_at: sql`coalesce(read_at, ${at})` })
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async markAllRead(userId: string, at: Date): Promise<number> {
    const r = await this.db
      .updateTable('notifications')
      .set({ read_at: at })
      .where('user_id', '=', userId)
      .where('read_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows);
  }
}
