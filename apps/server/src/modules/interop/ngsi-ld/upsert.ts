import type { FastifyRequest } from 'fastify';
import { scopePaths } from '../../../platform/auth/access.js';
import type { Actor } from '../../../platform/auth/actor.js';
import type { DeviceDirectory } from '../../telemetry/device-directory.js';
import { checkKey, isPlainObject, toReadingValue, type Reading } from '../../telemetry/formats/reading.js';
import type { IngestService } from '../../telemetry/ingest.service.js';
import { MANAGED_ATTRIBUTES, entityId, parseEntityId } from './entities.presenter.js';
import { readContext, resolveTerm, resolveType, type LdContext } from './ld-context.js';
import { bodyContext } from './ngsi-ld.context.js';
import { NgsiLdError, badRequestData, problem, type ProblemDetails } from './ngsi-ld.errors.js';
import type { NgsiLdRepository } from './ngsi-ld.repository.js';

/** BatchOperationResult (clause 5.2.16) and BatchEntityError (clause 5.2.17). */
export interface BatchOperationResult {
  success: string[];
  errors: { entityId: string; error: ProblemDetails }[];
}

export const MAX_BATCH = 1000;
const SKIPPED = new Set(['id', 'type', '@context', 'scope', 'createdAt', 'modifiedAt']);

/**
 * Batch upsert (clause 5.6.8) as a door into the one ingestion pipeline: each Property of an existing
 * device becomes a reading and goes through IngestService like MQTT and HTTP telemetry. Entities are
 * never created here: devices are registered through the device registry, so an unknown id (or one
 * outside the caller's units, which answers the same) fails on its own with OperationNotSupported.
 */
export class EntityUpsert {
  constructor(
    private readonly repo: NgsiLdRepository,
    private readonly directory: DeviceDirectory,
    private readonly ingest: IngestService,
  ) {}

  async upsert(
    actor: Actor,
    request: FastifyRequest,
    body: unknown,
    linked: LdContext,
  ): Promise<BatchOperationResult> {
    if (!Array.isArray(body) || body.length === 0)
      throw badRequestData('expected a non-empty array of entities');
    if (body.length > MAX_BATCH) throw badRequestData(`at most ${MAX_BATCH} entities per batch`);
    const entities = body.map((e: unknown, i) => {
      if (!isPlainObject(e) || typeof e.id !== 'string' || typeof e.type !== 'string')
        throw badRequestData(`entity ${i}: an object with string id and type is required`);
      const entity = e as Record<string, unknown> & { id: string; type: string };
      const own = bodyContext(request, e);
      if (own === undefined) return { entity, ctx: linked, contextError: null };
      // An entity's own @context that cannot be read fails that entity alone (ETSI TP 043_01_04).
      try {
        return { entity, ctx: readContext(own), contextError: null };
      } catch (err) {
        if (!(err instanceof NgsiLdError)) throw err;
        return { entity, ctx: linked, contextError: err.toProblem() };
      }
    });
    const codes = entities
      .map(({ entity }) => parseEntityId(entity.id)?.code)
      .filter((c): c is string => c !== undefined);
    const rows = await this.repo.devices({ paths: scopePaths(actor, 'device.write'), codes });
    const devices = new Map(rows.map((d) => [entityId(d.entity_type, d.code), d]));

    const result: BatchOperationResult = { success: [], errors: [] };
    const fail = (id: string, e: ProblemDetails) => result.errors.push({ entityId: id, error: e });
    for (const { entity: e, ctx, contextError } of entities) {
      if (contextError) {
        fail(e.id, contextError);
        continue;
      }
      const row = devices.get(e.id);
      const device = row ? await this.directory.byId(row.id) : null;
      if (!row || !device) {
        fail(
          e.id,
          problem(
            'OperationNotSupported',
            `No device ${e.id.slice(0, 200)} in your units; NGSI-LD cannot create entities, register the device first.`,
          ),
        );
        continue;
      }
      if (resolveType(ctx, e.type) !== row.entity_type) {
        fail(
          e.id,
          problem('BadRequestData', `type ${e.type.slice(0, 60)} does not match ${row.entity_type}`),
        );
        continue;
      }
      const { readings, problems } = toReadings(e, (name) => resolveTerm(ctx, name));
      if (readings.length === 0) {
        if (problems.length > 0) fail(e.id, problem('BadRequestData', problems.join('; ')));
        else result.success.push(e.id);
        continue;
      }
      const outcome = await this.ingest.ingest(device, readings);
      if (outcome.accepted + outcome.events === 0) {
        const reasons = [...problems, ...outcome.rejected.map((r) => r.detail)];
        fail(e.id, problem('BadRequestData', `no attribute was accepted: ${reasons.join('; ')}`));
      } else result.success.push(e.id);
    }
    return result;
  }
}

/**
 * Property instances (normalized or concise) → readings; anything else is reported, not stored.
 * Attribute names are resolved against the entity's @context first (clause 5.5.7): a name whose
 * context gives it an IRI Civitas does not hold is not one of its metrics.
 */
export function toReadings(
  entity: Record<string, unknown>,
  resolve: (name: string) => string | null = (name) => name,
): { readings: Reading[]; problems: string[] } {
  const readings: Reading[] = [];
  const problems: string[] = [];
  for (const [given, raw] of Object.entries(entity)) {
    if (SKIPPED.has(given)) continue;
    const name = resolve(given);
    if (name === null) {
      problems.push(`${JSON.stringify(given.slice(0, 80))} is not an attribute this broker holds`);
      continue;
    }
    if (SKIPPED.has(name) || MANAGED_ATTRIBUTES.has(name)) continue;
    const keyError = checkKey(name);
    if (keyError) {
      problems.push(keyError);
      continue;
    }
    // A multi-attribute is an array of instances (clause 4.5.5); a bare array value is not a reading.
    const instances = Array.isArray(raw) && raw.every(isPlainObject) ? (raw as unknown[]) : [raw];
    for (const inst of instances) {
      const r = toReading(name, inst);
      if (typeof r === 'string') problems.push(r);
      else readings.push(r);
    }
  }
  return { readings, problems };
}

function toReading(name: string, inst: unknown): Reading | string {
  if (!isPlainObject(inst)) {
    const v = toReadingValue(name, inst);
    return v.ok ? { key: name, value: v.value, ts: null } : v.error;
  }
  if (inst.type !== undefined && inst.type !== 'Property')
    return `${name}: ${JSON.stringify(inst.type).slice(0, 40)} attributes are not supported`;
  if (!('value' in inst)) return `${name}: a Property needs a value`;
  const v = toReadingValue(name, inst.value);
  if (!v.ok) return v.error;
  if (inst.observedAt === undefined) return { key: name, value: v.value, ts: null };
  const ts = typeof inst.observedAt === 'string' ? Date.parse(inst.observedAt) : NaN;
  if (Number.isNaN(ts)) return `${name}: observedAt must be an ISO 8601 date-time`;
  return { key: name, value: v.value, ts };
}
