/**
 * The origin a client reached this server at, for the few answers that must hold an absolute URL
 * (Open311 discovery). Behind a proxy listed in TRUST_PROXY, Fastify takes the protocol and host
 * from its X-Forwarded-Proto and X-Forwarded-Host; from anyone else they come from the socket and
 * the Host header (ADR 0035). Either may be garbage, so only http/https and a plain host name or
 * address with an optional port are let into a URL.
 */
const HOST = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252}))(?::\d{1,5})?$/;

export function requestOrigin(req: { protocol: string; host: string }): string | null {
  const protocol = req.protocol.toLowerCase() === 'https' ? 'https' : 'http';
  return HOST.test(req.host) ? `${protocol}://${req.host.toLowerCase()}` : null;
}
