import { telemetryEndpoints } from '@civitas/contracts/endpoints/devices';
import { assertCovers, scopePaths } from '../../platform/auth/access.js';
import type { App } from '../../platform/http/http-server.js';
import { route } from '../../platform/http/route.js';
import type { OrgsService } from '../orgs/orgs.service.js';
import type { LiveEvent, LiveHub } from './live-hub.js';

/**
 * GET /api/v1/live: server-sent events for one org unit's subtree (or the caller's whole scope).
 * EventSource reconnects by itself and sends Last-Event-ID; missed events are replayed first.
 */
export function registerLiveRoutes(app: App, hub: LiveHub, orgs: OrgsService): void {
  // A stream never finishes by itself, so the server's close would wait for it: on stop the
  // streams are ended first, and EventSource reconnects (to another process, behind a balancer)
  // and resumes from its Last-Event-ID (ADR 0038).
  const streams = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const end of [...streams]) end();
  });
  route(app, telemetryEndpoints.live, 'device.read', async (req, reply) => {
    // A unit filter must lie inside the caller's device.read reach: seeing a unit (org.read) is
    // not seeing its devices. Refused before the stream opens, so nothing is ever sent.
    const unit = req.query.unitId ? await orgs.get(req.actor, req.query.unitId) : undefined;
    if (unit) assertCovers(req.actor, 'device.read', unit.path, 'Org unit', false);
    const paths = unit ? [unit.path] : scopePaths(req.actor, 'device.read');
    const header = req.headers['last-event-id'];
    const resumeFrom =
      typeof header === 'string' && /^\d+$/.test(header)
        ? Number(header)
        : (req.query.lastEventId ?? hub.lastId);
    const inScope = (e: LiveEvent) => paths.some((p) => e.orgUnitPath.startsWith(p));
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      'x-request-id': req.id,
    });
    const send = (e: LiveEvent) => {
      if (inScope(e)) res.write(`id: ${e.id}\nevent: ${e.type}\ndata: ${JSON.stringify(e.data)}\n\n`);
    };
    res.write(`retry: 2000\n\n`);
    for (const e of hub.since(resumeFrom)) send(e);
    const stop = hub.listen(send);
    // A comment line every 15 s keeps proxies from closing an idle stream.
    const beat = setInterval(() => res.write(`: keep-alive\n\n`), 15_000);
    const end = () => {
      clearInterval(beat);
      stop();
      streams.delete(end);
      if (!res.writableEnded) res.end();
    };
    streams.add(end);
    req.raw.on('close', end);
  });
}
