import type { Endpoint, ParamsOf, QueryOf, BodyOf, ReplyOf, StatusOf } from '@civitas/contracts/endpoint';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { Actor, RequestContext } from '../auth/actor.js';
import { unauthenticated } from '../errors/errors.js';
import type { Access } from './access.js';
import type { App } from './http-server.js';

type Signed = { actor: Actor; ctx: RequestContext & { actor: Actor } };
type Anyone = { actor: Actor | null; ctx: RequestContext };

/**
 * The request a handler sees: params, query and body as the endpoint's schemas parsed them, and on
 * any route that needs a sign-in an `actor` that is never null (the access hook has refused the
 * request before the handler otherwise).
 */
export type EndpointRequest<E extends Endpoint, A extends Access> = FastifyRequest<{
  Params: ParamsOf<E>;
  Querystring: QueryOf<E>;
  Body: BodyOf<E>;
}> &
  (A extends 'public' ? Anyone : Signed);

/** The status a plain return value is sent with: 200 if declared, else the one success status. */
type MainStatus<E extends Endpoint> = 200 extends StatusOf<E> ? 200 : StatusOf<E>;
type Returned<E extends Endpoint> = E['responses'][MainStatus<E>] extends z.ZodType
  ? ReplyOf<E, MainStatus<E>>
  : void;

export type EndpointHandler<E extends Endpoint, A extends Access> = (
  req: EndpointRequest<E, A>,
  reply: FastifyReply,
) => Promise<Returned<E> | FastifyReply>;

/** Route options beyond the contract: rate limits, time budget, a hot route's serializer. */
export interface RouteExtras {
  rateLimit?: { max: number; timeWindow: string };
  handlerTimeout?: number;
  serializerCompiler?: (route: { schema: unknown }) => (data: unknown) => string;
  preValidation?: (request: FastifyRequest) => Promise<void>;
  /** A route that takes larger bodies than BODY_LIMIT_BYTES (an org tree file), in bytes. */
  bodyLimit?: number;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The contract this route was registered from (platform/http/route.ts). */
    endpoint?: Endpoint;
  }
}

function mainStatus(endpoint: Endpoint): number {
  const statuses = Object.keys(endpoint.responses).map(Number);
  if (statuses.includes(200)) return 200;
  const first = statuses.sort((a, b) => a - b)[0];
  if (first === undefined) throw new Error(`${endpoint.method} ${endpoint.path} declares no response`);
  return first;
}

/**
 * Registers a route from its contract. `access` says who may call it (http-server.ts refuses to
 * start without one). A handler returns the body of the main status (200, or the endpoint's only
 * success status such as 201); with several success statuses it sends through `answer`.
 */
export function route<E extends Endpoint, A extends Access>(
  app: App,
  endpoint: E,
  access: A,
  handler: EndpointHandler<E, A>,
  extras: RouteExtras = {},
): void {
  const status = mainStatus(endpoint);
  const response: Record<number, z.ZodType> = {};
  for (const [code, spec] of Object.entries(endpoint.responses))
    if (typeof spec !== 'string') response[Number(code)] = spec;
  const { rateLimit, ...options } = extras;
  app.route({
    method: endpoint.method,
    url: endpoint.path,
    ...options,
    config: { access, endpoint, ...(rateLimit ? { rateLimit } : {}) },
    schema: {
      tags: [...endpoint.tags],
      ...(endpoint.summary ? { summary: endpoint.summary } : {}),
      ...(endpoint.description ? { description: endpoint.description } : {}),
      ...(endpoint.params ? { params: endpoint.params } : {}),
      ...(endpoint.query ? { querystring: endpoint.query } : {}),
      ...(endpoint.body ? { body: endpoint.body } : {}),
      ...(endpoint.consumes ? { consumes: [...endpoint.consumes] } : {}),
      ...(Object.keys(response).length > 0 ? { response } : {}),
    },
    handler: async (request, reply) => {
      if (status !== 200) void reply.code(status);
      const result = await handler(request as unknown as EndpointRequest<E, A>, reply);
      if (result === reply || reply.sent) return reply;
      if (endpoint.responses[status] === 'empty') return reply.code(204).send();
      return result;
    },
  });
}

/** Sends one of several declared success statuses, with its body type checked against the contract. */
export function answer<E extends Endpoint, S extends StatusOf<E>>(
  reply: FastifyReply,
  _endpoint: E,
  status: S,
  body: ReplyOf<E, S>,
): FastifyReply {
  const payload: unknown = body;
  const code: number = status;
  return reply.code(code).send(payload);
}

/**
 * The caller of a signed-in route registered outside the contract (the NGSI-LD and Open311 scopes,
 * which answer in their own standards' shapes): the access hook has refused anonymous callers, so
 * this only turns that guarantee into a type.
 */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw unauthenticated();
  return request.actor;
}
