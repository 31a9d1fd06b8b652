import { defineModule } from '../../platform/module/module.js';
import type { OrgsService } from '../orgs/orgs.service.js';
import { HomeRepository } from './home.repository.js';
import { registerHomeRoutes } from './home.routes.js';
import { HomeService } from './home.service.js';

/**
 * The figures of each role's home page: counts over the caller's units, read straight from the
 * owners' tables (ADR 0047: aggregates only, matched to each owner's list filters by test).
 */
export const homeModule = defineModule<{ orgs: OrgsService }>()({
  name: 'home',
  needs: { orgs: true },
  tables: [],
  reads: ['org_units', 'cases', 'residents', 'devices'],
  publishes: [],
  subscribes: [],
  create: (host, { orgs }) => ({
    home: new HomeService(new HomeRepository(host.db), orgs, host.clock, {
      dueSoonHours: host.config.HOME_DUE_SOON_HOURS,
      targets: {
        responseOnTimeRate: host.config.TARGET_RESPONSE_ON_TIME_PERCENT / 100,
        resolutionOnTimeRate: host.config.TARGET_RESOLUTION_ON_TIME_PERCENT / 100,
        satisfactionMean: host.config.TARGET_SATISFACTION,
      },
    }),
  }),
  routes: (app, s) => registerHomeRoutes(app, s.home),
});
