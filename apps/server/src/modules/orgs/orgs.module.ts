import { defineModule } from '../../platform/module/module.js';
import { OrgsRepository } from './orgs.repository.js';
import { registerOrgRoutes } from './orgs.routes.js';
import { OrgLifecycleService } from './org-lifecycle.service.js';
import { OrgTreeImport } from './org-tree-import.js';
import { OrgsService } from './orgs.service.js';

/** The administrative tree every record hangs on: units, their boundaries and the cells they cover. */
export const orgsModule = defineModule()({
  name: 'orgs',
  needs: {},
  tables: ['org_units', 'org_unit_cells'],
  publishes: [],
  subscribes: [],
  create: (host) => {
    const repo = new OrgsRepository(host.db);
    const orgs = new OrgsService(host.db, repo, host.audit);
    const orgLifecycle = new OrgLifecycleService(host.db, repo, orgs, orgs.unitRecords, host.audit);
    return { orgs, orgLifecycle, orgTreeImport: new OrgTreeImport(orgs, host.db) };
  },
  routes: (app, s) => registerOrgRoutes(app, s),
});
