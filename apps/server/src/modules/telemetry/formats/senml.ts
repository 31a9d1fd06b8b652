/**
 * SenML JSON (RFC 8428, application/senml+json). Records are resolved as RFC 8428 section 4.6
 * describes, then grouped by name so that, for every reading, `group.name + reading.key` is the
 * record's resolved SenML name.
 */
import {
  type ParseResult,
  type Reading,
  type ReadingValue,
  checkTimestamp,
  fail,
  isPlainObject,
  neverThrow,
  ok,
  parseJsonPayload,
  quote,
  toReadingValue,
  tooManyReadings,
  MAX_READINGS_PER_MESSAGE,
} from './reading.js';

export interface SenmlGroup {
  /** The base name in force for these records ('' without one), e.g. "urn:dev:civitas:AQ-0001:". */
  name: string;
  readings: Reading[];
}

/** RFC 8428 section 4.4: the version this code understands; the default when bver is absent. */
const SENML_VERSION = 10;
/** RFC 8428 section 4.5.3: resolved times below 2^28 seconds are relative to "now". */
const RELATIVE_TIME_LIMIT = 2 ** 28;
/** RFC 8428 section 4.5.1: the characters a resolved name may use, starting alphanumeric. */
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9:./_-]*$/;
/**
 * Reading keys, as KEY_PATTERN but allowing a leading digit: SenML names may start with one, and
 * the RFC's own examples name sensors by 1-wire address (urn:dev:ow:10e2073a01080063).
 */
const SENML_KEY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
/** RFC 8428 section 4.3: vd is base64url (RFC 4648 section 5) without padding. */
const BASE64URL = /^[A-Za-z0-9_-]*$/;

interface SenmlRecord {
  bn?: string;
  bt?: number;
  bu?: string;
  bv?: number;
  bs?: number;
  bver?: number;
  n?: string;
  u?: string;
  v?: number;
  vs?: string;
  vb?: boolean;
  vd?: string;
  s?: number;
  t?: number;
  ut?: number;
}

/** JSON types of the labels RFC 8428 section 5 (Table 2) defines. */
const FIELD_TYPES = new Map<string, 'string' | 'number' | 'boolean'>([
  ['bn', 'string'],
  ['bt', 'number'],
  ['bu', 'string'],
  ['bv', 'number'],
  ['bs', 'number'],
  ['bver', 'number'],
  ['n', 'string'],
  ['u', 'string'],
  ['v', 'number'],
  ['vs', 'string'],
  ['vb', 'boolean'],
  ['vd', 'string'],
  ['s', 'number'],
  ['t', 'number'],
  ['ut', 'number'],
]);

function checkRecord(o: Record<string, unknown>): ParseResult<SenmlRecord> {
  for (const [label, value] of Object.entries(o)) {
    const type = FIELD_TYPES.get(label);
    if (type === undefined) {
      // RFC 8428 section 4.4: ignore unknown fields, except "must understand" ones ending in '_'.
      if (label.endsWith('_')) return fail(`field ${quote(label)} must be understood but is not supported`);
      continue;
    }
    if (typeof value !== type || (typeof value === 'number' && !Number.isFinite(value))) {
      return fail(`field "${label}" must be a ${type === 'number' ? 'finite number' : type}`);
    }
  }
  return ok(o as SenmlRecord);
}

/** Base values carried forward to later records until overridden (RFC 8428 section 4.1). */
interface Base {
  bn: string;
  bt: number;
  bu: string | undefined;
  bv: number;
  bs: number;
}

function applyBase(base: Base, r: SenmlRecord): void {
  if (r.bn !== undefined) base.bn = r.bn;
  if (r.bt !== undefined) base.bt = r.bt;
  if (r.bu !== undefined) base.bu = r.bu;
  if (r.bv !== undefined) base.bv = r.bv;
  if (r.bs !== undefined) base.bs = r.bs;
}

/** RFC 8428 sections 4.2 and 4.5.4: exactly one value field, or else a sum; base value/sum add on. */
function resolveValue(base: Base, r: SenmlRecord): ParseResult<ReadingValue> {
  const present = (['v', 'vs', 'vb', 'vd'] as const).filter((f) => r[f] !== undefined);
  if (present.length > 1) return fail(`has more than one value field (${present.join(', ')})`);
  if (r.v !== undefined) return ok(base.bv + r.v);
  if (r.vs !== undefined) return ok(r.vs);
  if (r.vb !== undefined) return ok(r.vb);
  if (r.vd !== undefined) {
    // Kept as the base64url text: decoding is for whoever knows what the bytes mean.
    return BASE64URL.test(r.vd) && r.vd.length % 4 !== 1 ? ok(r.vd) : fail('field "vd" must be base64url');
  }
  if (r.s !== undefined) return ok(base.bs + r.s);
  return fail('has no value: one of v, vs, vb, vd or s is required');
}

