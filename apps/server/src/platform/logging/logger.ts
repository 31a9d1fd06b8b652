import pino, { type Logger } from 'pino';
import { prettyFactory } from 'pino-pretty';
import { redactedUrl } from './redact-url.js';

/**
 * Paths pino blanks before a line is written. Personal fields are listed by name wherever they
 * may appear, so a careless `log.info({ resident })` still leaks nothing.
 */
export const redactPaths = [
  // Headers wherever a library logs them (Fastify's request, @fastify/multipart's busboyOptions at trace).
  ...['headers', '*.headers'].flatMap((h) =>
    [
      'authorization',
      '["proxy-authorization"]',
      'cookie',
      '["set-cookie"]',
      '["x-csrf-token"]',
      '["x-api-key"]',
      '["x-auth-token"]',
    ].map((name) => (name.startsWith('[') ? `${h}${name}` : `${h}.${name}`)),
  ),
  'cookies',
  '*.cookies',
  'password',
  '*.password',
  'passwordHash',
  '*.passwordHash',
  'password_hash',
  '*.password_hash',
  'token',
  '*.token',
  'sessionToken',
  '*.sessionToken',
  'bearerToken',
  '*.bearerToken',
  'csrfToken',
  '*.csrfToken',
  'apiKey',
  '*.apiKey',
  'access_token',
  '*.access_token',
  'apikey',
  '*.apikey',
  'api_key',
  '*.api_key',
  'secret',
  '*.secret',
  'totp',
  '*.totp',
  'name',
  '*.name',
  'phone',
  '*.phone',
  'idNumber',
  '*.idNumber',
  'id_number',
  '*.id_number',
];

/**
 * The request as a log line shows it: Fastify's fields, with the URL redacted by route shape and
 * parameter name (platform/logging/redact-url.ts). Fastify takes this serializer from the logger
 * instance, so every "incoming request" line goes through it.
 */
function requestForLog(req: unknown) {
  const r = req as {
    method?: string;
    url?: string;
    routeOptions?: { url?: string };
    params?: unknown;
    host?: string;
    ip?: string;
    socket?: { remotePort?: number };
  };
  return {
    method: r.method,
    url:
      r.url === undefined
        ? undefined
        : redactedUrl({ url: r.url, pattern: r.routeOptions?.url, params: r.params }),
    host: r.host,
    remoteAddress: r.ip,
    remotePort: r.socket?.remotePort,
  };
}

// The last line of defence, applied to every written line: credentials with a known prefix and
// the shapes of Chinese mobile and ID numbers, wherever they ended up (an error message, a
// field nobody thought of). Digit boundaries keep timestamps and durations intact.
const SCRUB: [RegExp, string][] = [
  [/\b(cvd|cvt|o311)_[A-Za-z0-9_-]{16,}/g, '$1_[redacted]'],
  [/(?<![\d.])(?:\+?86[ -]?)?1[3-9]\d{9}(?!\d)/g, '[phone]'],
  [/(?<![\d.])\d{17}[\dXx](?![\dA-Za-z])/g, '[id-number]'],
];

export function scrubLine(line: string): string {
  let out = line;
  for (const [pattern, replacement] of SCRUB) out = out.replace(pattern, replacement);
  return out;
}

/** LOG_FORMAT: `auto` is readable on a terminal and JSON anywhere else (a file, a pipe, journald). */
export type LogFormat = 'auto' | 'json' | 'pretty';

/**
 * The process logger, writing to `destination` or standard output. Redaction and scrubbing run
 * before a line is formatted, so the readable form holds no more than the JSON one. Readable
 * lines are rendered by pino-pretty's formatter in the writing call itself, not in a worker or a
 * stream pipeline: a line logged right before the process exits is still written.
 */
export function createLogger(
  level: string,
  destination?: pino.DestinationStream,
  format: LogFormat = 'json',
): Logger {
  const terminal = !destination && process.stdout.isTTY === true;
  const pretty = format === 'pretty' || (format === 'auto' && terminal);
  const out = pretty
    ? readable(destination ?? pino.destination({ fd: 1, sync: true }), terminal)
    : destination;
  return pino(
    {
      level,
      redact: { paths: redactPaths, censor: '[redacted]' },
      serializers: { req: requestForLog },
      hooks: { streamWrite: scrubLine },
      base: { service: 'civitas' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    out,
  );
}

function readable(to: pino.DestinationStream, colorize: boolean): pino.DestinationStream {
  const format = prettyFactory({ colorize, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' });
  return { write: (line: string) => void to.write(format(line)) };
}
export type { Logger };
