import { z } from 'zod';
import { scopePaths } from '../../../platform/auth/access.js';
import type { Actor } from '../../../platform/auth/actor.js';
import { buildEntity, parseEntityId, queryValue, type Entity } from './entities.presenter.js';
import { geoMatches, parseGeoQuery, type GeoQuery } from './geo-query.js';
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
  limit: text,
  offset: text,
  count: text,
  options: text,
  format: text,
});
export const retrieveParams = entityQueryParams.pick({ attrs: true, options: true, format: true });
export type EntityQueryParams = z.infer<typeof entityQueryParams>;

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 1000;
const TYPE_NAME = /^[A-Za-z][A-Za-z0-9]*$/;
const KNOWN_OPTIONS = new Set(['keyValues', 'simplified', 'normalized', 'sysAttrs', 'count']);

export interface RenderOptions {
  keyValues: boolean;
  attrs: Set<string> | undefined;
}

/** options / format (clause 6.3.7): keyValues and simplified are synonyms. */
export function parseRepresentation(
  p: { options?: string | undefined; format?: string | undefined; attrs?: string | undefined },
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
  const attrs = p.attrs === undefined ? undefined : new Set(splitList(p.attrs));
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

interface ParsedQuery extends RenderOptions {
  types: string[] | undefined;
  ids: Set<string> | undefined;
  idPattern: RegExp | undefined;
  q: QExpr | undefined;
  geo: GeoQuery | null;
  limit: number;
  offset: number;
  count: boolean;
}

export function parseEntityQuery(p: EntityQueryParams): ParsedQuery {
  const { keyValues, attrs, options } = parseRepresentation(p);
  const types = p.type === undefined ? undefined : splitList(p.type.replace(/\|/g, ','));
  for (const t of types ?? [])
    if (!TYPE_NAME.test(t)) throw badRequestData(`type: unsupported type expression ${t.slice(0, 40)}`);
  const ids = p.id === undefined ? undefined : new Set(splitList(p.id));
  for (const id of ids ?? [])
    if (!id.includes(':')) throw badRequestData(`id: ${id.slice(0, 60)} is not a URI`);
  const q = p.q === undefined ? undefined : parseQ(p.q);
  if (q && !q.ok) throw badRequestData(q.error);
  const geo = parseGeoQuery(p);
  // Clause 5.7.2: a query must restrict by something.
  if (!types && !ids && p.idPattern === undefined && !q && !attrs && !geo)
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
  };
}

function nonNegative(name: string, v: string | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  if (!/^\d{1,9}$/.test(v)) throw badRequestData(`${name}: expected a non-negative integer`);
  return Number(v);
}

/**
 * idPattern is a regular expression from the network. Nested quantifiers are refused because they can
 * backtrack exponentially; ids are short, so the remaining patterns run in bounded time.
 */
function idPattern(src: string): RegExp {
  if (src.length > 200 || /\([^)]*[+*}][^)]*\)\s*[+*{]/.test(src))
    throw badRequestData('idPattern: too long or too complex');
  try {
    return new RegExp(src);
  } catch {
    throw badRequestData('idPattern: not a valid regular expression');
  }
}

/**
 * Entity queries. Devices in the caller's scope (thousands at most) and their latest state are loaded
 * in two queries pre-filtered by type and id; the query language, geo-query and paging then run in
 * memory, which keeps one evaluator for every operator instead of translating each one to SQL.
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

  async query(actor: Actor, p: ParsedQuery): Promise<{ total: number; page: Entity[] }> {
    const all = await this.load(actor, p.types, p.ids);
    const matching = all
      .filter(
        (e) =>
          (!p.ids || p.ids.has(e.id)) &&
          (!p.idPattern || p.idPattern.test(e.id)) &&
          (!p.q || evaluateQ(p.q, (a) => queryValue(e, a))) &&
          (!p.geo || geoMatches(p.geo, e.position)) &&
          // Clause 5.7.2: with attrs, entities having none of them are not matched.
          (!p.attrs || [...p.attrs].some((a) => e.attrs.has(a))),
      )
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
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
