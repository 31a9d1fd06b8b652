import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ParseResult, Reading } from './reading.js';
import {
  parseThingsBoardAttributes,
  parseThingsBoardGateway,
  parseThingsBoardTelemetry,
} from './thingsboard.js';

const buf = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v));
const now = (key: string, value: Reading['value']): Reading => ({ key, value, ts: null });

const keyArb = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/);
const valueArb = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((x) => (Object.is(x, -0) ? 0 : x)),
  fc.string({ maxLength: 256 }),
  fc.boolean(),
);
// A flat object that is not accidentally the {ts, values} form.
const flatArb = fc
  .dictionary(keyArb, valueArb, { maxKeys: 20 })
  .filter((o) => !(Object.keys(o).length === 2 && 'ts' in o && 'values' in o));
const tsArb = fc.integer({ min: 0, max: 4_102_444_800_000 });
const withTs = (o: Record<string, unknown>, ts: number | null): Reading[] =>
  Object.entries(o).map(([key, value]) => ({ key, value: value as Reading['value'], ts }));

function expectResult(r: ParseResult<unknown>): void {
  expect(typeof r.ok).toBe('boolean');
  if (!r.ok) expect(r.error).not.toMatch(/^internal/);
}
const anyJson = fc.oneof(
  fc.jsonValue(),
  fc.anything().map((v) => {
    try {
      return JSON.parse(JSON.stringify(v) ?? 'null') as unknown;
    } catch {
      return null;
    }
  }),
);

describe('parseThingsBoardTelemetry', () => {
  it('accepts a flat object with server time', () => {
    expect(parseThingsBoardTelemetry(buf({ temperature: 21.5, humidity: 40 }))).toEqual({
      ok: true,
      value: [now('temperature', 21.5), now('humidity', 40)],
    });
  });

  it('accepts an array of flat objects', () => {
    expect(parseThingsBoardTelemetry(buf([{ temperature: 21.5 }, { door: 'open', alarm: true }]))).toEqual({
      ok: true,
      value: [now('temperature', 21.5), now('door', 'open'), now('alarm', true)],
    });
  });

  it('accepts {ts, values} and an array of them', () => {
    expect(parseThingsBoardTelemetry(buf({ ts: 1700000000000, values: { t: 1, h: '40' } }))).toEqual({
      ok: true,
      value: [
        { key: 't', value: 1, ts: 1700000000000 },
        { key: 'h', value: '40', ts: 1700000000000 },
      ],
    });
    const arr = [
      { ts: 1451649600000, values: { temperature: 22.5 } },
      { ts: 1451649601000, values: { temperature: 22.7 } },
    ];
    expect(parseThingsBoardTelemetry(buf(arr))).toEqual({
      ok: true,
      value: [
        { key: 'temperature', value: 22.5, ts: 1451649600000 },
        { key: 'temperature', value: 22.7, ts: 1451649601000 },
      ],
    });
  });

  it('accepts empty objects and arrays', () => {
    expect(parseThingsBoardTelemetry(buf({}))).toEqual({ ok: true, value: [] });
    expect(parseThingsBoardTelemetry(buf([]))).toEqual({ ok: true, value: [] });
    expect(parseThingsBoardTelemetry(buf({ ts: 1, values: {} }))).toEqual({ ok: true, value: [] });
  });

  it('reads "ts" and "values" as plain keys unless they are exactly the two keys', () => {
    expect(parseThingsBoardTelemetry(buf({ ts: 5 }))).toEqual({ ok: true, value: [now('ts', 5)] });
    expect(parseThingsBoardTelemetry(buf({ values: { t: 1 } }))).toEqual({
      ok: false,
      error: 'value of "values" must be a number, string or boolean',
    });
    expect(parseThingsBoardTelemetry(buf({ ts: 1, values: { t: 1 }, extra: 1 }))).toEqual({
      ok: false,
      error: 'value of "values" must be a number, string or boolean',
    });
  });

  it('rejects everything else with a clear error', () => {
    const cases: [unknown, string][] = [
      ['not json', 'payload is not valid JSON: '],
      [42, 'telemetry must be a JSON object or an array of JSON objects'],
      [null, 'telemetry must be a JSON object or an array of JSON objects'],
      [[{ t: 1 }, 3], 'telemetry[1] must be a JSON object'],
      [{ t: { nested: 1 } }, 'value of "t" must be a number, string or boolean'],
      [{ t: null }, 'value of "t" must be a number, string or boolean'],
      [{ t: [1, 2] }, 'value of "t" must be a number, string or boolean'],
      [
        { ts: 1.5, values: { t: 1 } },
        'ts must be an integer number of epoch milliseconds between 0 and 2^53',
      ],
      [{ ts: -1, values: { t: 1 } }, 'ts must be an integer number of epoch milliseconds between 0 and 2^53'],
      [{ ts: '1700000000000', values: { t: 1 } }, 'ts must be an integer'],
      [{ ts: 1, values: 5 }, '"values" must be a JSON object of key/value pairs'],
      [[{ ts: 1, values: { '1x': 1 } }], 'telemetry[0]: invalid key "1x"'],
      ['{"t":1e999}', 'value of "t" must be a finite number'],
    ];
    for (const [input, error] of cases) {
      const r = parseThingsBoardTelemetry(buf(input));
      expect(r.ok).toBe(false);
      expect(!r.ok && r.error.startsWith(error)).toBe(true);
    }
  });

  it('caps the number of readings', () => {
    const big = Object.fromEntries(Array.from({ length: 10_001 }, (_, i) => [`k${i}`, i]));
    expect(parseThingsBoardTelemetry(buf(big))).toEqual({
      ok: false,
      error: 'message has more than 10000 readings',
    });
  });

  it('round-trips generated flat, timestamped and array payloads', () => {
    fc.assert(
      fc.property(flatArb, (o) => {
        expect(parseThingsBoardTelemetry(buf(o))).toEqual({ ok: true, value: withTs(o, null) });
      }),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(tsArb, flatArb), { maxLength: 5 }), (items) => {
        const payload = items.map(([ts, values]) => ({ ts, values }));
        const expected = items.flatMap(([ts, values]) => withTs(values, ts));
        expect(parseThingsBoardTelemetry(buf(payload))).toEqual({ ok: true, value: expected });
      }),
    );
  });
});

