import { orgEndpoints as e } from '@civitas/contracts/endpoints/orgs';
import { ORG_IMPORT_MAX_BYTES } from '@civitas/contracts/org-lifecycle';
import type { App } from '../../platform/http/http-server.js';
import { route } from '../../platform/http/route.js';
import type { OrgLifecycleService } from './org-lifecycle.service.js';
import type { OrgTreeImport } from './org-tree-import.js';
import { importAuthorizer, webImportMapping } from './org-tree-import-web.js';
import { presentOrgUnit } from './orgs.presenter.js';
import type { OrgsService } from './orgs.service.js';

export function registerOrgRoutes(
  app: App,
  s: { orgs: OrgsService; orgLifecycle: OrgLifecycleService; orgTreeImport: OrgTreeImport },
): void {
  const { orgs, orgLifecycle } = s;
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
  route(app, e.impact, 'org.read', (req) => orgLifecycle.impact(req.actor, req.params.id));
  route(app, e.retire, 'org.write', async (req) =>
    presentOrgUnit(await orgLifecycle.retire(req.ctx, req.params.id, req.body.version)),
  );
  route(app, e.merge, 'org.write', async (req) => {
    const r = await orgLifecycle.merge(req.ctx, req.params.id, req.body);
    return { unit: presentOrgUnit(r.unit), into: presentOrgUnit(r.into), moved: r.moved };
  });
  // Files of a whole district run to several MB: these two take more than the default body limit.
  for (const [endpoint, dryRun] of [
    [e.importPreview, true],
    [e.importApply, false],
  ] as const) {
    route(
      app,
      endpoint,
      'org.write',
      (req) =>
        s.orgTreeImport.run(req.ctx, req.body.geojson, webImportMapping(req.body.mapping), {
          dryRun,
          authorize: importAuthorizer(req.actor),
        }),
      { bodyLimit: ORG_IMPORT_MAX_BYTES },
    );
  }
}
