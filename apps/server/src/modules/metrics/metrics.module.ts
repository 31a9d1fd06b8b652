import { defineModule } from '../../platform/module/module.js';
import type { CaseConfigService } from '../cases/config/case-config.service.js';
import type { CaseService } from '../cases/cases.service.js';
import type { OrgsService } from '../orgs/orgs.service.js';
import { MetricsRepository } from './metrics.repository.js';
import { registerMetricsRoutes } from './metrics.routes.js';
import { MetricsService } from './metrics.service.js';

/** How the work goes: case volumes, timeliness and satisfaction per unit, for the command center. */
export const metricsModule = defineModule<{
  orgs: OrgsService;
  cases: CaseService;
  caseConfig: CaseConfigService;
}>()({
  name: 'metrics',
  needs: { orgs: true, cases: true, caseConfig: true },
  tables: [],
  reads: ['org_units'],
  publishes: [],
  subscribes: [],
  create: (host, { orgs, cases, caseConfig }) => ({
    metrics: new MetricsService(new MetricsRepository(host.db), cases, orgs, caseConfig, host.clock),
  }),
  routes: (app, s) => registerMetricsRoutes(app, s.metrics),
});
