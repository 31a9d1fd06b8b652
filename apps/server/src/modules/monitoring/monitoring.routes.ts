import { createHash, timingSafeEqual } from 'node:crypto';
import type { App } from '../../platform/http/http-server.js';
import type { Metrics } from '../../platform/metrics/metrics.js';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);
const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * `GET /api/metrics`, the Prometheus exposition (`/metrics` is the web app's page of case
 * metrics, so it cannot be Prometheus's default path here). Without a session: a scraper
 * presents `Authorization: Bearer <METRICS_TOKEN>`; with no token configured only a scraper on
 * this machine (the socket's own address, never a forwarded one) is answered.
 */
export function registerMonitoringRoutes(app: App, metrics: Metrics, token: string | null): void {
  const expected = token ? digest(token) : null;
  app.get('/api/metrics', { schema: { hide: true }, config: { access: 'public' } }, async (req, reply) => {
    if (expected) {
      const given = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (!given || !timingSafeEqual(digest(given), expected))
        return reply
          .status(401)
          .header('www-authenticate', 'Bearer realm="metrics"')
          .send({ status: 'a bearer token (METRICS_TOKEN) is required' });
    } else if (!LOOPBACK.has(req.socket.remoteAddress ?? '')) {
      return reply.status(403).send({ status: 'set METRICS_TOKEN to scrape from another machine' });
    }
    const { contentType, body } = await metrics.exposition();
    return reply.header('content-type', contentType).header('cache-control', 'no-store').send(body);
  });
}