/**
 * RFC 8428 section 4.5.3: time = bt + t, in seconds. Zero is "roughly now" (server time, so null);
 * below 2^28 it is relative to now; otherwise it is seconds since the Unix epoch.
 */
function resolveTime(base: Base, r: SenmlRecord, nowMs: number): ParseResult<number | null> {
  const seconds = base.bt + (r.t ?? 0);
  if (seconds === 0) return ok(null);
  const ms = Math.round(seconds < RELATIVE_TIME_LIMIT ? nowMs + seconds * 1000 : seconds * 1000);
  const checked = checkTimestamp(ms, 'resolved time');
  return checked.ok ? checked : fail(`resolved time ${seconds} s is outside the supported range`);
}

/**
 * Splits the resolved name into group name and reading key: base name and n when n is itself a
 * key (the usual `{"bn":"urn:dev:...:","n":"pm25"}`), else at the last ':' or '/' of the name.
 */
function splitName(bn: string, n: string): ParseResult<{ group: string; key: string }> {
  const name = bn + n;
  if (!NAME_PATTERN.test(name)) return fail(`name ${quote(name)} is not a valid SenML name`);
  if (SENML_KEY_PATTERN.test(n)) return ok({ group: bn, key: n });
  const cut = Math.max(name.lastIndexOf(':'), name.lastIndexOf('/')) + 1;
  const key = name.slice(cut);
  return SENML_KEY_PATTERN.test(key)
    ? ok({ group: name.slice(0, cut), key })
    : fail(`name ${quote(name)} must end in a key of 1-64 letters, digits, '_', '.' or '-'`);
}

function resolveRecord(
  base: Base,
  r: SenmlRecord,
  nowMs: number,
): ParseResult<{ group: string; reading: Reading }> {
  const name = splitName(base.bn, r.n ?? '');
  if (!name.ok) return name;
  const raw = resolveValue(base, r);
  if (!raw.ok) return raw;
  const value = toReadingValue(name.value.key, raw.value);
  if (!value.ok) return value;
  const ts = resolveTime(base, r, nowMs);
  if (!ts.ok) return ts;
  const reading: Reading = { key: name.value.key, value: value.value, ts: ts.value };
  const unit = r.u ?? base.bu; // RFC 8428 section 4.5.2
  if (unit !== undefined) reading.unit = unit;
  return ok({ group: name.value.group, reading });
}

/** Parses a SenML Pack; nowMs is the reception time that relative times count from. */
export function parseSenml(payload: Buffer, nowMs: number): ParseResult<SenmlGroup[]> {
  return neverThrow(() => {
    const json = parseJsonPayload(payload);
    if (!json.ok) return json;
    // RFC 8428 section 5: the root is an array with one object per record.
    if (!Array.isArray(json.value)) return fail('SenML payload must be a JSON array of records');
    const base: Base = { bn: '', bt: 0, bu: undefined, bv: 0, bs: 0 };
    let version = SENML_VERSION;
    const groups = new Map<string, Reading[]>();
    let count = 0;
    for (const [i, item] of json.value.entries()) {
      const at = `record ${i}`;
      if (!isPlainObject(item)) return fail(`${at} must be a JSON object`);
      const record = checkRecord(item);
      if (!record.ok) return fail(`${at}: ${record.error}`);
      const r = record.value;
      if (r.bver !== undefined) {
        if (!Number.isInteger(r.bver) || r.bver < 1) return fail(`${at}: bver must be a positive integer`);
        // RFC 8428 section 4.4: never use a pack of a newer version than understood.
        if (r.bver > SENML_VERSION) return fail(`${at}: unsupported SenML version ${r.bver}`);
        // ... and all records of a pack have the same version (the first record's, or the default).
        if (i > 0 && r.bver !== version) return fail(`${at}: bver ${r.bver} differs from the pack's version`);
        version = r.bver;
      }
      applyBase(base, r);
      const resolved = resolveRecord(base, r, nowMs);
      if (!resolved.ok) return fail(`${at}: ${resolved.error}`);
      if (++count > MAX_READINGS_PER_MESSAGE) return fail(tooManyReadings());
      const { group, reading } = resolved.value;
      const readings = groups.get(group);
      if (readings === undefined) groups.set(group, [reading]);
      else readings.push(reading);
    }
    return ok([...groups].map(([name, readings]) => ({ name, readings })));
  });
}
