import { systemEndpoints } from '@civitas/contracts/endpoints/system';
import { Cache } from '../../platform/cache/cache.js';
import type { Database } from '../../platform/db/database.js';
import type { Readiness } from '../../platform/lifecycle/readiness.js';
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
  readiness: Readiness,
  settings: PublicSettings,
  mapArea: () => Promise<MapArea | null>,
): void {
  const area = new Cache<0, MapArea | null>({ ttlMs: AREA_TTL_MS, maxEntries: 1 });
  const currentArea = () => area.load(0, mapArea);
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));

  // Readiness, per dependency (ADR 0038): 503 while any is down, at start and after. Liveness
  // (/healthz) stays 200 meanwhile, so an orchestrator takes the process out of rotation rather
  // than restarting it for an outage it cannot fix.
  app.get('/readyz', { schema: { hide: true } }, async (req, reply) => {
    const others = await readiness.report();
    try {
      await database.ping();
    } catch (e) {
      req.log.warn({ err: e }, 'readiness check failed');
      const dependencies = { database: 'down', ...others.dependencies };
      return reply.status(503).send({ status: 'database unreachable', dependencies });
    }
    const dependencies = { database: 'up', ...others.dependencies };
    const pending = await pendingMigrations(database.db);
    if (pending.length > 0)
      return reply.status(503).send({ status: 'migrations pending', pending, dependencies });
    if (!others.ready) return reply.status(503).send({ status: 'dependency down', dependencies });
    return { status: 'ready', engine: database.engine, dependencies };
  });

  route(app, systemEndpoints.publicConfig, 'public', async () => ({
    ...settings,
    mapArea: await currentArea(),
  }));
}
