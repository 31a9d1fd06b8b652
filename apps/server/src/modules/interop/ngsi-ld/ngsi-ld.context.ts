import type { FastifyReply, FastifyRequest } from 'fastify';
import { JSON_LD_CONTEXT_REL, answerContext, type LdContext } from './ld-context.js';
import { NgsiLdError, badRequestData, notAcceptable } from './ngsi-ld.errors.js';

export { CORE_CONTEXT } from './ld-context.js';

export type Representation = 'json' | 'ld' | 'geo';

/** Clause 6.3.4: the offered media types, in the order the clause makes significant. */
const MEDIA: [Representation, string][] = [
  ['json', 'application/json'],
  ['ld', 'application/ld+json'],
  ['geo', 'application/geo+json'],
];

/**
 * Clause 6.3.4: the representation the Accept header selects among those the operation offers. The
 * weight (q) decides; on equal weight the clause's list order wins, not the order the client wrote.
 * A missing Accept means application/json; one that allows none of the offers is 406.
 */
export function negotiate(
  request: FastifyRequest,
  offered: Representation[] = ['json', 'ld'],
): Representation {
  const accept = request.headers.accept?.trim();
  if (!accept) return 'json';
  const ranges = accept.split(',').map((part) => {
    const [type = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    const q = params.find((p) => p.startsWith('q='));
    const weight = q ? Number(q.slice(2)) : 1;
    return { type, q: Number.isFinite(weight) ? weight : 0 };
  });
  let best: { rep: Representation; q: number } | null = null;
  for (const [rep, media] of MEDIA) {
    if (!offered.includes(rep)) continue;
    // RFC 9110 12.5.1: the most specific matching range gives the weight.
    const match =
      ranges.find((r) => r.type === media) ??
      ranges.find((r) => r.type === 'application/*') ??
      ranges.find((r) => r.type === '*/*');
    if (match && match.q > 0 && (!best || match.q > best.q)) best = { rep, q: match.q };
  }
  if (!best) {
    const names = MEDIA.filter(([rep]) => offered.includes(rep)).map(([, m]) => m);
    throw notAcceptable(`Accept: this operation answers with ${names.join(', ')} only.`);
  }
  return best.rep;
}

const linkTo = (url: string) => `<${url}>; rel="${JSON_LD_CONTEXT_REL}"; type="application/ld+json"`;

/** Clause 6.3.6 / 6.3.15: `Prefer: body=json` moves a GeoJSON answer's @context to the Link header. */
function contextInLink(request: FastifyRequest): boolean {
  const prefer = request.headers.prefer;
  return typeof prefer === 'string' && /(^|[,;\s])body=json\b/i.test(prefer);
}

/**
 * Sends an entity-bearing body in the chosen representation (clause 6.3.6): application/ld+json puts
 * the @context in each entity, application/json points to it with a Link header, and GeoJSON puts it
 * in the Feature or FeatureCollection unless the client prefers it in the Link header.
 */
export function sendLd(
  request: FastifyRequest,
  reply: FastifyReply,
  rep: Representation,
  ctx: LdContext,
  body: Record<string, unknown> | Record<string, unknown>[],
): FastifyReply {
  const context = answerContext(ctx);
  const link = linkTo(Array.isArray(context) ? context[0]! : context);
  if (rep === 'ld') {
    const withContext = (e: Record<string, unknown>) => ({ ...e, '@context': context });
    return reply
      .type('application/ld+json')
      .send(Array.isArray(body) ? body.map(withContext) : withContext(body));
  }
  if (rep === 'geo') {
    if (contextInLink(request)) return reply.header('link', link).type('application/geo+json').send(body);
    return reply.type('application/geo+json').send({ ...body, '@context': context });
  }
  return reply.header('link', link).type('application/json').send(body);
}

/**
 * Civitas is single-tenant. Clause 6.3.14 / table 6.3.2-1: a system without multi-tenancy answers a
 * request naming a tenant with NoMultiTenantSupport, rather than silently mixing it into the default.
 */
export function assertNoTenant(request: FastifyRequest): void {
  const tenant = request.headers['ngsild-tenant'];
  if (typeof tenant === 'string' && tenant.trim() !== '') {
    throw new NgsiLdError(
      'NoMultiTenantSupport',
      'This broker has a single tenant; send requests without the NGSILD-Tenant header.',
    );
  }
}

const mediaType = (request: FastifyRequest) =>
  (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();

/**
 * Clause 6.3.5: with Content-Type application/ld+json each entity carries its @context (and a Link
 * header is not allowed); with application/json it must not, the context coming in a Link header.
 * Returns the entity's own @context value, or undefined when the Link header's context applies.
 */
export function bodyContext(request: FastifyRequest, entity: Record<string, unknown>): unknown {
  const ld = mediaType(request) === 'application/ld+json';
  const has = '@context' in entity;
  if (ld && !has) throw badRequestData('Content-Type application/ld+json requires @context in every entity.');
  if (!ld && has)
    throw badRequestData(
      '@context is only allowed with Content-Type application/ld+json; use a Link header.',
    );
  return ld ? entity['@context'] : undefined;
}

/** Clause 6.3.5: a JSON-LD context Link header is not allowed alongside application/ld+json bodies. */
export function assertNoLinkWithLdBody(request: FastifyRequest, linked: LdContext): void {
  if (mediaType(request) === 'application/ld+json' && linked.urls.length + linked.terms.size > 0)
    throw badRequestData('Send the @context in the body or in a Link header, not both.');
}
