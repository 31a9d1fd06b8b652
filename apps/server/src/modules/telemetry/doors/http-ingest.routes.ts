import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, badRequest, unauthenticated } from '../../../platform/errors/errors.js';
import type { App } from '../../../platform/http/http-server.js';
import type { DeviceAttributesService } from '../../devices/device-attributes.service.js';
import type { DeviceDirectory } from '../device-directory.js';
import { keyList } from '../formats/device-replies.js';
import type { MqttRouter, Publisher, RouteResult } from '../mqtt-router.js';

const outcome = z.object({
  accepted: z.number().int(),
  rejected: z.array(z.object({ key: z.string().nullable(), reason: z.string(), detail: z.string() })),
});

/**
 * HTTP doors into the same pipeline: the device's token (ThingsBoard's HTTP API) or a FIWARE
 * API key (IoT Agent JSON's HTTP southbound) authenticates; the body goes through the MQTT
 * router as if published on the matching topic, so both doors behave the same.
 *
 * ThingsBoard firmware calls `/api/v1/{token}/telemetry|attributes` (https://thingsboard.io/docs/
 * reference/http-api/); `/api/v1/ingest/{token}/…` is the older Civitas form, kept. The token is a
 * parameter at the level of every static `/api/v1/<word>` route: find-my-way matches static
 * segments first, so those keep winning, and a word that is not a token is a 401 that does not
 * repeat it.
 */
export function registerHttpIngestRoutes(
  app: App,
  directory: DeviceDirectory,
  router: MqttRouter,
  maxBytes: number,
  attributes: Pick<DeviceAttributesService, 'answer'>,
): void {
  void app.register(async (plain) => {
    const scope = plain.withTypeProvider<ZodTypeProvider>();
    // The format parsers take the raw bytes; JSON is parsed there, with the format's own rules.
    scope.addContentTypeParser(
      ['application/json', 'application/senml+json', 'text/plain'],
      { parseAs: 'buffer', bodyLimit: maxBytes },
      (_req, body, done) => done(null, body),
    );
    const tokenParams = z.object({ token: z.string().min(8).max(200) });
    const answer = (r: RouteResult) => {
      if (r.status === 'stored') {
        const limited = r.rejected.find((x) => x.reason === 'rate_limited');
        if (limited && r.accepted === 0) throw new AppError(429, 'rate_limited', limited.detail);
        return { accepted: r.accepted, rejected: r.rejected };
      }
      if (r.status === 'forbidden') throw new AppError(403, 'forbidden', r.reason);
      if (r.code === 'payload_too_large') throw new AppError(413, 'payload_too_large', r.reason);
      throw badRequest('malformed_payload', r.reason);
    };
    const asDevice = async (token: string): Promise<Publisher> => {
      const device = await directory.byToken(token);
      if (!device) throw unauthenticated('Unknown or revoked device token.');
      return { kind: 'device', device };
    };
    const body = (b: unknown) => (Buffer.isBuffer(b) ? b : Buffer.alloc(0));

    for (const [path, topic, summary] of [
      ['/api/v1/:token/telemetry', 'v1/devices/me/telemetry', 'Telemetry in any ThingsBoard body shape'],
      ['/api/v1/:token/attributes', 'v1/devices/me/attributes', 'Client attributes (ThingsBoard)'],
      [
        '/api/v1/ingest/:token/telemetry',
        'v1/devices/me/telemetry',
        'Telemetry in any ThingsBoard body shape (older path)',
      ],
      [
        '/api/v1/ingest/:token/attributes',
        'v1/devices/me/attributes',
        'Client attributes (ThingsBoard, older path)',
      ],
      ['/api/v1/ingest/:token/senml', 'v1/devices/me/senml', 'SenML JSON (RFC 8428) records'],
    ] as const) {
      scope.post(
        path,
        {
          config: { access: 'public' },
          schema: { tags: ['ingest'], summary, params: tokenParams, response: { 200: outcome } },
          bodyLimit: maxBytes,
        },
        async (req) => answer(await router.route(await asDevice(req.params.token), topic, body(req.body))),
      );
    }

    scope.get(
      '/api/v1/:token/attributes',
      {
        config: { access: 'public' },
        schema: {
          tags: ['ingest'],
          summary: 'The device’s client and shared attributes (ThingsBoard), optionally by key',
          params: tokenParams,
          querystring: z.object({
            clientKeys: z.string().max(4000).optional(),
            sharedKeys: z.string().max(4000).optional(),
          }),
          response: {
            200: z.object({
              client: z.record(z.string(), z.unknown()),
              shared: z.record(z.string(), z.unknown()),
            }),
          },
        },
      },
      async (req) => {
        const who = await asDevice(req.params.token);
        if (who.kind !== 'device') throw unauthenticated('Unknown or revoked device token.');
        const clientKeys = keyList(req.query.clientKeys, 'clientKeys');
        const sharedKeys = keyList(req.query.sharedKeys, 'sharedKeys');
        if (!clientKeys.ok) throw badRequest('invalid_keys', clientKeys.error);
        if (!sharedKeys.ok) throw badRequest('invalid_keys', sharedKeys.error);
        return attributes.answer(who.device.id, {
          clientKeys: clientKeys.value,
          sharedKeys: sharedKeys.value,
        });
      },
    );

    scope.post(
      '/iot/json',
      {
        config: { access: 'public' },
        schema: {
          tags: ['ingest'],
          summary: 'FIWARE IoT Agent JSON HTTP measures (?k=apikey&i=deviceId)',
          querystring: z.object({ k: z.string().min(1).max(100), i: z.string().min(1).max(128) }),
          response: { 200: outcome },
        },
        bodyLimit: maxBytes,
      },
      async (req) => {
        const groupId = await directory.group(req.query.k);
        if (!groupId) throw unauthenticated('Unknown or revoked API key.');
        const who: Publisher = { kind: 'apikey', apikey: req.query.k, groupId };
        return answer(await router.route(who, `/json/${req.query.k}/${req.query.i}/attrs`, body(req.body)));
      },
    );
  });
}
