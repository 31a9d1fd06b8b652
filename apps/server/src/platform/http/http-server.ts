import { randomUUID, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifyMultipart from '@fastify/multipart';
import fastifyRateLimit, { type FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import { csrfFailed, forbidden, tooManyRequests, unauthenticated } from '../errors/errors.js';
import { SESSION_COOKIE, type Authenticator } from './access.js';
import type { Metrics } from '../metrics/metrics.js';
import { ContractCheck, contractTransform } from './contract.js';
import { handleError, sendProblem } from './problem.js';
import { redactedPath } from '../logging/redact-url.js';
import { budgetError, frameworkError, refuseNul, uploadBudget } from './request-guards.js';
import type { TrustedProxies } from './trusted-proxies.js';

export type App = FastifyInstance<
  import('node:http').Server,
  import('node:http').IncomingMessage,
  import('node:http').ServerResponse,
  Logger,
  ZodTypeProvider
>;

export interface HttpOptions {
  logger: Logger;
  authenticator: Authenticator;
  bodyLimit: number;
  uploadLimit: number;
  /** Proxies whose X-Forwarded-* headers are believed (TRUST_PROXY, ADR 0035); none when absent. */
  trustProxy?: TrustedProxies;
  version: string;
  /** Built web app to serve at `/`; absent in API-only tests. */
  webRoot?: string | null;
  /** Extra origins images may load from (the map tile server). */
  imageOrigins?: string[];
  /** Time budget per request and per upload request, in ms (ADR 0019). */
  requestTimeoutMs?: number;
  uploadTimeoutMs?: number;
  /** Turn every breach of an endpoint's contract into a 500 naming it (tests; see contract.ts). */
  strictContract?: boolean;
  /** Where request durations go (`/api/metrics`); absent, none are recorded. */
  metrics?: Metrics;
  /** Where routes' `config.rateLimit` counts (RouteRateLimits); absent: this process's memory. */
  rateLimitStore?: FastifyRateLimitStoreCtor;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Set in strict contract mode: the breaches seen so far. */
    contractCheck: ContractCheck | null;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;

export const defaultWebRoot = fileURLToPath(new URL('../../../../web/dist/', import.meta.url));

export async function createHttpServer(opts: HttpOptions): Promise<App> {
  const app = Fastify({
    loggerInstance: opts.logger.child({ area: 'http' }),
    bodyLimit: opts.bodyLimit,
    // Never `true`: only the listed hops may name the client, its protocol and host.
    trustProxy: opts.trustProxy?.length ? [...opts.trustProxy] : false,
    // Accept a caller's request id so a trace crosses a proxy; otherwise mint one.
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    logController: new LogController({ requestIdLogLabel: 'requestId' }),
    routerOptions: { maxParamLength: 200 },
    // The per-request time budget: past it the answer is 503 and request.signal aborts (ADR 0019).
    handlerTimeout: opts.requestTimeoutMs ?? 30_000,
    // Refusals before routing (a malformed or overlong path) get the same problem+json as the rest.
    frameworkErrors: (error, request, reply) => {
      void handleError(frameworkError(error), request, reply);
    },
  }).withTypeProvider<ZodTypeProvider>();

  const contract = opts.strictContract ? new ContractCheck() : null;
  app.decorate('contractCheck', contract);
  if (contract) {
    app.addHook('onRoute', contract.onRoute);
    app.addHook('onSend', async (request, reply, payload) => {
      const breach = contract.statusBreach(request, reply);
      if (!breach) return payload;
      void reply.code(500).type('application/problem+json');
      return JSON.stringify({ status: 500, code: 'internal_error', detail: `Contract breach: ${breach}` });
    });
  }
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler((error: Error, request, reply) =>
    handleError(budgetError(error, request), request, reply),
  );
  // The web app loads nothing from elsewhere but map tiles; Leaflet positions tiles with inline styles.
  const csp = [
    "default-src 'self'",
    `img-src 'self' data: blob: ${(opts.imageOrigins ?? []).join(' ')}`.trim(),
    "style-src 'self' 'unsafe-inline'",
    "connect-src 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'self'",
  ].join('; ');
  app.addHook('onSend', async (request, reply) => {
    const type = reply.getHeader('content-type');
    if (typeof type === 'string' && type.startsWith('text/html') && !request.url.startsWith('/api/docs')) {
      void reply.header('content-security-policy', csp);
    }
    void reply.header('x-request-id', request.id);
    void reply.header('x-content-type-options', 'nosniff');
    void reply.header('referrer-policy', 'no-referrer');
    void reply.header('x-frame-options', 'DENY');
  });

  // Every API route must say who may call it (see access.ts); refusing to start beats an open door.
  app.addHook('onRoute', uploadBudget(opts.uploadTimeoutMs ?? 300_000));
  app.addHook('onRoute', (route) => {
    const url = route.url;
    if (!url.startsWith('/api/v1') || route.method === 'HEAD') return;
    if (!route.config?.access) throw new Error(`route ${String(route.method)} ${url} declares no access`);
  });

  await app.register(fastifyCookie);
  await app.register(fastifyRateLimit, {
    global: false,
    ...(opts.rateLimitStore ? { store: opts.rateLimitStore } : {}),
    // The refusal every 429 is: problem+json with Retry-After and `retryAfterSeconds` (scopes with
    // their own error shape, such as Open311, translate it in their handler).
    errorResponseBuilder: (_request, context) =>
      tooManyRequests('rate_limited', 'Too many requests; slow down.', context.ttl / 1000),
  });
  await app.register(fastifyMultipart, { limits: { fileSize: opts.uploadLimit, files: 1, fields: 10 } });
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Civitas API', version: opts.version, description: 'Smart-community platform API.' },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
          bearer: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ session: [] }, { bearer: [] }],
    },
    transform: contractTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs' });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  if (opts.metrics) {
    const duration = opts.metrics.httpDuration;
    // By route pattern, never the raw URL: ids and tokens would make a series per request.
    app.addHook('onResponse', async (request, reply) => {
      duration.observe(
        {
          method: request.method,
          route: request.routeOptions.url ?? 'unmatched',
          status: `${Math.floor(reply.statusCode / 100)}xx`,
        },
        reply.elapsedTime / 1000,
      );
    });
  }

  app.decorateRequest('actor', null);
  app.decorateRequest('ctx', null as never);
  app.addHook('onRequest', async (request) => {
    request.ctx = { actor: null, requestId: request.id, ip: request.ip };
  });
  app.addHook('preValidation', refuseNul);
  app.addHook('preHandler', async (request) => {
    const access = request.routeOptions.config.access;
    if (!access) return;
    const auth = request.headers.authorization;
    const bearer = auth?.startsWith('Bearer ') ? auth.slice(7).trim() : undefined;
    const actor = await opts.authenticator.authenticate({
      sessionToken: request.cookies[SESSION_COOKIE],
      bearerToken: bearer,
      ip: request.ip,
    });
    request.actor = actor;
    request.ctx.actor = actor;
    if (access === 'public') return;
    if (!actor) throw unauthenticated();
    // Cookies ride along on cross-site requests; the CSRF header proves the page is ours.
    if (actor.via === 'session' && !SAFE_METHODS.has(request.method)) {
      const sent = request.headers['x-csrf-token'];
      if (typeof sent !== 'string' || !actor.csrfToken || !sameToken(sent, actor.csrfToken))
        throw csrfFailed();
    }
    if (access !== 'authenticated' && !actor.permissions.has(access)) throw forbidden();
  });

  const webRoot = opts.webRoot;
  const hasWeb = !!webRoot && fs.existsSync(`${webRoot}/index.html`);
  if (hasWeb) {
    await app.register(fastifyStatic, { root: webRoot, prefix: '/', wildcard: false, index: ['index.html'] });
  }
  app.setNotFoundHandler((request, reply) => {
    const isPage =
      request.method === 'GET' &&
      !request.url.startsWith('/api') &&
      request.headers.accept?.includes('text/html');
    if (hasWeb && isPage) return reply.type('text/html').sendFile('index.html');
    return sendProblem(
      reply,
      request,
      404,
      'route_not_found',
      `No route for ${request.method} ${redactedPath({ url: request.url })}.`,
    );
  });
  return app;
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
