/**
 * What may be said about a request URL in a log line or an error body. Secrets travel in URLs:
 * device tokens in ThingsBoard paths, FIWARE API keys in `?k=`, Open311 `api_key`, and old
 * clients still send phone and ID numbers as query parameters. None of them may be written down
 * (ASVS 5.0 V16.2.5, V14.2.1): a matched route is shown as its pattern with secret parameters
 * named instead of given, a path no route matched is cut at anything that looks like a secret,
 * and query parameters are dropped by name or by looks.
 *
 * A credential named as such (a device token, an API key) is shown as `[token#1a2b3c4d]`: the
 * first 8 hex digits of its SHA-256, which are also the start of the digest Civitas stores for it
 * (devices.token_hash, apikey_hash, sessions.id), so an operator can tell which device a line is
 * about and follow one device across lines, while the line gives nothing to sign in with (ADR 0035).
 * Passwords and personal values get no digest: they are guessable, so a hash would reveal them.
 */
import { createHash } from 'node:crypto';

/** Parameter names (path or query, compared without case) whose values are never shown. */
const SECRET_NAMES = new Set([
  'token',
  'access_token',
  'accesstoken',
  'k',
  'key',
  'apikey',
  'api_key',
  'password',
  'secret',
  'totp',
  'phone',
  'mobile',
  'idnumber',
  'id_number',
  'name',
]);

/** Names whose values are random credentials, shown by digest; the other SECRET_NAMES are dropped. */
const CREDENTIAL_NAMES = new Set(['token', 'access_token', 'accesstoken', 'k', 'key', 'apikey', 'api_key']);

/** `[name#1a2b3c4d]` for a credential, `[name]` for anything else secret. */
function standIn(name: string, value: unknown): string {
  if (typeof value !== 'string' || value === '' || !CREDENTIAL_NAMES.has(name.toLowerCase()))
    return `[${name}]`;
  return `[${name}#${createHash('sha256').update(value).digest('hex').slice(0, 8)}]`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Tokens, keys and hashes: long, from a token alphabet, and not a word (a digit or mixed case).
const TOKEN_LIKE = /^[A-Za-z0-9_~.+/=-]{20,}$/;
// Phone numbers (with or without country code), old 15-digit and current 18-digit ID numbers.
const DIGITS = /^\+?\d[\d\s-]{9,}$/;
const ID_NUMBER = /^\d{17}[\dXx]$/;

/** Looks like a credential or a personal number rather than an id or a word. */
export function looksSecret(value: string): boolean {
  if (UUID.test(value)) return false;
  if (DIGITS.test(value) || ID_NUMBER.test(value)) return true;
  if (!TOKEN_LIKE.test(value)) return false;
  return /\d/.test(value) || (/[a-z]/.test(value) && /[A-Z]/.test(value));
}

// Known shapes of unmatched paths that carry a credential in a fixed segment, e.g. a device
// speaking ThingsBoard's HTTP API to a path this server does not serve.
const CREDENTIAL_SEGMENT: { shape: RegExp; index: number; name: string }[] = [
  { shape: /^\/api\/v1\/ingest\/[^/]+/, index: 4, name: 'token' },
  {
    shape: /^\/api\/v1\/[^/]+\/(telemetry|attributes|rpc|claim|provision|firmware|software)(\/|$)/,
    index: 3,
    name: 'token',
  },
  { shape: /^\/json\/[^/]+\//, index: 2, name: 'apikey' },
];

export interface UrlSource {
  url: string;
  /** The matched route's pattern (Fastify's routeOptions.url); absent for a 404. */
  pattern?: string | undefined;
  params?: unknown;
}

/** The path alone, redacted: safe for logs and for `instance` and `detail` of error bodies. */
export function redactedPath(r: UrlSource): string {
  const path = r.url.split('?')[0] ?? '';
  const params = (r.params ?? {}) as Record<string, unknown>;
  if (r.pattern && r.pattern !== '*' && !r.pattern.includes('*')) {
    return r.pattern.replace(/:([A-Za-z0-9_]+)(\([^)]*\))?/g, (_, name: string) => {
      const v = params[name];
      if (SECRET_NAMES.has(name.toLowerCase())) return standIn(name, v);
      return typeof v === 'string' && !looksSecret(v) ? encodeURIComponent(v) : `[${name}]`;
    });
  }
  const segments = path.split('/');
  for (const c of CREDENTIAL_SEGMENT) {
    if (c.shape.test(path) && segments.length > c.index)
      segments[c.index] = standIn(c.name, decode(segments[c.index] ?? ''));
  }
  return segments
    .map((s) => {
      let decoded = s;
      try {
        decoded = decodeURIComponent(s);
      } catch {
        // Malformed escapes: judge the raw text.
      }
      return s.startsWith('[') || !looksSecret(decoded) ? s : '[redacted]';
    })
    .join('/');
}

/** Path and query string, redacted, for the request line of a log. */
export function redactedUrl(r: UrlSource): string {
  const at = r.url.indexOf('?');
  const path = redactedPath(r);
  if (at < 0) return path;
  const query = r.url
    .slice(at + 1)
    .split('&')
    .filter((p) => p !== '')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const rawName = eq < 0 ? pair : pair.slice(0, eq);
      const rawValue = eq < 0 ? '' : pair.slice(eq + 1);
      const name = decode(rawName);
      const bare = name.replace(/\[.*$/, '').toLowerCase();
      if (eq < 0) return looksSecret(name) ? '[redacted]' : pair;
      if (CREDENTIAL_NAMES.has(bare) && rawValue !== '')
        return `${rawName}=${standIn(bare, decode(rawValue))}`;
      if (SECRET_NAMES.has(bare) || looksSecret(decode(rawValue))) return `${rawName}=[redacted]`;
      return pair;
    });
  return query.length > 0 ? `${path}?${query.join('&')}` : path;
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}
