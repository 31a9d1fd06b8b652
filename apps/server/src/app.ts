import { defaultWebRoot, createHttpServer, type App } from './platform/http/http-server.js';
import { registerImportJobRoutes } from './platform/jobs/import-jobs.routes.js';
import type { Services } from './services.js';
import { ConfigError, type Config } from './config.js';
import { version } from './version.js';

/** Builds the HTTP application over the composed modules (services.ts lists them, in order). */
export async function buildApp(
  config: Config,
  services: Services,
  opts: { webRoot?: string | null; strictContract?: boolean } = {},
): Promise<App> {
  await openRouteRateLimits(config, services);
  const app = await createHttpServer({
    logger: services.logger,
    authenticator: services.auth,
    bodyLimit: config.BODY_LIMIT_BYTES,
    uploadLimit: config.UPLOAD_LIMIT_BYTES,
    trustProxy: config.TRUST_PROXY,
    version,
    webRoot: opts.webRoot === undefined ? defaultWebRoot : opts.webRoot,
    imageOrigins: tileOrigin(config.MAP_TILE_URL),
    requestTimeoutMs: config.REQUEST_TIMEOUT_MS,
    uploadTimeoutMs: config.UPLOAD_TIMEOUT_MS,
    strictContract: opts.strictContract ?? false,
    metrics: services.monitoring,
    rateLimitStore: services.routeRateLimits.fastifyStore(),
  });
  app.addHook('onClose', () => services.routeRateLimits.close());
  // The platform's own routes, then each module's as its manifest declares them (services.ts).
  registerImportJobRoutes(app, services.importJobs);
  for (const m of services.modules) m.routes(app);
  return app;
}

/** The origin of a tile URL template such as https://{s}.tile.example.org/{z}/{x}/{y}.png. */
function tileOrigin(template: string): string[] {
  if (!template) return [];
  try {
    const u = new URL(template.replace(/\{s\}/g, 'a').replace(/\{[a-z]\}/g, '0'));
    return [template.includes('{s}') ? `${u.protocol}//*.${u.host.split('.').slice(1).join('.')}` : u.origin];
  } catch {
    return [];
  }
}

/** Route limits count in Redis when REDIS_URL names one (ADR 0036); a wrong URL stops the start. */
async function openRouteRateLimits(config: Config, services: Services): Promise<void> {
  if (!config.REDIS_URL) return;
  try {
    await services.routeRateLimits.useRedis(config.REDIS_URL, config.REDIS_PREFIX);
  } catch (e) {
    throw new ConfigError('REDIS_URL', `cannot reach Redis: ${(e as Error).message}`);
  }
}
