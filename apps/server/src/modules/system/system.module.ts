import { defineModule } from '../../platform/module/module.js';
import type { OrgsService } from '../orgs/orgs.service.js';
import { version } from '../../version.js';
import { registerSystemRoutes } from './system.routes.js';

/** Probes for orchestrators and the public settings the web app reads before sign-in. */
export const systemModule = defineModule<{ orgs: OrgsService }>()({
  name: 'system',
  needs: { orgs: true },
  tables: [],
  publishes: [],
  subscribes: [],
  create: () => ({}),
  routes: (app, s, host) =>
    registerSystemRoutes(
      app,
      host.database,
      host.readiness,
      {
        tileUrl: host.config.MAP_TILE_URL || null,
        tileAttribution: host.config.MAP_TILE_ATTRIBUTION || null,
        demo: host.config.demo,
        version,
      },
      () => s.orgs.installationArea(),
    ),
});
