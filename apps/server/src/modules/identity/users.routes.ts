import { userEndpoints as e } from '@civitas/contracts/endpoints/identity';
import type { App } from '../../platform/http/http-server.js';
import { route } from '../../platform/http/route.js';
import { presentUser } from './identity.presenter.js';
import type { UsersService } from './users.service.js';

export function registerUserRoutes(app: App, users: UsersService): void {
  route(app, e.list, 'user.read', async (req) => {
    const { rows, total } = await users.list(req.actor, req.query.limit, req.query.offset);
    return { items: rows.map((r) => presentUser(r.row, r.grants, r.actions)), total, ...req.query };
  });
  route(app, e.create, 'user.write', async (req) => ({ id: await users.create(req.ctx, req.body) }));
  route(app, e.disable, 'user.write', async (req) => {
    await users.setDisabled(req.ctx, req.params.id, true);
  });
  route(app, e.enable, 'user.write', async (req) => {
    await users.setDisabled(req.ctx, req.params.id, false);
  });
  route(app, e.passwordReset, 'user.write', async (req) => ({
    temporaryPassword: await users.resetPassword(req.ctx, req.params.id, req.body.password),
  }));
  route(app, e.mfaReset, 'user.write', async (req) => {
    await users.resetMfa(req.ctx, req.params.id);
  });
  route(app, e.unlock, 'user.write', async (req) => {
    await users.unlock(req.ctx, req.params.id);
  });
  route(app, e.setGrants, 'user.write', async (req) => {
    await users.setGrants(req.ctx, req.params.id, req.body.grants);
  });
}
