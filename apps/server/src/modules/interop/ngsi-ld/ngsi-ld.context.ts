import type { FastifyReply, FastifyRequest } from 'fastify';
import { NgsiLdError, badRequestData } from './ngsi-ld.errors.js';

/** The NGSI-LD core context (CIM 009 v1.8, annex B). Attribute names are Smart Data Models short names. */
export const CORE_CONTEXT = 'https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.8.jsonld';
export const JSON_LD_CONTEXT_REL = 'http://www.w3.org/ns/json-ld#context';
export const LINK_HEADER = `<${CORE_CONTEXT}>; rel="${JSON_LD_CONTEXT_REL}"; type="application/ld+json"`;

export type Representation = 'json' | 'ld';

/**
 * Clause 6.3.6: the client picks with Accept. application/ld+json puts @context in the body;
 * application/json (or anything else acceptable) leaves it out and points to it with a Link header.
 */
export function representation(request: FastifyRequest): Representation {
  const accept = request.headers.accept;
  if (!accept) return 'json';
  const ranked = accept
    .split(',')
    .map((part, i) => {
      const [type = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
      const q = params.find((p) => p.startsWith('q='));
      return { type, q: q ? Number(q.slice(2)) : 1, i };
    })
    .filter(
      (m) => m.q > 0 && ['application/ld+json', 'application/json', 'application/*', '*/*'].includes(m.type),
    )
    .sort((a, b) => b.q - a.q || a.i - b.i);
  return ranked[0]?.type === 'application/ld+json' ? 'ld' : 'json';
}

/** Sends an entity-bearing body in the representation the client asked for. */
export function sendLd(reply: FastifyReply, rep: Representation, body: unknown, status = 200): FastifyReply {
  if (rep === 'ld') return reply.status(status).type('application/ld+json').send(body);
  return reply.status(status).header('link', LINK_HEADER).type('application/json').send(body);
}

/** Adds @context to an entity for application/ld+json answers (clause 6.3.6). */
export function withContext<T extends object>(
  rep: Representation,
  entity: T,
): T | (T & { '@context': string }) {
  return rep === 'ld' ? { ...entity, '@context': CORE_CONTEXT } : entity;
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

/**
 * Clause 6.3.5: with Content-Type application/ld+json each entity carries its @context; with
 * application/json it must not (the context then comes in a Link header, or is the core context).
 */
export function checkBodyContext(request: FastifyRequest, entity: Record<string, unknown>): void {
  const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  const has = '@context' in entity;
  if (type === 'application/ld+json' && !has)
    throw badRequestData('Content-Type application/ld+json requires @context in every entity.');
  if (type !== 'application/ld+json' && has)
    throw badRequestData(
      '@context is only allowed with Content-Type application/ld+json; use a Link header.',
    );
}
