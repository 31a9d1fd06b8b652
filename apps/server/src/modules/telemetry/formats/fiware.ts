/**
 * FIWARE IoT Agent JSON payloads and topics
 * (https://fiware-iotagent-json.readthedocs.io/en/latest/usermanual/index.html).
 * Readings are keyed by the device's short object_id; mapping to attribute names is the profile's job.
 */
import {
  type ParseResult,
  type Reading,
  checkKey,
  checkTimestamp,
  collectReadings,
  decodeUtf8,
  fail,
  isPlainObject,
  neverThrow,
  ok,
  parseJsonPayload,
  quote,
  toReadingValue,
} from './reading.js';

export interface FiwareTopic {
  apikey: string;
  deviceId: string;
  attr: string | null;
  kind: 'attrs' | 'cmdexe';
}

/** The IoT Agent's reserved measure that timestamps the whole message instead of being one. */
const TIME_INSTANT = 'TimeInstant';

// Calendar date, optionally with time, fraction and zone: 2024-05-01T08:30:00.250+08:00.
const ISO_8601 =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * Strict ISO 8601 to epoch ms, or null. Date.parse alone is too lenient (it rolls 02-30 over to
 * March) and reads zone-less times in the server's local zone; like Orion, zone-less means UTC.
 */
export function parseIsoTimestamp(text: string): number | null {
  const m = ISO_8601.exec(text);
  if (m === null) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map((s) => Number(s ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  // Years before 1970 are below epoch 0 anyway; checking here also avoids Date.UTC's 0-99 => 19xx.
  if (year < 1970 || month < 1 || month > 12 || day < 1 || day > daysInMonth) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  const millis = Number((m[7] ?? '').padEnd(3, '0').slice(0, 3));
  let ms = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  const zone = m[8];
  if (zone !== undefined && zone !== 'Z') {
    const offsetHours = Number(zone.slice(1, 3));
    const offsetMinutes = Number(zone.slice(-2));
    if (offsetHours > 23 || offsetMinutes > 59) return null;
    ms -= (zone.startsWith('-') ? -1 : 1) * (offsetHours * 60 + offsetMinutes) * 60_000;
  }
  return checkTimestamp(ms).ok ? ms : null;
}

function collectMeasures(o: Record<string, unknown>, out: Reading[]): string | null {
  let ts: number | null = null;
  if (Object.hasOwn(o, TIME_INSTANT)) {
    const raw = o[TIME_INSTANT];
    ts = typeof raw === 'string' ? parseIsoTimestamp(raw) : null;
    if (ts === null)
      return `${TIME_INSTANT} must be an ISO 8601 date-time string, got ${JSON.stringify(raw)}`;
  }
  return collectReadings(
    Object.entries(o).filter(([key]) => key !== TIME_INSTANT),
    ts,
    out,
  );
}

/** `/json/{apikey}/{deviceId}/attrs`: `{"t":21.5,"h":40}`, or an array of such objects (multimeasure). */
export function parseFiwareMeasures(payload: Buffer): ParseResult<Reading[]> {
  return neverThrow(() => {
    const json = parseJsonPayload(payload);
    if (!json.ok) return json;
    const out: Reading[] = [];
    if (isPlainObject(json.value)) {
      const error = collectMeasures(json.value, out);
      return error === null ? ok(out) : fail(error);
    }
    if (!Array.isArray(json.value)) return fail('measures must be a JSON object or an array of JSON objects');
    for (const [i, item] of json.value.entries()) {
      if (!isPlainObject(item)) return fail(`measures[${i}] must be a JSON object`);
      const error = collectMeasures(item, out);
      if (error !== null) return fail(`measures[${i}]: ${error}`);
    }
    return ok(out);
  });
}

// Plain-text numbers the IoT Agent receives as text/plain, including forms JSON rejects (+5, .5, 5.).
const NUMERIC_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * `/json/{apikey}/{deviceId}/attrs/{attr}`: the payload is the bare value. JSON scalars keep their
 * JSON type (so `"21.5"` stays a string); anything that is not JSON is plain text, numeric or not.
 */
export function parseFiwareSingle(attr: string, payload: Buffer): ParseResult<Reading[]> {
  return neverThrow(() => {
    const keyError = checkKey(attr);
    if (keyError !== null) return fail(keyError);
    const text = decodeUtf8(payload);
    if (!text.ok) return text;
    // A trailing newline from `echo | mosquitto_pub` is not part of the value.
    const trimmed = text.value.trim();
    if (trimmed === '') return fail(`value of ${quote(attr)} is empty`);
    let raw: unknown;
    try {
      raw = JSON.parse(trimmed) as unknown;
    } catch {
      raw = NUMERIC_TEXT.test(trimmed) ? Number(trimmed) : trimmed;
    }
    const value = toReadingValue(attr, raw);
    return value.ok ? ok([{ key: attr, value: value.value, ts: null }]) : value;
  });
}

function isSegment(s: string | undefined): s is string {
  return s !== undefined && s.length > 0 && !/[+#/]/.test(s);
}

/**
 * `/json/{apikey}/{deviceId}/attrs[/{attr}]` and `/json/{apikey}/{deviceId}/cmdexe`; the IoT Agent
 * also accepts them without the leading slash. Returns null for any other topic.
 */
export function parseFiwareTopic(topic: string): FiwareTopic | null {
  if (typeof topic !== 'string') return null;
  const parts = (topic.startsWith('/') ? topic.slice(1) : topic).split('/');
  const [protocol, apikey, deviceId, kind, attr] = parts;
  if (protocol !== 'json' || !isSegment(apikey) || !isSegment(deviceId)) return null;
  if (kind === 'attrs' && parts.length === 4) return { apikey, deviceId, attr: null, kind: 'attrs' };
  if (kind === 'attrs' && parts.length === 5 && isSegment(attr))
    return { apikey, deviceId, attr, kind: 'attrs' };
  if (kind === 'cmdexe' && parts.length === 4) return { apikey, deviceId, attr: null, kind: 'cmdexe' };
  return null;
}
