import { defineModule } from '../../platform/module/module.js';
import { NotificationsRepository } from './notifications.repository.js';
import { registerNotificationRoutes } from './notifications.routes.js';
import { NotificationsService } from './notifications.service.js';

/** Each user's inbox: what happened to the work they follow. */
export const notificationsModule = defineModule()({
  name: 'notifications',
  needs: {},
  tables: ['notifications'],
  publishes: [],
  subscribes: [],
  create: (host) => ({ notifications: new NotificationsService(new NotificationsRepository(host.db)) }),
  routes: (app, s) => registerNotificationRoutes(app, s.notifications),
});
