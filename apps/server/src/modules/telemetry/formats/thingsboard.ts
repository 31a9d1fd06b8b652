/**
 * ThingsBoard device API payloads (MQTT `v1/devices/me/*`, HTTP `/api/v1/{token}/*`, gateway
 * `v1/gateway/telemetry`), as documented at https://thingsboard.io/docs/reference/mqtt-api/ and
 * https://thingsboard.io/docs/reference/gateway-mqtt-api/.
 */
import {
  type ParseResult,
  type Reading,
  checkTimestamp,
  collectReadings,
  fail,
  isPlainObject,
  neverThrow,
  ok,
  parseJsonPayload,
  quote,
  tooManyReadings,
  MAX_READINGS_PER_MESSAGE,
} from './reading.js';

export interface GatewayDeviceReadings {
  device: string;
  readings: Reading[];
}

const MAX_DEVICE_NAME_LENGTH = 128;

function hasOnlyKeys(o: Record<string, unknown>, allowed: readonly string[]): boolean {
  return Object.keys(o).every((k) => allowed.includes(k));
}

/** `{"ts": 1451649600512, "values": {...}}`: values carry the device's own timestamp. */
function collectTimestamped(ts: unknown, values: unknown, out: Reading[]): string | null {
  const checked = checkTimestamp(ts);
  if (!checked.ok) return checked.error;
  return collectEntries(values, checked.value, out);
}

function collectEntries(values: unknown, ts: number | null, out: Reading[]): string | null {
  if (!isPlainObject(values)) return '"values" must be a JSON object of key/value pairs';
  return collectReadings(Object.entries(values), ts, out);
}

/**
 * Like ThingsBoard's JsonConverter, an object is the timestamped form only when it has both
 * "ts" and "values" (and, here, nothing else); any other object is a flat key/value map whose
 * values take server time, so `{"values": {...}}` fails as a nested value.
 */
function collectTelemetryObject(o: Record<string, unknown>, out: Reading[]): string | null {
  if (Object.hasOwn(o, 'ts') && Object.hasOwn(o, 'values') && hasOnlyKeys(o, ['ts', 'values'])) {
    return collectTimestamped(o.ts, o.values, out);
  }
  return collectReadings(Object.entries(o), null, out);
}

/** `v1/devices/me/telemetry`: a flat object, `{ts, values}`, or an array of either. */
export function parseThingsBoardTelemetry(payload: Buffer): ParseResult<Reading[]> {
  return neverThrow(() => {
    const json = parseJsonPayload(payload);
    if (!json.ok) return json;
    const out: Reading[] = [];
    if (isPlainObject(json.value)) {
      const error = collectTelemetryObject(json.value, out);
      return error === null ? ok(out) : fail(error);
    }
    if (!Array.isArray(json.value)) {
      return fail('telemetry must be a JSON object or an array of JSON objects');
    }
    for (const [i, item] of json.value.entries()) {
      if (!isPlainObject(item)) return fail(`telemetry[${i}] must be a JSON object`);
      const error = collectTelemetryObject(item, out);
      if (error !== null) return fail(`telemetry[${i}]: ${error}`);
    }
    return ok(out);
  });
}

/** `v1/devices/me/attributes`: client-side attributes are always a flat object. */
export function parseThingsBoardAttributes(payload: Buffer): ParseResult<Reading[]> {
  return neverThrow(() => {
    const json = parseJsonPayload(payload);
    if (!json.ok) return json;
    if (!isPlainObject(json.value)) return fail('attributes must be a JSON object of key/value pairs');
    const out: Reading[] = [];
    const error = collectReadings(Object.entries(json.value), null, out);
    return error === null ? ok(out) : fail(error);
  });
}

/**
 * One entry of a gateway device's array. The gateway reference documents `{ts, values}` with ts
 * optional ("server receive time is used if omitted"), and ThingsBoard runs each array through the
 * same converter as device telemetry, which also takes flat objects (server time).
 */
function collectGatewayEntry(o: Record<string, unknown>, out: Reading[]): string | null {
  if (Object.hasOwn(o, 'values') && hasOnlyKeys(o, ['ts', 'values'])) {
    return Object.hasOwn(o, 'ts')
      ? collectTimestamped(o.ts, o.values, out)
      : collectEntries(o.values, null, out);
  }
  return collectReadings(Object.entries(o), null, out);
}

/** `v1/gateway/telemetry`: `{"Device A": [{"ts": 1483228800000, "values": {...}}], ...}`. */
export function parseThingsBoardGateway(payload: Buffer): ParseResult<GatewayDeviceReadings[]> {
  return neverThrow(() => {
    const json = parseJsonPayload(payload);
    if (!json.ok) return json;
    if (!isPlainObject(json.value)) {
      return fail('gateway telemetry must be a JSON object mapping device names to arrays');
    }
    const result: GatewayDeviceReadings[] = [];
    let total = 0;
    for (const [device, entries] of Object.entries(json.value)) {
      if (device.length === 0 || device.length > MAX_DEVICE_NAME_LENGTH) {
        return fail(`device name ${quote(device)} must be 1-${MAX_DEVICE_NAME_LENGTH} characters`);
      }
      if (!Array.isArray(entries)) return fail(`telemetry of device ${quote(device)} must be an array`);
      const readings: Reading[] = [];
      for (const [i, entry] of entries.entries()) {
        if (!isPlainObject(entry)) return fail(`device ${quote(device)}[${i}] must be a JSON object`);
        const error = collectGatewayEntry(entry, readings);
        if (error !== null) return fail(`device ${quote(device)}[${i}]: ${error}`);
      }
      total += readings.length;
      if (total > MAX_READINGS_PER_MESSAGE) return fail(tooManyReadings());
      result.push({ device, readings });
    }
    return ok(result);
  });
}
