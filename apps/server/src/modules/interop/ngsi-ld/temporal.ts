import { z } from 'zod';
import type { Actor } from '../../../platform/auth/actor.js';
import type { TelemetryService } from '../../telemetry/telemetry.service.js';
import { instance } from './entities.presenter.js';
import type { EntityQueries } from './entities.query.js';
import { parseRepresentation } from './entities.query.js';
import type { LdContext } from './ld-context.js';
import { badRequestData } from './ngsi-ld.errors.js';
import type { NgsiLdRepository } from './ngsi-ld.repository.js';

const text = z.string().max(2000).optional();
export const temporalParams = z.object({
  timerel: text,
  timeAt: text,
  endTimeAt: text,
  timeproperty: text,
  attrs: text,
  lastN: text,
  options: text,
  format: text,
});
export type TemporalParams = z.infer<typeof temporalParams>;

/** Instances per attribute; the raw store can hold far more, so a client pages with timeAt. */
export const MAX_INSTANCES = 1000;
const FAR_FUTURE = new Date('9999-12-31T00:00:00Z');

/** Clause 4.11 / 6.18.3.1: timerel before | after | between over observedAt, as [from, to). */
export function timeWindow(p: TemporalParams, now = Date.now()): { from: Date; to: Date } {
  if (p.timeproperty !== undefined && p.timeproperty !== 'observedAt')
    throw badRequestData('timeproperty: only observedAt is supported');
  if (p.timerel === undefined) {
    if (p.timeAt !== undefined || p.endTimeAt !== undefined) throw badRequestData('timeAt needs timerel');
    return { from: new Date(0), to: new Date(now + 86_400_000) };
  }
  const at = instant('timeAt', p.timeAt);
  switch (p.timerel) {
    case 'before':
      return { from: new Date(0), to: at };
    case 'after':
      // "after" is strict; readings carry millisecond timestamps.
      return { from: new Date(at.getTime() + 1), to: FAR_FUTURE };
    case 'between': {
      const end = instant('endTimeAt', p.endTimeAt);
      if (end <= at) throw badRequestData('endTimeAt: must be after timeAt');
      return { from: at, to: end };
    }
    default:
      throw badRequestData('timerel: expected before, after or between');
  }
}

function instant(name: string, v: string | undefined): Date {
  const ms = v === undefined ? NaN : Date.parse(v);
  if (v === undefined || !/^\d{4}-\d{2}-\d{2}T/.test(v) || Number.isNaN(ms))
    throw badRequestData(`${name}: expected an ISO 8601 date-time`);
  return new Date(ms);
}

/**
 * Temporal evolution of an entity from the raw telemetry table, one query per metric. Without
 * temporalValues each attribute is an array of Property instances; with it, `{type, values: [[v, t]]}`
 * (clause 4.5.9, the simplified temporal representation).
 */
export class TemporalEntities {
  constructor(
    private readonly entities: EntityQueries,
    private readonly telemetry: Pick<TelemetryService, 'rawReadings'>,
    private readonly repo: NgsiLdRepository,
  ) {}

  async retrieve(actor: Actor, id: string, p: TemporalParams, ctx: LdContext, signal?: AbortSignal) {
    const { attrs, options } = parseRepresentation(p, ctx, ['temporalValues']);
    const window = timeWindow(p);
    const lastN = p.lastN === undefined ? undefined : Number(p.lastN);
    if (lastN !== undefined && !(Number.isInteger(lastN) && lastN > 0))
      throw badRequestData('lastN: expected a positive integer');
    const entity = await this.entities.retrieve(actor, id);
    const out: Record<string, unknown> = { id: entity.id, type: entity.type };
    for (const m of entity.metrics) {
      if (attrs && !attrs.has(m.key)) continue;
      // One statement per attribute: a request whose budget ran out issues no more of them.
      signal?.throwIfAborted();
      const rows =
        lastN === undefined
          ? await this.telemetry.rawReadings(entity.deviceId, m.key, window.from, window.to, MAX_INSTANCES)
          : await this.repo.lastRaw(
              entity.deviceId,
              m.key,
              window.from,
              window.to,
              Math.min(lastN, MAX_INSTANCES),
            );
      if (rows.length === 0) continue;
      const instances = rows.map((r) => instance(m, r)) as { value: unknown; observedAt: string }[];
      out[m.key] = options.includes('temporalValues')
        ? { type: 'Property', values: instances.map((i) => [i.value, i.observedAt]) }
        : instances;
    }
    return out;
  }
}
