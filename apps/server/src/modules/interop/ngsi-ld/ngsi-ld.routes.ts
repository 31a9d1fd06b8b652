import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { App } from '../../../platform/http/http-server.js';
import { actorOf } from '../../../platform/http/route.js';
import type { Kysely } from 'kysely';
import type { DB } from '../../../platform/db/schema.js';
import type { DeviceDirectory } from '../../telemetry/device-directory.js';
import type { IngestService } from '../../telemetry/ingest.service.js';
import type { TelemetryService } from '../../telemetry/telemetry.service.js';
import { render, renderFeature } from './entities.presenter.js';
import {
  EntityQueries,
  entityQueryParams,
  geometryProperty,
  parseEntityQuery,
  parseRepresentation,
  retrieveParams,
} from './entities.query.js';
import { redactedPath } from '../../../platform/logging/redact-url.js';
import { linkContext } from './ld-context.js';
import { assertNoLinkWithLdBody, assertNoTenant, negotiate, sendLd } from './ngsi-ld.context.js';
import { ngsiLdErrorHandler, problem, resourceNotFound } from './ngsi-ld.errors.js';
import { NgsiLdRepository } from './ngsi-ld.repository.js';
import { TemporalEntities, temporalParams } from './temporal.js';
import { EntityUpsert } from './upsert.js';

const tags = ['ngsi-ld'];
const entityParams = z.object({ entityId: z.string().min(1).max(300) });

/**
 * Runs a handler's work; if the request was aborted meanwhile (its time budget ran out and the 503 is
 * already sent, or the client left), the work's own abort error is dropped instead of answered twice.
 */
async function withinBudget<T>(req: FastifyRequest, work: () => Promise<T>): Promise<T | undefined> {
  try {
    return await work();
  } catch (e) {
    if (req.signal.aborted) return undefined;
    throw e;
  }
}

/**
 * NGSI-LD API (ETSI GS CIM 009) at /ngsi-ld/v1: devices and their latest state as Smart Data Models
 * entities, batch upsert into the ingestion pipeline, and temporal retrieval from raw telemetry.
 * Its own plugin scope gives NGSI-LD clients NGSI-LD error bodies and the application/ld+json parser.
 */
export function registerNgsiLdRoutes(
  app: App,
  deps: { db: Kysely<DB>; telemetry: TelemetryService; directory: DeviceDirectory; ingest: IngestService },
): void {
  const repo = new NgsiLdRepository(deps.db);
  const queries = new EntityQueries(repo);
  const temporal = new TemporalEntities(queries, deps.telemetry, repo);
  const upsert = new EntityUpsert(repo, deps.directory, deps.ingest);

  const plugin = async (scope: App) => {
    scope.setErrorHandler(ngsiLdErrorHandler);
    scope.setNotFoundHandler((request, reply) =>
      reply
        .status(404)
        .type('application/json')
        .send(
          problem('ResourceNotFound', `No NGSI-LD operation ${request.method} ${redactedPath(request)}.`),
        ),
    );
    scope.addContentTypeParser(
      'application/ld+json',
      { parseAs: 'string' },
      scope.getDefaultJsonParser('error', 'error'),
    );
    scope.addHook('onRequest', async (request) => assertNoTenant(request));

    scope.get(
      '/entities',
      {
        config: { access: 'device.read' },
        schema: { tags, summary: 'Query entities (clause 6.4.3.2)', querystring: entityQueryParams },
      },
      async (req, reply) =>
        withinBudget(req, async () => {
          const rep = negotiate(req, ['json', 'ld', 'geo']);
          const ctx = linkContext(req);
          const parsed = parseEntityQuery(req.query, ctx);
          const { total, page } = await queries.query(actorOf(req), parsed, req.signal);
          if (parsed.count) void reply.header('NGSILD-Results-Count', String(total));
          const opts = { attrs: parsed.attrs, keyValues: parsed.keyValues };
          if (rep !== 'geo')
            return sendLd(
              req,
              reply,
              rep,
              ctx,
              page.map((e) => render(e, opts)),
            );
          const features = page.map((e) =>
            renderFeature(e, { ...opts, geometryProperty: geometryProperty(req.query, ctx) }),
          );
          return sendLd(req, reply, rep, ctx, { type: 'FeatureCollection', features });
        }),
    );

    scope.get(
      '/entities/:entityId',
      {
        config: { access: 'device.read' },
        schema: {
          tags,
          summary: 'Retrieve an entity (clause 6.5.3.1)',
          params: entityParams,
          querystring: retrieveParams,
        },
      },
      async (req, reply) =>
        withinBudget(req, async () => {
          const rep = negotiate(req, ['json', 'ld', 'geo']);
          const ctx = linkContext(req);
          const { keyValues, attrs } = parseRepresentation(req.query, ctx);
          const entity = await queries.retrieve(actorOf(req), req.params.entityId);
          if (attrs && ![...attrs].some((a) => entity.attrs.has(a)))
            throw resourceNotFound(`Entity ${entity.id} has none of the requested attributes.`);
          const body =
            rep === 'geo'
              ? renderFeature(entity, {
                  attrs,
                  keyValues,
                  geometryProperty: geometryProperty(req.query, ctx),
                })
              : render(entity, { attrs, keyValues });
          return sendLd(req, reply, rep, ctx, body);
        }),
    );

    scope.post(
      '/entityOperations/upsert',
      {
        config: { access: 'device.write' },
        schema: {
          tags,
          summary: 'Batch entity upsert into the ingestion pipeline (clause 6.15.3.1)',
          querystring: z.object({ options: z.enum(['update', 'replace']).optional() }),
        },
      },
      async (req, reply) => {
        negotiate(req, ['json', 'ld']);
        const linked = linkContext(req);
        assertNoLinkWithLdBody(req, linked);
        const result = await upsert.upsert(actorOf(req), req, req.body, linked);
        // Clause 6.15.3.1: 204 when every entity already existed and was updated; 207 with a
        // BatchOperationResult when any failed. 201 (created ids) never applies: nothing is created.
        if (result.errors.length === 0) return reply.status(204).send();
        return reply.status(207).type('application/json').send(result);
      },
    );

    scope.get(
      '/temporal/entities/:entityId',
      {
        config: { access: 'device.read' },
        schema: {
          tags,
          summary: 'Retrieve the temporal evolution of an entity (clause 6.19.3.1)',
          params: entityParams,
          querystring: temporalParams,
        },
      },
      async (req, reply) =>
        withinBudget(req, async () => {
          const rep = negotiate(req, ['json', 'ld']);
          const ctx = linkContext(req);
          const body = await temporal.retrieve(actorOf(req), req.params.entityId, req.query, ctx, req.signal);
          return sendLd(req, reply, rep, ctx, body);
        }),
    );
  };
  void app.register(plugin, { prefix: '/ngsi-ld/v1' });
}
