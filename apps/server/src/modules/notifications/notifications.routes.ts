import { notificationListQuery, notificationPage } from '@civitas/contracts/notifications';
import { z } from 'zod';
import type { App } from '../../platform/http/http-server.js';
import type { NotificationsService } from './notifications.service.js';

const tags = ['notifications'];

/** The signed-in user's own notifications; nobody reads anyone else's. */
export function registerNotificationRoutes(app: App, notifications: NotificationsService): void {
  app.get(
    '/api/v1/notifications',
    {
      config: { access: 'authenticated' },
      schema: {
        tags,
        summary: 'My notifications, newest first',
        querystring: notificationListQuery,
        response: { 200: notificationPage },
      },
    },
    async (req) => notifications.list(req.actor!.userId, req.query),
  );

  app.post(
    '/api/v1/notifications/:id/read',
    {
      config: { access: 'authenticated' },
      schema: { tags, summary: 'Mark one of my notifications read', params: z.object({ id: z.uuid() }) },
    },
    async (req, reply) => {
      await notifications.markRead(req.actor!.userId, req.params.id);
      return reply.status(204).send();
    },
  );

  app.post(
    '/api/v1/notifications/read-all',
    {
      config: { access: 'authenticated' },
      schema: {
        tags,
        summary: 'Mark all my notifications read',
        response: { 200: z.object({ marked: z.number().int() }) },
      },
    },
    async (req) => ({ marked: await notifications.markAllRead(req.actor!.userId) }),
  );
}
