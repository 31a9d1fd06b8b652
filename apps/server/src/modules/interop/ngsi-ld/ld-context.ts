import type { FastifyRequest } from 'fastify';
import { NgsiLdError, badRequestData } from './ngsi-ld.errors.js';

/**
 * The JSON-LD @context of a request (CIM 009 clause 5.5.7 and 6.3.5) and the names it gives.
 *
 * Civitas does not fetch remote contexts: it runs without internet access, and fetching a URL a client
 * names would make the server a proxy for whoever sends it. It knows the contexts its entities are
 * written in: the NGSI-LD core context (every version) and the Smart Data Models contexts of the
 * entity types it serves. Any other URL is a context it cannot retrieve, which clause 5.5.6 answers
 * with LdContextNotAvailable. Inline context objects are read for simple term definitions.
 *
 * A term names the same attribute whichever of the known contexts expanded it: the Smart Data Models
 * IRI (`https://smartdatamodels.org/dataModel.Environment/pm25`) and the default-vocabulary IRI the
 * core context alone gives (`https://uri.etsi.org/ngsi-ld/default-context/pm25`) both mean `pm25`.
 * See docs/ngsi-ld.md.
 */
export const CORE_CONTEXT = 'https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.8.jsonld';
export const JSON_LD_CONTEXT_REL = 'http://www.w3.org/ns/json-ld#context';

const NGSI_LD_NS = 'https://uri.etsi.org/ngsi-ld/';
const DEFAULT_VOCAB = `${NGSI_LD_NS}default-context/`;
const SDM_NS = 'https://smartdatamodels.org/';

/** Smart Data Models subject (domain) of each entity type Civitas serves. */
export const SDM_DOMAIN: Record<string, string> = {
  AirQualityObserved: 'Environment',
  NoiseLevelObserved: 'Environment',
  WaterQualityObserved: 'Environment',
  WasteContainer: 'WasteManagement',
  Streetlight: 'Streetlighting',
  ParkingSpot: 'Parking',
  Device: 'Device',
};
const DOMAINS = [...new Set(Object.values(SDM_DOMAIN))].join('|');

const KNOWN_CONTEXTS = [
  /^https?:\/\/uri\.etsi\.org\/ngsi-ld\/v1\/ngsi-ld-core-context(-v1\.\d{1,2})?\.jsonld$/,
  /^https:\/\/smartdatamodels\.org\/context\.jsonld$/,
  new RegExp(
    `^https://raw\\.githubusercontent\\.com/smart-data-models/dataModel\\.(${DOMAINS})/(master|main)/context\\.jsonld$`,
  ),
];

export const isKnownContext = (url: string) => KNOWN_CONTEXTS.some((re) => re.test(url));

/** What a request's context says: the known URLs it named (echoed in answers) and inline terms. */
export interface LdContext {
  urls: string[];
  terms: Map<string, string>;
}

export const DEFAULT_CONTEXT: LdContext = { urls: [], terms: new Map() };

const MAX_CONTEXT_ENTRIES = 50;

/** Reads an @context value (a URL, an inline object, or an array of them), clause 5.5.7. */
export function readContext(value: unknown): LdContext {
  const items = Array.isArray(value) ? (value as unknown[]) : [value];
  if (items.length > MAX_CONTEXT_ENTRIES) throw badRequestData('@context: too many entries');
  const ctx: LdContext = { urls: [], terms: new Map() };
  for (const item of items) {
    if (typeof item === 'string') {
      if (!isKnownContext(item))
        throw new NgsiLdError(
          'LdContextNotAvailable',
          `@context ${item.slice(0, 200)} cannot be retrieved: this broker does not fetch remote contexts; use the NGSI-LD core context or a Smart Data Models context (docs/ngsi-ld.md).`,
        );
      ctx.urls.push(item);
    } else if (item !== null && typeof item === 'object' && !Array.isArray(item)) {
      const entries = Object.entries(item as Record<string, unknown>);
      if (entries.length > MAX_CONTEXT_ENTRIES * 20) throw badRequestData('@context: too many terms');
      for (const [term, def] of entries) {
        const iri = typeof def === 'string' ? def : (def as { '@id'?: unknown } | null)?.['@id'];
        if (typeof iri === 'string' && !term.startsWith('@')) ctx.terms.set(term, iri);
      }
    } else throw badRequestData('@context: expected a URL, an object or an array of them');
  }
  return ctx;
}

