/**
 * What every protocol parser in this folder produces, plus the checks they share.
 * Parsers only translate bytes into readings; devices, profiles and storage live elsewhere.
 * No parser may throw: a device controls the bytes, so every failure is a returned error.
 */

export type ReadingValue = number | string | boolean;

/** One data point as a device sent it. ts: epoch ms, or null when the device gave none (server time applies). */
export interface Reading {
  key: string;
  value: ReadingValue;
  ts: number | null;
  /** Unit as the device declared it (only SenML carries one). */
  unit?: string;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

export const MAX_READINGS_PER_MESSAGE = 10_000;
export const MAX_STRING_VALUE_LENGTH = 256;
/** A letter, then up to 63 letters, digits, '_', '.' or '-'. Safe in topics, URLs and SQL identifiers. */
export const KEY_PATTERN = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;
const MAX_TS = 2 ** 53;

export function ok<T>(value: T): { ok: true; value: T } {
  return { ok: true, value };
}

export function fail(error: string): { ok: false; error: string } {
  return { ok: false, error };
}

/**
 * Last line of defence for "never throws": the parsers are written not to throw, and the
 * property tests check that no input ever reaches this catch.
 */
export function neverThrow<T>(parse: () => ParseResult<T>): ParseResult<T> {
  try {
    return parse();
  } catch (e) {
    return fail(`internal parser error: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** JSON string of a name for error messages, cut to 40 characters so a hostile key cannot flood logs. */
export function quote(name: string): string {
  return JSON.stringify(name.length > 40 ? `${name.slice(0, 40)}…` : name);
}

// fatal: invalid UTF-8 is an error rather than silently becoming U+FFFD in stored strings.
const utf8 = new TextDecoder('utf-8', { fatal: true });

export function decodeUtf8(payload: Buffer): ParseResult<string> {
  try {
    return ok(utf8.decode(payload));
  } catch {
    return fail('payload is not valid UTF-8');
  }
}

/** Decodes a payload as UTF-8 JSON (RFC 8259 requires UTF-8 between systems). */
export function parseJsonPayload(payload: Buffer): ParseResult<unknown> {
  const text = decodeUtf8(payload);
  if (!text.ok) return text;
  try {
    return ok(JSON.parse(text.value) as unknown);
  } catch (e) {
    return fail(`payload is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Returns an error message, or null when the key is acceptable. */
export function checkKey(key: string, pattern: RegExp = KEY_PATTERN): string | null {
  return pattern.test(key)
    ? null
    : `invalid key ${quote(key)}: keys are 1-64 characters, a letter then letters, digits, '_', '.' or '-'`;
}

/** Numeric strings stay strings: whether "21.5" is a number is the device profile's call, not the parser's. */
export function toReadingValue(key: string, raw: unknown): ParseResult<ReadingValue> {
  if (typeof raw === 'number') {
    // JSON.parse turns 1e999 into Infinity.
    return Number.isFinite(raw) ? ok(raw) : fail(`value of ${quote(key)} must be a finite number`);
  }
  if (typeof raw === 'string') {
    return raw.length <= MAX_STRING_VALUE_LENGTH
      ? ok(raw)
      : fail(`value of ${quote(key)} is longer than ${MAX_STRING_VALUE_LENGTH} characters`);
  }
  if (typeof raw === 'boolean') return ok(raw);
  return fail(`value of ${quote(key)} must be a number, string or boolean`);
}

/** Epoch milliseconds: an integer from 0 to 2^53. */
export function checkTimestamp(raw: unknown, what = 'ts'): ParseResult<number> {
  return typeof raw === 'number' && Number.isInteger(raw) && raw >= 0 && raw <= MAX_TS
    ? ok(raw)
    : fail(`${what} must be an integer number of epoch milliseconds between 0 and 2^53`);
}

/** Appends one reading per entry; returns an error message or null. */
export function collectReadings(
  entries: Iterable<[string, unknown]>,
  ts: number | null,
  out: Reading[],
): string | null {
  for (const [key, raw] of entries) {
    const keyError = checkKey(key);
    if (keyError !== null) return keyError;
    const value = toReadingValue(key, raw);
    if (!value.ok) return value.error;
    if (out.length >= MAX_READINGS_PER_MESSAGE) return tooManyReadings();
    out.push({ key, value: value.value, ts });
  }
  return null;
}

export function tooManyReadings(): string {
  return `message has more than ${MAX_READINGS_PER_MESSAGE} readings`;
}
