import { z } from 'zod';
import { scopePaths } from '../../../platform/auth/access.js';
import type { Actor } from '../../../platform/auth/actor.js';
import { filterInSlices } from './cooperative.js';
import { buildEntity, parseEntityId, queryValue, type Entity } from './entities.presenter.js';
import { geoMatches, parseGeoQuery, type GeoQuery } from './geo-query.js';
import { resolveTerm, resolveType, type LdContext } from './ld-context.js';
import { compileLinear, type LinearPattern } from './linear-pattern.js';
import { NgsiLdError, badRequestData, resourceNotFound } from './ngsi-ld.errors.js';
import type { EntityFilter, NgsiLdRepository } from './ngsi-ld.repository.js';
import { evaluateQ, parseQ, type QExpr } from './query-language.js';

const text = z.string().max(4000).optional();
/** Query parameters arrive as text and are checked here, so every refusal is an NGSI-LD error. */
export const entityQueryParams = z.object({
  type: text,
  id: text,
  idPattern: text,
  q: text,
  attrs: text,
  georel: text,
  geometry: text,
  coordinates: text,
  geoproperty: text,
  geometryProperty: text,
  limit: text,
  offset: text,
  count: text,
  options: text,
  format: text,
});
export const retrieveParams = entityQueryParams.pick({
  attrs: true,
  options: true,
  format: true,
  geometryProperty: true,
});
export type EntityQueryParams = z.infer<typeof entityQueryParams>;

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 1000;
// A term, or an IRI (clause 4.6.2: types may be given expanded); `;` and parentheses are the
// type-selection language's AND and grouping, which a single-typed entity never needs.
const TYPE_NAME = /^(?:[A-Za-z][A-Za-z0-9]*|[A-Za-z][A-Za-z0-9+.-]*:[^\s,|;()]+)$/;
const KNOWN_OPTIONS = new Set(['keyValues', 'simplified', 'normalized', 'sysAttrs', 'count']);

export interface RenderOptions {
  keyValues: boolean;
  attrs: Set<string> | undefined;
}

/** options / format (clause 6.3.7): keyValues and simplified are synonyms. attrs become terms. */
export function parseRepresentation(
  p: { options?: string | undefined; format?: string | undefined; attrs?: string | undefined },
  ctx: LdContext,
  extra: string[] = [],
) {
  const options = splitList(p.options);
  for (const o of options)
    if (!KNOWN_OPTIONS.has(o) && !extra.includes(o))
      throw badRequestData(`options: unknown option ${o.slice(0, 40)}`);
  if (p.format !== undefined && !['keyValues', 'simplified', 'normalized'].includes(p.format))
    throw badRequestData(`format: unknown format ${p.format.slice(0, 40)}`);
  const keyValues =
    p.format === 'keyValues' ||
    p.format === 'simplified' ||
    options.includes('keyValues') ||
    options.includes('simplified');
  // A name that resolves to nothing Civitas holds selects nothing, rather than failing.
  const attrs =
    p.attrs === undefined ? undefined : new Set(splitList(p.attrs).flatMap((a) => resolveTerm(ctx, a) ?? []));
  return { keyValues, attrs, options };
}

export function splitList(v: string | undefined): string[] {
  return v === undefined
    ? []
    : v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
}

/** Clause 6.3.15: the GeoProperty a GeoJSON answer takes its geometry from (default location). */
export function geometryProperty(
  p: { geometryProperty?: string | undefined },
  ctx: LdContext,
): string | null {
  return p.geometryProperty === undefined ? 'location' : resolveTerm(ctx, p.geometryProperty);
}

export interface ParsedQuery extends RenderOptions {
  types: string[] | undefined;
  ids: Set<string> | undefined;
  idPattern: LinearPattern | undefined;
  q: QExpr | undefined;
  geo: GeoQuery | null;
  limit: number;
  offset: number;
  count: boolean;
  /** Resolves an attribute name of q against the request's context. */
  term: (name: string) => string | null;
}

