import { systemEndpoints } from '@civitas/contracts/endpoints/system';
import { Cache } from '../../platform/cache/cache.js';
import type { Database } from '../../platform/db/database.js';
import { pendingMigrations } from '../../platform/db/migrate.js';
import type { App } from '../../platform/http/http-server.js';
import { route } from '../../platform/http/route.js';

export interface PublicSettings {
  tileUrl: string | null;
  tileAttribution: string | null;
  demo: boolean;
  version: string;
}

export interface MapArea {
  bbox: [number, number, number, number];
  center: [number, number];
}

/** How long the public map area is reused; boundaries change rarely and this route is unauthenticated. */
const AREA_TTL_MS = 60_000;

/** Probes for orchestrators and the settings the web app needs before sign-in. */
export function registerSystemRoutes(
  app: App,
  database: Database,
  settings: PublicSettings,
  mapArea: () => Promise<MapArea | null>,
): void {
  const area = new Cache<0, MapArea | null>({ ttlMs: AREA_TTL_MS, maxEntries: 1 });
  const currentArea = () => area.load(0, mapArea);
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));

  app.get('/readyz', { schema: { hide: true } }, async (req, reply) => {
    try {
      await database.ping();
      const pending = await pendingMigrations(database.db);
      if (pending.length > 0) return reply.status(503).send({ status: 'migrations pending', pending });
      return { status: 'ready', engine: database.engine };
    } catch (e) {
      req.log.warn({ err: e }, 'readiness check failed');
      return reply.status(503).send({ status: 'database unreachable' });
    }
  });

  route(app, systemEndpoints.publicConfig, 'public', async () => ({
    ...settings,
    mapArea: await currentArea(),
  }));
}
