import pino, { type Logger } from 'pino';
import { redactedUrl } from './redact-url.js';

/**
 * Paths pino blanks before a line is written. Personal fields are listed by name wherever they
 * may appear, so a careless `log.info({ resident })` still leaks nothing.
 */
export const redactPaths = [
  // Headers wherever a library logs them (Fastify's request, @fastify/multipart's busboyOptions at trace).
  '*.headers.authorization',
  '*.headers.cookie',
  '*.headers["x-csrf-token"]',
  '*.headers["set-cookie"]',
  'password',
  '*.password',
  'token',
  '*.token',
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

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: redactPaths, censor: '[redacted]' },
      serializers: { req: requestForLog },
      hooks: { streamWrite: scrubLine },
      base: { service: 'civitas' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
export type { Logger };
