import { z } from 'zod';
import type { App } from '../../platform/http/http-server.js';
import { requestOrigin } from '../../platform/http/request-origin.js';
import { redactedPath } from '../../platform/logging/redact-url.js';
import type { FastifyRequest } from 'fastify';
import { open311ErrorHandler, o311BadRequest, o311NotFound, sendOpen311Error } from './open311.errors.js';
import { sendOpen311, splitFormat, type Format } from './open311-format.js';
import { parseForm, parseSubmission, type FormFields } from './open311-form.js';
import type { Locale } from './open311.presenter.js';
import type { Open311Service } from './open311.service.js';

const tags = ['open311'];
const FORMATS: Format[] = ['json', 'xml'];
const SPEC = 'http://wiki.open311.org/GeoReport_v2';
/** When this endpoint's behaviour last changed (discovery "changeset"); move it with any change. */
const CHANGESET = '2026-03-01T00:00:00Z';
// Reads are anonymous and a list may hold 1,000 requests: a per-address budget keeps them cheap.
const readLimit = { max: 300, timeWindow: '1 minute' };
const writeLimit = { max: 60, timeWindow: '1 minute' };

const jurisdiction = z.object({ jurisdiction_id: z.string().max(100).optional() });
const requestsQuery = jurisdiction.extend({
  service_request_id: z.string().max(20_000).optional(),
  service_code: z.string().max(2000).optional(),
  start_date: z.string().max(40).optional(),
  end_date: z.string().max(40).optional(),
  status: z.string().max(40).optional(),
});
const fileParams = z.object({ file: z.string().min(1).max(200) });

/** Open311 has no language argument; the client's Accept-Language picks Chinese or English names. */
function localeOf(request: FastifyRequest): Locale {
  const header = request.headers['accept-language'] ?? '';
  const tags = header
    .split(',')
    .map((part) => {
      const [tag = '', q] = part.trim().split(';q=');
      return { tag: tag.toLowerCase(), q: q === undefined ? 1 : Number(q) };
    })
    .filter((t) => t.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const t of tags) {
    if (t.tag.startsWith('zh')) return 'zh-CN';
    if (t.tag.startsWith('en')) return 'en';
  }
  return 'zh-CN';
}

function withFormat(file: string, what: string): { id: string; format: Format } {
  const split = splitFormat(file);
  if (!split) throw o311NotFound(`${what}: add the format, .json or .xml.`);
  return split;
}

/**
 * Open311 GeoReport v2 at /open311: discovery and the v2 endpoint. Its own plugin scope answers in
 * the spec's error shape and parses only application/x-www-form-urlencoded bodies.
 */
export function registerOpen311Routes(app: App, open311: Open311Service): void {
  const plugin = async (scope: App) => {
    scope.setErrorHandler(open311ErrorHandler);
    scope.setNotFoundHandler((request, reply) =>
      sendOpen311Error(
        request,
        reply,
        404,
        `No Open311 resource ${request.method} ${redactedPath(request)}.`,
      ),
    );
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string' },
      (_req, body, done) => done(null, parseForm(body as string)),
    );

    for (const format of FORMATS) {
      scope.get(
        `/discovery.${format}`,
        {
          config: { access: 'public', rateLimit: readLimit },
          schema: { tags, summary: `Service discovery (${format})` },
        },
        async (req, reply) => {
          // https behind an HTTPS proxy listed in TRUST_PROXY (X-Forwarded-Proto), ADR 0035.
          const origin = requestOrigin(req);
          if (!origin) throw o311BadRequest('The Host header is not a host name.');
          const base = `${origin}/open311/v2`;
          return sendOpen311(reply, format, 'discovery', {
            changeset: CHANGESET,
            contact: 'The operator of this Civitas server.',
            key_service:
              'API keys are issued by the administrators of this server (case configuration); ask the operator.',
            endpoints: [
              {
                specification: SPEC,
                url: base,
                changeset: CHANGESET,
                type: 'production',
                formats: ['text/xml', 'application/json'],
              },
            ],
          });
        },
      );

      scope.get(
        `/v2/services.${format}`,
        {
          config: { access: 'public', rateLimit: readLimit },
          schema: { tags, summary: `GET Service List (${format})`, querystring: jurisdiction },
        },
        async (req, reply) =>
          sendOpen311(
            reply,
            format,
            'services',
            await open311.services(req.query.jurisdiction_id, localeOf(req)),
          ),
      );

      scope.get(
        `/v2/requests.${format}`,
        {
          config: { access: 'public', rateLimit: readLimit },
          schema: { tags, summary: `GET Service Requests (${format})`, querystring: requestsQuery },
        },
        async (req, reply) =>
          sendOpen311(reply, format, 'service_requests', await open311.requests(req.query, localeOf(req))),
      );

      scope.post(
        `/v2/requests.${format}`,
        {
          config: { access: 'public', rateLimit: writeLimit },
          schema: {
            tags,
            summary: `POST Service Request (${format}); form-encoded, api_key required`,
            consumes: ['application/x-www-form-urlencoded'],
          },
        },
        async (req, reply) => {
          const submission = parseSubmission((req.body ?? {}) as FormFields);
          const created = await open311.submit(req.ctx, submission, localeOf(req));
          return sendOpen311(reply.status(201), format, 'service_requests', created);
        },
      );
    }

    scope.get(
      '/v2/services/:file',
      {
        config: { access: 'public', rateLimit: readLimit },
        schema: {
          tags,
          summary: 'GET Service Definition: services/{service_code}.json or .xml',
          params: fileParams,
          querystring: jurisdiction,
        },
      },
      async (req, reply) => {
        const { id, format } = withFormat(req.params.file, 'services/{service_code}');
        const body = await open311.definition(id, req.query.jurisdiction_id, localeOf(req));
        return sendOpen311(reply, format, 'service_definition', body);
      },
    );

    scope.get(
      '/v2/requests/:file',
      {
        config: { access: 'public', rateLimit: readLimit },
        schema: {
          tags,
          summary: 'GET Service Request: requests/{service_request_id}.json or .xml (an array of one)',
          params: fileParams,
          querystring: jurisdiction,
        },
      },
      async (req, reply) => {
        const { id, format } = withFormat(req.params.file, 'requests/{service_request_id}');
        const body = await open311.request(id, req.query.jurisdiction_id, localeOf(req));
        return sendOpen311(reply, format, 'service_requests', body);
      },
    );

    scope.get(
      '/v2/tokens/:file',
      {
        config: { access: 'public', rateLimit: readLimit },
        schema: {
          tags,
          summary: 'GET service_request_id from a token: tokens/{token}.json or .xml',
          params: fileParams,
          querystring: jurisdiction,
        },
      },
      async (req, reply) => {
        const { id, format } = withFormat(req.params.file, 'tokens/{token}');
        return sendOpen311(
          reply,
          format,
          'service_requests',
          await open311.token(id, req.query.jurisdiction_id),
        );
      },
    );
  };
  void app.register(plugin, { prefix: '/open311' });
}