export function parseEntityQuery(p: EntityQueryParams, ctx: LdContext): ParsedQuery {
  const { keyValues, attrs, options } = parseRepresentation(p, ctx);
  const typeNames = p.type === undefined ? undefined : splitList(p.type.replace(/\|/g, ','));
  for (const t of typeNames ?? [])
    if (!TYPE_NAME.test(t)) throw badRequestData(`type: unsupported type expression ${t.slice(0, 40)}`);
  const types = typeNames?.flatMap((t) => resolveType(ctx, t) ?? []);
  const ids = p.id === undefined ? undefined : new Set(splitList(p.id));
  for (const id of ids ?? [])
    if (!id.includes(':')) throw badRequestData(`id: ${id.slice(0, 60)} is not a URI`);
  const q = p.q === undefined ? undefined : parseQ(p.q);
  if (q && !q.ok) throw badRequestData(q.error);
  if (p.geoproperty !== undefined && resolveTerm(ctx, p.geoproperty) !== 'location')
    throw badRequestData('geoproperty: only location is supported');
  const geo = parseGeoQuery({ ...p, geoproperty: undefined });
  // Clause 5.7.2: a query must restrict by something.
  if (!typeNames && !ids && p.idPattern === undefined && !q && !attrs && !geo)
    throw badRequestData('give at least one of type, id, idPattern, q, attrs or georel');
  const count = p.count === 'true' || options.includes('count');
  if (p.count !== undefined && p.count !== 'true' && p.count !== 'false')
    throw badRequestData('count: true or false');
  const limit = nonNegative('limit', p.limit, DEFAULT_LIMIT);
  // Clause 5.5.9 (v1.8): a limit above the broker's maximum is TooManyResults, not a silent cap.
  if (limit > MAX_LIMIT)
    throw new NgsiLdError(
      'TooManyResults',
      `You asked for ${limit} results; the maximum limit is ${MAX_LIMIT}.`,
    );
  if (limit === 0 && !count) throw badRequestData('limit: 0 is only allowed together with count=true');
  const terms = new Map<string, string | null>();
  return {
    keyValues,
    attrs,
    types,
    ids,
    idPattern: p.idPattern === undefined ? undefined : idPattern(p.idPattern),
    q: q?.expr,
    geo,
    limit,
    offset: nonNegative('offset', p.offset, 0),
    count,
    term: (name) => {
      if (!terms.has(name)) terms.set(name, resolveTerm(ctx, name));
      return terms.get(name)!;
    },
  };
}

function nonNegative(name: string, v: string | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  if (!/^\d{1,9}$/.test(v)) throw badRequestData(`${name}: expected a non-negative integer`);
  return Number(v);
}

/** idPattern is a regular expression from the network: it runs on the linear-time engine. */
function idPattern(src: string): LinearPattern {
  const compiled = compileLinear(src);
  if (!compiled.ok) throw badRequestData(`idPattern: ${compiled.error}`);
  return compiled.re;
}

/**
 * Entity queries. Devices in the caller's scope (thousands at most) and their latest state are loaded
 * in two queries pre-filtered by type and id; the query language, geo-query and paging then run in
 * memory, which keeps one evaluator for every operator instead of translating each one to SQL. The
 * filter runs in time slices so the event loop stays free, and stops when the request's budget ends.
 */
export class EntityQueries {
  constructor(private readonly repo: NgsiLdRepository) {}

  async load(
    actor: Actor,
    types: string[] | undefined,
    ids: Iterable<string> | undefined,
  ): Promise<Entity[]> {
    const codes =
      ids === undefined ? undefined : [...ids].map(parseEntityId).flatMap((x) => (x ? [x.code] : []));
    const f: EntityFilter = { paths: scopePaths(actor, 'device.read'), types, codes };
    const [devices, states] = await Promise.all([this.repo.devices(f), this.repo.latest(f)]);
    const byDevice = new Map<string, typeof states>();
    for (const s of states) byDevice.set(s.device_id, [...(byDevice.get(s.device_id) ?? []), s]);
    return devices.map((d) => buildEntity(d, byDevice.get(d.id) ?? []));
  }

  async query(
    actor: Actor,
    p: ParsedQuery,
    signal?: AbortSignal,
  ): Promise<{ total: number; page: Entity[] }> {
    const all = await this.load(actor, p.types, p.ids);
    signal?.throwIfAborted();
    const valueOf = (e: Entity) => (name: string) => {
      const term = p.term(name);
      return term === null ? undefined : queryValue(e, term);
    };
    const matching = await filterInSlices(
      all,
      (e) =>
        (!p.ids || p.ids.has(e.id)) &&
        (!p.idPattern || p.idPattern.test(e.id)) &&
        (!p.q || evaluateQ(p.q, valueOf(e))) &&
        (!p.geo || geoMatches(p.geo, e.position)) &&
        // Clause 5.7.2: with attrs, entities having none of them are not matched.
        (!p.attrs || [...p.attrs].some((a) => e.attrs.has(a))),
      signal,
    );
    matching.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return { total: matching.length, page: matching.slice(p.offset, p.offset + p.limit) };
  }

  async retrieve(actor: Actor, id: string): Promise<Entity> {
    const parsed = parseEntityId(id);
    if (!id.includes(':')) throw badRequestData(`${id.slice(0, 60)} is not a URI`);
    const found = parsed ? (await this.load(actor, [parsed.type], [id])).find((e) => e.id === id) : undefined;
    // Out of scope answers like missing, so existence does not leak across communities.
    if (!found) throw resourceNotFound(`Entity ${id.slice(0, 200)} not found.`);
    return found;
  }
}
