/**
 * What devices send back on the control side of their protocols: ThingsBoard client attributes,
 * attribute requests and RPC responses (https://thingsboard.io/docs/reference/mqtt-api/), and
 * FIWARE IoT Agent JSON command results (`/json/{apikey}/{deviceId}/cmdexe`). Like every parser
 * here, these never throw.
 */
import {
  checkKey,
  decodeUtf8,
  fail,
  isPlainObject,
  neverThrow,
  ok,
  parseJsonPayload,
  quote,
  type ParseResult,
} from './reading.js';

/** Largest JSON text of one attribute value, and of one command result. */
export const MAX_ATTRIBUTE_VALUE_BYTES = 1024;
export const MAX_RESULT_BYTES = 16_384;
const MAX_KEYS_PER_REQUEST = 100;

const jsonBytes = (v: unknown) => Buffer.byteLength(JSON.stringify(v) ?? 'null');

/**
 * `v1/devices/me/attributes`: a flat object whose values may be any JSON (ThingsBoard keeps
 * objects and arrays as JSON attributes). Keys follow the reading key rule; each value is bounded.
 */
export function parseClientAttributes(payload: Buffer): ParseResult<Record<string, unknown>> {
  return neverThrow(() => {
    const json = parseJsonPayload(payload);
    if (!json.ok) return json;
    if (!isPlainObject(json.value)) return fail('attributes must be a JSON object of key/value pairs');
    for (const [key, value] of Object.entries(json.value)) {
      const keyError = checkKey(key);
      if (keyError !== null) return fail(keyError);
      if (value === null) return fail(`value of ${quote(key)} is null`);
      if (jsonBytes(value) > MAX_ATTRIBUTE_VALUE_BYTES)
        return fail(`value of ${quote(key)} is longer than ${MAX_ATTRIBUTE_VALUE_BYTES} bytes as JSON`);
    }
    return ok(json.value);
  });
}

export interface AttributeRequest {
  /** null: all of that scope (ThingsBoard answers everything when the list is left out). */
  clientKeys: string[] | null;
  sharedKeys: string[] | null;
}

/** `{"clientKeys":"a,b","sharedKeys":"c"}`; an empty payload or `{}` asks for everything. */
export function parseAttributeRequest(payload: Buffer): ParseResult<AttributeRequest> {
  return neverThrow(() => {
    if (payload.length === 0) return ok({ clientKeys: null, sharedKeys: null });
    const json = parseJsonPayload(payload);
    if (!json.ok) return json;
    if (!isPlainObject(json.value)) return fail('an attribute request must be a JSON object');
    const clientKeys = keyList(json.value.clientKeys, 'clientKeys');
    if (!clientKeys.ok) return clientKeys;
    const sharedKeys = keyList(json.value.sharedKeys, 'sharedKeys');
    if (!sharedKeys.ok) return sharedKeys;
    return ok({ clientKeys: clientKeys.value, sharedKeys: sharedKeys.value });
  });
}

/** A comma-separated list (ThingsBoard's form) or an array of keys; absent means all. */
export function keyList(raw: unknown, what: string): ParseResult<string[] | null> {
  if (raw === undefined || raw === null) return ok(null);
  const items = typeof raw === 'string' ? raw.split(',') : Array.isArray(raw) ? raw : null;
  if (items === null) return fail(`${what} must be a comma-separated string of keys`);
  const keys = items.map((k) => (typeof k === 'string' ? k.trim() : '')).filter((k) => k !== '');
  if (keys.length > MAX_KEYS_PER_REQUEST) return fail(`${what} names more than ${MAX_KEYS_PER_REQUEST} keys`);
  return ok([...new Set(keys)]);
}

/**
 * `v1/devices/me/rpc/response/{id}`: any JSON, which the caller gets back as is. A body that is not
 * JSON is kept as its text, as ThingsBoard does.
 */
export function parseRpcResponse(payload: Buffer): ParseResult<unknown> {
  return neverThrow(() => {
    if (payload.length > MAX_RESULT_BYTES) return fail(`response is longer than ${MAX_RESULT_BYTES} bytes`);
    const text = decodeUtf8(payload);
    if (!text.ok) return text;
    try {
      return ok(JSON.parse(text.value) as unknown);
    } catch {
      return ok(text.value);
    }
  });
}

/** `{"<command>": <result>}` on `…/cmdexe`; the IoT Agent takes each key as one command's result. */
export function parseFiwareCommandResult(
  payload: Buffer,
): ParseResult<{ command: string; result: unknown }[]> {
  return neverThrow(() => {
    if (payload.length > MAX_RESULT_BYTES) return fail(`result is longer than ${MAX_RESULT_BYTES} bytes`);
    const json = parseJsonPayload(payload);
    if (!json.ok) return json;
    if (!isPlainObject(json.value))
      return fail('a command result must be a JSON object {"<command>": <result>}');
    const entries = Object.entries(json.value);
    if (entries.length === 0) return fail('a command result names no command');
    for (const [command] of entries) {
      const keyError = checkKey(command);
      if (keyError !== null) return fail(keyError);
    }
    return ok(entries.map(([command, result]) => ({ command, result })));
  });
}