describe('parseThingsBoardAttributes', () => {
  it('accepts a flat object', () => {
    expect(parseThingsBoardAttributes(buf({ firmware: '1.2.0', battery: 87, charging: false }))).toEqual({
      ok: true,
      value: [now('firmware', '1.2.0'), now('battery', 87), now('charging', false)],
    });
    expect(parseThingsBoardAttributes(buf({}))).toEqual({ ok: true, value: [] });
  });

  it('rejects arrays, scalars and nested values', () => {
    expect(parseThingsBoardAttributes(buf([{ a: 1 }]))).toEqual({
      ok: false,
      error: 'attributes must be a JSON object of key/value pairs',
    });
    expect(parseThingsBoardAttributes(buf('"x"'))).toEqual({
      ok: false,
      error: 'attributes must be a JSON object of key/value pairs',
    });
    expect(parseThingsBoardAttributes(buf({ cfg: { a: 1 } }))).toEqual({
      ok: false,
      error: 'value of "cfg" must be a number, string or boolean',
    });
  });

  it('round-trips generated flat objects', () => {
    fc.assert(
      fc.property(fc.dictionary(keyArb, valueArb, { maxKeys: 20 }), (o) => {
        expect(parseThingsBoardAttributes(buf(o))).toEqual({ ok: true, value: withTs(o, null) });
      }),
    );
  });
});

