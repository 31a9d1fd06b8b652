import { notificationEndpoints as e } from '@civitas/contracts/endpoints/notifications';
import type { App } from '../../platform/http/http-server.js';
import { route } from '../../platform/http/route.js';
import type { NotificationsService } from './notifications.service.js';

/** The signed-in user's own notifications; nobody reads anyone else's. */
export function registerNotificationRoutes(app: App, notifications: NotificationsService): void {
  route(app, e.list, 'authenticated', (req) => notifications.list(req.actor.userId, req.query));
  route(app, e.markRead, 'authenticated', async (req) => {
    await notifications.markRead(req.actor.userId, req.params.id);
  });
  route(app, e.markAllRead, 'authenticated', async (req) => ({
    marked: await notifications.markAllRead(req.actor.userId),
  }));
}
