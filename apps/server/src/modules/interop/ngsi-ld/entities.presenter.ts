import type { ProfileMetric } from '@civitas/contracts/devices';
import type { EntityDeviceRow, EntityStateRow } from './ngsi-ld.repository.js';

/**
 * Devices as NGSI-LD entities of their profile's Smart Data Models type. Normalized form per
 * CIM 009 clause 4.5: Property `{type, value, observedAt?, unitCode?}`, GeoProperty with a GeoJSON
 * value; keyValues (clause 4.5.4) keeps only the values.
 */
export type Attribute =
  | { type: 'Property'; value: unknown; observedAt?: string; unitCode?: string }
  | { type: 'GeoProperty'; value: { type: 'Point'; coordinates: [number, number] } };

export interface Entity {
  id: string;
  type: string;
  deviceId: string;
  unitPath: string;
  position: [number, number];
  metrics: ProfileMetric[];
  attrs: Map<string, Attribute>;
}

/** Attributes the platform derives from the registry; NGSI-LD writes to them are ignored. */
export const MANAGED_ATTRIBUTES = new Set([
  'name',
  'location',
  'areaServed',
  'controlledProperty',
  'deviceState',
  'dateLastValueReported',
]);
const RESERVED = new Set(['id', 'type', '@context', 'scope', 'createdAt', 'modifiedAt']);
const ENTITY_ID = /^urn:ngsi-ld:([A-Za-z][A-Za-z0-9]*):(.+)$/;

export const entityId = (type: string, code: string) => `urn:ngsi-ld:${type}:${code}`;

export function parseEntityId(id: string): { type: string; code: string } | null {
  const m = ENTITY_ID.exec(id);
  return m ? { type: m[1]!, code: m[2]! } : null;
}

export function buildEntity(d: EntityDeviceRow, states: EntityStateRow[]): Entity {
  const metrics = d.metrics as ProfileMetric[];
  const position: [number, number] = [d.lng, d.lat];
  const attrs = new Map<string, Attribute>([
    ['name', { type: 'Property', value: d.name }],
    ['location', { type: 'GeoProperty', value: { type: 'Point', coordinates: position } }],
    ['areaServed', { type: 'Property', value: d.unit_code }],
  ]);
  if (d.entity_type === 'Device') {
    attrs.set('controlledProperty', { type: 'Property', value: metrics.map((m) => m.key) });
    attrs.set('deviceState', { type: 'Property', value: d.connectivity });
    if (d.last_seen_at)
      attrs.set('dateLastValueReported', { type: 'Property', value: d.last_seen_at.toISOString() });
  }
  for (const s of [...states].sort((a, b) => a.metric.localeCompare(b.metric))) {
    if (RESERVED.has(s.metric) || MANAGED_ATTRIBUTES.has(s.metric)) continue;
    const metric = metrics.find((m) => m.key === s.metric);
    attrs.set(s.metric, instance(metric, s));
  }
  return {
    id: entityId(d.entity_type, d.code),
    type: d.entity_type,
    deviceId: d.id,
    unitPath: d.unit_path,
    position,
    metrics,
    attrs,
  };
}

/** One stored reading as a Property instance, typed by the profile metric. */
export function instance(
  metric: ProfileMetric | undefined,
  r: { ts: Date; num: number | null; txt: string | null },
): Attribute {
  const value = metric?.type === 'boolean' && r.num !== null ? r.num !== 0 : (r.num ?? r.txt);
  return {
    type: 'Property',
    value,
    observedAt: r.ts.toISOString(),
    ...(metric?.unit ? { unitCode: metric.unit } : {}),
  };
}

/** The value the query language compares: a Property's value; GeoProperties are not queryable by q. */
export function queryValue(e: Entity, attr: string): unknown {
  const a = e.attrs.get(attr);
  return a?.type === 'Property' ? a.value : undefined;
}

/** An entity in normalized or keyValues form (clause 4.5), its attributes projected to `attrs`. */
export function render(
  e: Entity,
  opts: { attrs?: Set<string> | undefined; keyValues: boolean },
): Record<string, unknown> {
  const out: Record<string, unknown> = { id: e.id, type: e.type };
  for (const [name, a] of e.attrs) {
    if (opts.attrs && !opts.attrs.has(name)) continue;
    out[name] = opts.keyValues ? a.value : a;
  }
  return out;
}

/**
 * GeoJSON representation (clause 4.5.16): a Feature whose geometry is the value of the chosen
 * GeoProperty (null when the entity has none) and whose properties hold the type and attributes.
 */
export function renderFeature(
  e: Entity,
  opts: { attrs?: Set<string> | undefined; keyValues: boolean; geometryProperty: string | null },
): Record<string, unknown> {
  const { id, type, ...attrs } = render(e, opts);
  const geo = opts.geometryProperty === null ? undefined : e.attrs.get(opts.geometryProperty);
  return {
    id,
    type: 'Feature',
    geometry: geo?.type === 'GeoProperty' ? geo.value : null,
    properties: { type, ...attrs },
  };
}
