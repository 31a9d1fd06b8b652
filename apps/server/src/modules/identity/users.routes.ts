import { userEndpoints as e } from '@civitas/contracts/endpoints/identity';
import type { App } from '../../platform/http/http-server.js';
import { route } from '../../platform/http/route.js';
import { presentUser } from './identity.presenter.js';
import type { UsersService } from './users.service.js';

export function registerUserRoutes(app: App, users: UsersService): void {
  route(app, e.list, 'user.read', async (req) => {
    const { rows, total } = await users.list(req.actor, req.query.limit, req.query.offset);
    return { items: rows.map((r) => presentUser(r.row, r.grants)), total, ...req.query };
  });
  route(app, e.create, 'user.write', async (req) => ({ id: await users.create(req.ctx, req.body) }));
  route(app, e.disable, 'user.write', async (req) => {
    await users.setDisabled(req.ctx, req.params.id, true);
  });
  route(app, e.enable, 'user.write', async (req) => {
    await users.setDisabled(req.ctx, req.params.id, false);
  });
}
