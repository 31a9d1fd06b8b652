import type { Endpoint } from '@civitas/contracts/endpoint';
import { errorStatus, type ErrorCode } from '@civitas/contracts/errors';
import type { FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Access } from './access.js';

/** Codes any route can answer with, whatever its own work: the request itself was refused. */
const ANY_ROUTE: readonly ErrorCode[] = [
  'validation_failed',
  'bad_request',
  'malformed_body',
  'bad_url',
  'uri_too_long',
  'payload_too_large',
  'unsupported_media_type',
  'rate_limited',
  'internal_error',
  'unavailable',
  'request_timeout',
];
/** Signed-in routes: no or a lapsed sign-in, a cookie write without its CSRF header, and a
 * permission the caller lacks (checked before the handler, and per record by the service). */
const SIGNED_IN: readonly ErrorCode[] = ['unauthenticated', 'csrf_failed', 'forbidden'];

/** Every code a route may answer with: its endpoint's own and those its access implies. */
export function allowedErrors(endpoint: Endpoint, access: Access): Set<ErrorCode> {
  return new Set([...ANY_ROUTE, ...(access === 'public' ? [] : SIGNED_IN), ...endpoint.errors]);
}

function problemSchema(codes: readonly ErrorCode[]) {
  return {
    type: 'object',
    description: 'RFC 9457 problem details with the stable code and the request id',
    required: ['type', 'title', 'status', 'code', 'requestId'],
    properties: {
      type: { type: 'string' },
      title: { type: 'string' },
      status: { type: 'integer' },
      detail: { type: 'string' },
      instance: { type: 'string' },
      code: { type: 'string', enum: [...codes] },
      requestId: { type: 'string' },
      errors: {
        type: 'array',
        items: {
          type: 'object',
          required: ['path', 'message'],
          properties: { path: { type: 'string' }, message: { type: 'string' } },
        },
      },
    },
    additionalProperties: true,
  };
}

const NON_JSON = {
  empty: { description: 'No content', type: 'null' },
  file: {
    description: 'The file, with its stored content type',
    content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
  },
  events: {
    description: 'A stream of server-sent events',
    content: { 'text/event-stream': { schema: { type: 'string' } } },
  },
} as const;

/**
 * The OpenAPI operation of a route comes from its endpoint: the zod schemas as JSON Schema (the type
 * provider's transform), plus one problem+json answer per error status listing the codes it may carry,
 * and the answers that are not JSON (no content, a file, an event stream).
 */
export const contractTransform: typeof jsonSchemaTransform = (input) => {
  const out = jsonSchemaTransform(input);
  const endpoint = input.route.config?.endpoint;
  const access = input.route.config?.access;
  if (!endpoint || !access) return out;
  const response: Record<string, unknown> = { ...(out.schema.response as Record<string, unknown>) };
  for (const [status, spec] of Object.entries(endpoint.responses))
    if (typeof spec === 'string') response[status] = NON_JSON[spec];
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of allowedErrors(endpoint, access)) {
    const status = errorStatus[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  for (const [status, codes] of [...byStatus].sort((a, b) => a[0] - b[0]))
    response[String(status)] = {
      description: codes.join(', '),
      content: { 'application/problem+json': { schema: problemSchema(codes) } },
    };
  return { ...out, schema: { ...out.schema, response } };
};

/**
 * Strict contract checking, switched on in tests (HttpOptions.strictContract): an answer that breaks
 * its endpoint's contract becomes a 500 naming the breach, so the test that provoked it fails on its
 * status or body. Breaches: a success status the endpoint does not declare, a problem code it does
 * not declare, and a body that does not parse with the declared schema (also for routes with a
 * compiled serializer, which in production trust the presenter's types instead of checking).
 */
export class ContractCheck {
  readonly breaches: string[] = [];
  /** Every route registered, for the test that routes and endpoints match both ways. */
  readonly routes: { method: string; url: string; endpoint: Endpoint | undefined }[] = [];

  /** onRoute: routes with their own serializer get the zod check in front of it. */
  onRoute = (route: RouteOptions): void => {
    for (const method of [route.method].flat())
      this.routes.push({ method, url: route.url, endpoint: route.config?.endpoint });
    const compile = route.serializerCompiler;
    if (!compile || !route.config?.endpoint) return;
    route.serializerCompiler = (ctx) => {
      const serialize = compile(ctx);
      const schema = ctx.schema;
      return (data: unknown) => {
        if (schema instanceof z.ZodType) {
          const parsed = schema.safeParse(data);
          if (!parsed.success) throw new ContractBreach(`response body: ${z.prettifyError(parsed.error)}`);
        }
        return serialize(data);
      };
    };
  };

  /** A problem about to be sent: its code must be one the route may answer with. */
  problemBreach(request: FastifyRequest, code: ErrorCode): string | null {
    const { endpoint, access } = request.routeOptions.config;
    if (!endpoint || !access || allowedErrors(endpoint, access).has(code)) return null;
    return this.record(request, `problem code ${code} is not among the endpoint's errors`);
  }

  /** A success about to be sent: its status must be one the endpoint declares. */
  statusBreach(request: FastifyRequest, reply: FastifyReply): string | null {
    const endpoint = request.routeOptions.config.endpoint;
    const status = reply.statusCode;
    if (!endpoint || status >= 400 || status in endpoint.responses) return null;
    return this.record(request, `status ${status} is not among the endpoint's responses`);
  }

  record(request: FastifyRequest, what: string): string {
    const breach = `${request.method} ${request.routeOptions.url ?? request.url}: ${what}`;
    this.breaches.push(breach);
    request.log.error({ breach }, 'contract breach');
    return breach;
  }
}

/** A response body that does not match its declared schema, caught in strict mode. */
export class ContractBreach extends Error {}
