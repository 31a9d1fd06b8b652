import { orgEndpoints as e } from '@civitas/contracts/endpoints/orgs';
import type { App } from '../../platform/http/http-server.js';
import { route } from '../../platform/http/route.js';
import { presentOrgUnit } from './orgs.presenter.js';
import type { OrgsService } from './orgs.service.js';

export function registerOrgRoutes(app: App, orgs: OrgsService): void {
  route(app, e.list, 'org.read', async (req) => {
    const { rows, total } = await orgs.list(req.actor, req.query);
    return { items: rows.map(presentOrgUnit), total, limit: req.query.limit, offset: req.query.offset };
  });
  // Administrative boundaries are public facts; any signed-in user (a resident reporting a
  // problem, say) may ask which units contain a point.
  route(app, e.containing, 'authenticated', async (req) => ({
    items: (await orgs.containing(req.query.lat, req.query.lng)).map(presentOrgUnit),
  }));
  route(app, e.get, 'org.read', async (req) => presentOrgUnit(await orgs.get(req.actor, req.params.id)));
  route(app, e.subtree, 'org.read', async (req) => ({
    items: (await orgs.subtree(req.actor, req.params.id)).map(presentOrgUnit),
  }));
  route(app, e.create, 'org.write', async (req) => presentOrgUnit(await orgs.create(req.ctx, req.body)));
  route(app, e.update, 'org.write', async (req) =>
    presentOrgUnit(await orgs.update(req.ctx, req.params.id, req.body)),
  );
  route(app, e.move, 'org.write', async (req) =>
    presentOrgUnit(await orgs.move(req.ctx, req.params.id, req.body.newParentId, req.body.version)),
  );
}
