import { messageParams, notificationCode, type Notification } from '@civitas/contracts/notifications';
import type { Transaction } from 'kysely';
import type { DB } from '../../platform/db/schema.js';
import { notFound } from '../../platform/errors/errors.js';
import type { NotificationRow } from './notifications.tables.js';
import type { NewNotification, NotificationsRepository } from './notifications.repository.js';

/**
 * The one way anything tells a person something. In-app rows today; SMS or push channels later
 * read the same rows, so callers never learn which channels exist. Notifications are written in
 * the caller's transaction: a state change and the news of it commit together.
 */
export class NotificationsService {
  constructor(private readonly repo: NotificationsRepository) {}

  async send(trx: Transaction<DB>, items: NewNotification[], at: Date): Promise<void> {
    // One row per person and message, even when a person is reached two ways (reporter and follower).
    const seen = new Set<string>();
    const unique = items.filter((n) => {
      const key = `${n.userId}|${n.kind}|${n.caseId ?? ''}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    await this.repo.insertMany(trx, unique, at);
  }

  async list(userId: string, q: { unread?: 'true' | 'false' | undefined; limit: number; offset: number }) {
    const r = await this.repo.list(userId, q.unread === 'true', q.limit, q.offset);
    return { items: r.rows.map(present), total: r.total, unread: r.unread, limit: q.limit, offset: q.offset };
  }

  async markRead(userId: string, id: string): Promise<void> {
    if (!(await this.repo.markRead(userId, id, new Date()))) throw notFound('Notification');
  }

  markAllRead(userId: string): Promise<number> {
    return this.repo.markAllRead(userId, new Date());
  }
}

function present(n: NotificationRow): Notification {
  return {
    id: n.id,
    kind: n.kind,
    caseId: n.case_id,
    // Stored by this module only; parsed anyway so a row from another version never breaks a page.
    code: notificationCode.safeParse(n.code).data ?? null,
    params: messageParams.safeParse(n.params).data ?? {},
    title: { 'zh-CN': n.title_zh, en: n.title_en },
    body: { 'zh-CN': n.body_zh, en: n.body_en },
    createdAt: n.created_at.toISOString(),
    readAt: n.read_at?.toISOString() ?? null,
  };
}