/**
 * The context of a request without a body context: the one Link header with the JSON-LD context
 * relation (clause 6.3.5), or the default (core) context when there is none.
 */
export function linkContext(request: FastifyRequest): LdContext {
  const header = request.headers.link;
  if (header === undefined) return DEFAULT_CONTEXT;
  const links = (Array.isArray(header) ? header.join(',') : header)
    .split(/,(?=\s*<)/)
    .map((l) => /^\s*<([^>]*)>(.*)$/.exec(l))
    .filter((m) => m && /;\s*rel\s*=\s*"?http:\/\/www\.w3\.org\/ns\/json-ld#context"?/i.test(m[2]!));
  if (links.length === 0) return DEFAULT_CONTEXT;
  if (links.length > 1) throw badRequestData('Link: give at most one JSON-LD context link');
  return readContext(links[0]![1]!);
}

/** A name from the request (a term or an IRI) as a Civitas term, or null when it names nothing here. */
export function resolveTerm(ctx: LdContext, name: string): string | null {
  const defined = ctx.terms.get(name);
  if (defined !== undefined) return iriToTerm(expandCompact(ctx, defined));
  if (name.includes(':')) return iriToTerm(expandCompact(ctx, name));
  return name;
}

function expandCompact(ctx: LdContext, iri: string): string {
  const m = /^([A-Za-z][\w-]*):(?!\/\/)(.+)$/.exec(iri);
  if (!m) return iri;
  const prefix = m[1] === 'ngsi-ld' ? NGSI_LD_NS : ctx.terms.get(m[1]!);
  return prefix ? `${prefix}${m[2]!}` : iri;
}

const TERM = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Clause 4.4: the IRIs under which Civitas's terms are known, back to the term. */
export function iriToTerm(iri: string): string | null {
  let rest: string | undefined;
  if (iri.startsWith(DEFAULT_VOCAB)) rest = iri.slice(DEFAULT_VOCAB.length);
  else if (iri.startsWith(NGSI_LD_NS)) rest = iri.slice(NGSI_LD_NS.length);
  else if (iri.startsWith(SDM_NS)) rest = iri.slice(SDM_NS.length).replace(/^dataModel\.[A-Za-z]+\//, '');
  return rest !== undefined && TERM.test(rest) ? rest : null;
}

/** The expanded IRI of an entity type: its Smart Data Models IRI (what `type` is compared on). */
export function typeIri(type: string): string {
  const domain = SDM_DOMAIN[type];
  return domain ? `${SDM_NS}dataModel.${domain}/${type}` : `${DEFAULT_VOCAB}${type}`;
}

/** An entity type named in a request, as a Civitas type; an IRI must be that type's own IRI. */
export function resolveType(ctx: LdContext, name: string): string | null {
  const defined = ctx.terms.get(name);
  if (defined === undefined && !name.includes(':')) return name;
  const iri = expandCompact(ctx, defined ?? name);
  const term = iriToTerm(iri);
  return term !== null && (iri === typeIri(term) || iri === `${DEFAULT_VOCAB}${term}`) ? term : null;
}

/** The @context an answer carries: the known contexts the client used, else the core context. */
export function answerContext(ctx: LdContext): string | string[] {
  if (ctx.urls.length === 0) return CORE_CONTEXT;
  return ctx.urls.length === 1 ? ctx.urls[0]! : ctx.urls;
}
