import type { App } from '../http/http-server.js';

/**
 * Lets the HTTP server's close end once the requests in flight are answered. Node's close shuts
 * the connections idle at that moment, but a keep-alive connection busy then stays open after its
 * answer until the keep-alive timeout (72 s in Fastify), which held the process on SIGTERM. So,
 * while closing, every answer says `connection: close`, and connections that fall idle are shut
 * as they do (ADR 0038).
 */
export function drainConnectionsOnClose(app: App): void {
  let sweep: NodeJS.Timeout | undefined;
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
    sweep = setInterval(() => app.server.closeIdleConnections(), 100);
    sweep.unref();
  });
  app.addHook('onSend', async (_req, reply, payload) => {
    if (closing) reply.header('connection', 'close');
    return payload;
  });
  app.addHook('onClose', async () => clearInterval(sweep));
}