describe('parseThingsBoardGateway', () => {
  it('accepts the documented example', () => {
    const payload = {
      'Device A': [
        { ts: 1483228800000, values: { temperature: 42, humidity: 80 } },
        { ts: 1483228801000, values: { temperature: 43, humidity: 82 } },
      ],
      'Device B': [{ ts: 1483228800000, values: { temperature: 42, humidity: 80 } }],
    };
    expect(parseThingsBoardGateway(buf(payload))).toEqual({
      ok: true,
      value: [
        {
          device: 'Device A',
          readings: [
            { key: 'temperature', value: 42, ts: 1483228800000 },
            { key: 'humidity', value: 80, ts: 1483228800000 },
            { key: 'temperature', value: 43, ts: 1483228801000 },
            { key: 'humidity', value: 82, ts: 1483228801000 },
          ],
        },
        {
          device: 'Device B',
          readings: [
            { key: 'temperature', value: 42, ts: 1483228800000 },
            { key: 'humidity', value: 80, ts: 1483228800000 },
          ],
        },
      ],
    });
  });

  it('takes server time for {values} without ts and for flat objects', () => {
    expect(parseThingsBoardGateway(buf({ 'Device A': [{ values: { t: 1 } }, { h: 2 }] }))).toEqual({
      ok: true,
      value: [{ device: 'Device A', readings: [now('t', 1), now('h', 2)] }],
    });
    expect(parseThingsBoardGateway(buf({}))).toEqual({ ok: true, value: [] });
    expect(parseThingsBoardGateway(buf({ 'Device A': [] }))).toEqual({
      ok: true,
      value: [{ device: 'Device A', readings: [] }],
    });
  });

  it('rejects everything else with a clear error', () => {
    const cases: [unknown, string][] = [
      [[{ ts: 1, values: {} }], 'gateway telemetry must be a JSON object mapping device names to arrays'],
      [{ '': [] }, 'device name "" must be 1-128 characters'],
      [{ ['d'.repeat(129)]: [] }, `device name "${'d'.repeat(40)}…" must be 1-128 characters`],
      [{ 'Device A': { ts: 1, values: {} } }, 'telemetry of device "Device A" must be an array'],
      [{ 'Device A': [7] }, 'device "Device A"[0] must be a JSON object'],
      [{ 'Device A': [{ ts: 1, values: 3 }] }, 'device "Device A"[0]: "values" must be a JSON object'],
      [{ 'Device A': [{ ts: -5, values: {} }] }, 'device "Device A"[0]: ts must be an integer'],
      [{ 'Device A': [{ ts: 1, values: { t: null } }] }, 'device "Device A"[0]: value of "t" must be'],
    ];
    for (const [input, error] of cases) {
      const r = parseThingsBoardGateway(buf(input));
      expect(r.ok).toBe(false);
      expect(!r.ok && r.error.startsWith(error)).toBe(true);
    }
  });

  it('round-trips generated gateway payloads', () => {
    const deviceArb = fc.string({ minLength: 1, maxLength: 128 });
    fc.assert(
      fc.property(
        fc.dictionary(deviceArb, fc.array(fc.tuple(tsArb, flatArb), { maxLength: 3 })),
        (devices) => {
          const payload = Object.fromEntries(
            Object.entries(devices).map(([d, items]) => [d, items.map(([ts, values]) => ({ ts, values }))]),
          );
          const parsed = parseThingsBoardGateway(buf(payload));
          // JSON.parse may reorder integer-like device names, so compare as a map.
          expect(parsed.ok).toBe(true);
          const byDevice = new Map(parsed.ok ? parsed.value.map((g) => [g.device, g.readings]) : []);
          expect(byDevice.size).toBe(Object.keys(devices).length);
          for (const [d, items] of Object.entries(devices)) {
            expect(byDevice.get(d)).toEqual(items.flatMap(([ts, values]) => withTs(values, ts)));
          }
        },
      ),
    );
  });
});

describe('ThingsBoard parsers on arbitrary input', () => {
  const parsers = [parseThingsBoardTelemetry, parseThingsBoardAttributes, parseThingsBoardGateway];

  it('never throw on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        for (const parse of parsers) expectResult(parse(Buffer.from(bytes)));
      }),
    );
  });

  it('never throw on arbitrary JSON', () => {
    fc.assert(
      fc.property(anyJson, (v) => {
        for (const parse of parsers) expectResult(parse(buf(JSON.stringify(v))));
      }),
    );
  });
});
