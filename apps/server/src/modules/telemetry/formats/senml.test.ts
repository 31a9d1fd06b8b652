import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ParseResult, Reading } from './reading.js';
import { type SenmlGroup, parseSenml } from './senml.js';

const buf = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v));
const NOW = Date.UTC(2024, 4, 1, 12, 0, 0);
const parse = (v: unknown) => parseSenml(buf(v), NOW);
const errorOf = (r: ParseResult<unknown>) => (r.ok ? null : r.error);

/** Flattens groups back to RFC 8428 section 4.6 resolved records (t in ms) for comparison. */
function resolved(r: ParseResult<SenmlGroup[]>) {
  if (!r.ok) throw new Error(r.error);
  return r.value.flatMap((g) =>
    g.readings.map((x) => ({ n: g.name + x.key, u: x.unit, t: x.ts, v: x.value })),
  );
}

describe('parseSenml: RFC 8428 section 5.1 examples', () => {
  it('5.1.1 single data point', () => {
    const pack = [{ n: 'urn:dev:ow:10e2073a01080063', u: 'Cel', v: 23.1 }];
    expect(parse(pack)).toEqual({
      ok: true,
      value: [
        { name: 'urn:dev:ow:', readings: [{ key: '10e2073a01080063', value: 23.1, ts: null, unit: 'Cel' }] },
      ],
    });
  });

  it('5.1.2 multiple data points, "now"', () => {
    const pack = [
      { bn: 'urn:dev:ow:10e2073a01080063:', n: 'voltage', u: 'V', v: 120.1 },
      { n: 'current', u: 'A', v: 1.2 },
    ];
    expect(parse(pack)).toEqual({
      ok: true,
      value: [
        {
          name: 'urn:dev:ow:10e2073a01080063:',
          readings: [
            { key: 'voltage', value: 120.1, ts: null, unit: 'V' },
            { key: 'current', value: 1.2, ts: null, unit: 'A' },
          ],
        },
      ],
    });
  });

  it('5.1.2 multiple data points with base time, base unit and bver 5', () => {
    const pack = [
      {
        bn: 'urn:dev:ow:10e2073a0108006:',
        bt: 1.276020076001e9,
        bu: 'A',
        bver: 5,
        n: 'voltage',
        u: 'V',
        v: 120.1,
      },
      { n: 'current', t: -5, v: 1.2 },
      { n: 'current', t: -4, v: 1.3 },
      { n: 'current', t: -3, v: 1.4 },
      { n: 'current', t: -2, v: 1.5 },
      { n: 'current', t: -1, v: 1.6 },
      { n: 'current', v: 1.7 },
    ];
    const t0 = 1276020076001; // Tue Jun 8 18:01:16.001 UTC 2010
    expect(parse(pack)).toEqual({
      ok: true,
      value: [
        {
          name: 'urn:dev:ow:10e2073a0108006:',
          readings: [
            { key: 'voltage', value: 120.1, ts: t0, unit: 'V' },
            { key: 'current', value: 1.2, ts: t0 - 5000, unit: 'A' },
            { key: 'current', value: 1.3, ts: t0 - 4000, unit: 'A' },
            { key: 'current', value: 1.4, ts: t0 - 3000, unit: 'A' },
            { key: 'current', value: 1.5, ts: t0 - 2000, unit: 'A' },
            { key: 'current', value: 1.6, ts: t0 - 1000, unit: 'A' },
            { key: 'current', value: 1.7, ts: t0, unit: 'A' },
          ],
        },
      ],
    });
  });

  // 5.1.3 and its resolved form in 5.1.4.
  const multiple = [
    { bn: 'urn:dev:ow:10e2073a01080063', bt: 1.320067464e9, bu: '%RH', v: 20 },
    { u: 'lon', v: 24.30621 },
    { u: 'lat', v: 60.07965 },
    { t: 60, v: 20.3 },
    { u: 'lon', t: 60, v: 24.30622 },
    { u: 'lat', t: 60, v: 60.07965 },
    { t: 120, v: 20.7 },
    { u: 'lon', t: 120, v: 24.30623 },
    { u: 'lat', t: 120, v: 60.07966 },
    { u: '%EL', t: 150, v: 98 },
    { t: 180, v: 21.2 },
    { u: 'lon', t: 180, v: 24.30628 },
    { u: 'lat', t: 180, v: 60.07967 },
  ];
  const n = 'urn:dev:ow:10e2073a01080063';
  const resolvedPack = [
    { n, u: '%RH', t: 1.320067464e9, v: 20 },
    { n, u: 'lon', t: 1.320067464e9, v: 24.30621 },
    { n, u: 'lat', t: 1.320067464e9, v: 60.07965 },
    { n, u: '%RH', t: 1.320067524e9, v: 20.3 },
    { n, u: 'lon', t: 1.320067524e9, v: 24.30622 },
    { n, u: 'lat', t: 1.320067524e9, v: 60.07965 },
    { n, u: '%RH', t: 1.320067584e9, v: 20.7 },
    { n, u: 'lon', t: 1.320067584e9, v: 24.30623 },
    { n, u: 'lat', t: 1.320067584e9, v: 60.07966 },
    { n, u: '%EL', t: 1.320067614e9, v: 98 },
    { n, u: '%RH', t: 1.320067644e9, v: 21.2 },
    { n, u: 'lon', t: 1.320067644e9, v: 24.30628 },
    { n, u: 'lat', t: 1.320067644e9, v: 60.07967 },
  ];

  it('5.1.3 multiple measurements resolve to the records of 5.1.4', () => {
    expect(resolved(parse(multiple))).toEqual(resolvedPack.map((r) => ({ ...r, t: r.t * 1000 })));
  });

  it('5.1.4 resolved data parses to the same readings as 5.1.3', () => {
    expect(parse(resolvedPack)).toEqual(parse(multiple));
    expect(parse(multiple)).toMatchObject({ ok: true, value: [{ name: 'urn:dev:ow:' }] });
  });

  it('5.1.5 multiple data types, with vd kept as base64url text', () => {
    const pack = [
      { bn: 'urn:dev:ow:10e2073a01080063:', n: 'temp', u: 'Cel', v: 23.1 },
      { n: 'label', vs: 'Machine Room' },
      { n: 'open', vb: false },
      { n: 'nfv-reader', vd: 'aGkgCg' },
    ];
    expect(parse(pack)).toEqual({
      ok: true,
      value: [
        {
          name: 'urn:dev:ow:10e2073a01080063:',
          readings: [
            { key: 'temp', value: 23.1, ts: null, unit: 'Cel' },
            { key: 'label', value: 'Machine Room', ts: null },
            { key: 'open', value: false, ts: null },
            { key: 'nfv-reader', value: 'aGkgCg', ts: null },
          ],
        },
      ],
    });
  });

  it('5.1.6 collection of resources: bn changes, bt carries forward', () => {
    const pack = [
      { bn: '2001:db8::2/', bt: 1.320078429e9, n: 'temperature', u: 'Cel', v: 25.2 },
      { n: 'humidity', u: '%RH', v: 30 },
      { bn: '2001:db8::1/', n: 'temperature', u: 'Cel', v: 12.3 },
      { n: 'humidity', u: '%RH', v: 67 },
    ];
    const ts = 1320078429000;
    expect(parse(pack)).toEqual({
      ok: true,
      value: [
        {
          name: '2001:db8::2/',
          readings: [
            { key: 'temperature', value: 25.2, ts, unit: 'Cel' },
            { key: 'humidity', value: 30, ts, unit: '%RH' },
          ],
        },
        {
          name: '2001:db8::1/',
          readings: [
            { key: 'temperature', value: 12.3, ts, unit: 'Cel' },
            { key: 'humidity', value: 67, ts, unit: '%RH' },
          ],
        },
      ],
    });
  });
});

describe('parseSenml: resolution rules', () => {
  it('adds bv to v and bs to s; a record with only s reports the sum', () => {
    const pack = [
      { bn: 'urn:dev:x:', bv: 100, bs: 1000, n: 'a', v: 1.5 },
      { n: 'e', s: 20 },
    ];
    expect(resolved(parse(pack))).toEqual([
      { n: 'urn:dev:x:a', u: undefined, t: null, v: 101.5 },
      { n: 'urn:dev:x:e', u: undefined, t: null, v: 1020 },
    ]);
  });

  it('resolves times below 2^28 relative to now, in seconds', () => {
    const pack = [
      { bn: 'dev:', n: 'a', t: -60, v: 1 },
      { n: 'a', t: 0.5, v: 2 },
      { n: 'a', t: 0, v: 3 },
      { bt: 2 ** 28, n: 'a', v: 4 },
    ];
    expect(resolved(parse(pack)).map((r) => r.t)).toEqual([NOW - 60_000, NOW + 500, null, 2 ** 28 * 1000]);
  });

  it('takes the key from the end of bn when there is no n', () => {
    expect(resolved(parse([{ bn: 'urn:dev:civitas:AQ-0001/pm25', v: 12 }]))).toEqual([
      { n: 'urn:dev:civitas:AQ-0001/pm25', u: undefined, t: null, v: 12 },
    ]);
    expect(parse([{ bn: 'urn:dev:civitas:AQ-0001/pm25', v: 12 }])).toMatchObject({
      value: [{ name: 'urn:dev:civitas:AQ-0001/' }],
    });
  });

  it('ignores unknown fields that do not end in "_"', () => {
    expect(resolved(parse([{ n: 'a', v: 1, foo: { x: 1 }, ut: 60 }]))).toEqual([
      { n: 'a', u: undefined, t: null, v: 1 },
    ]);
  });

  it('accepts an empty pack', () => {
    expect(parse([])).toEqual({ ok: true, value: [] });
  });

  it('rejects invalid packs with a clear error', () => {
    const cases: [unknown, string][] = [
      [{ n: 'a', v: 1 }, 'SenML payload must be a JSON array of records'],
      [[1], 'record 0 must be a JSON object'],
      [[{ n: 'a' }], 'record 0: has no value: one of v, vs, vb, vd or s is required'],
      [[{ n: 'a', v: 1, vs: 'x' }], 'record 0: has more than one value field (v, vs)'],
      [[{ n: 'a', v: 1, bver: 11 }], 'record 0: unsupported SenML version 11'],
      [[{ n: 'a', v: 1, bver: 1.5 }], 'record 0: bver must be a positive integer'],
      [
        [
          { n: 'a', v: 1 },
          { n: 'b', v: 1, bver: 5 },
        ],
        "record 1: bver 5 differs from the pack's version",
      ],
      [[{ n: 'a', v: 1, x_: 1 }], 'record 0: field "x_" must be understood but is not supported'],
      [[{ n: 'a', v: '1' }], 'record 0: field "v" must be a finite number'],
      [[{ n: 'a', vb: 'true' }], 'record 0: field "vb" must be a boolean'],
      [[{ n: 7, v: 1 }], 'record 0: field "n" must be a string'],
      [[{ v: 1 }], 'record 0: name "" is not a valid SenML name'],
      [[{ n: 'a b', v: 1 }], 'record 0: name "a b" is not a valid SenML name'],
      [[{ bn: 'urn:dev:x:', v: 1 }], `record 0: name "urn:dev:x:" must end in a key of 1-64 letters`],
      [[{ n: 'a', vd: 'not base64!' }], 'record 0: field "vd" must be base64url'],
      [[{ n: 'a', vs: 's'.repeat(257) }], 'record 0: value of "a" is longer than 256 characters'],
      [[{ n: 'a', v: 1e308, bv: 1e308 }], 'record 0: value of "a" must be a finite number'],
      [[{ n: 'a', v: 1, bt: 1e300 }], 'record 0: resolved time 1e+300 s is outside the supported range'],
      ['[{"n":"a","v":1e999}]', 'record 0: field "v" must be a finite number'],
    ];
    for (const [input, error] of cases) {
      const e = errorOf(parse(input));
      expect(e === null ? null : e.slice(0, error.length)).toBe(error);
    }
  });

  it('caps the number of readings', () => {
    const pack = [{ bn: 'd:', n: 'a', v: 0 }, ...Array.from({ length: 10_000 }, () => ({ n: 'a', v: 1 }))];
    expect(errorOf(parse(pack))).toBe('message has more than 10000 readings');
  });
});

describe('parseSenml: properties', () => {
  const keyArb = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/);
  const valueArb = fc.oneof(
    fc
      .double({ noNaN: true, noDefaultInfinity: true })
      .map((x): [string, Reading['value']] => ['v', x === 0 ? 0 : x]),
    fc.string({ maxLength: 256 }).map((x): [string, Reading['value']] => ['vs', x]),
    fc.boolean().map((x): [string, Reading['value']] => ['vb', x]),
  );
  const tsArb = fc.option(fc.integer({ min: 2 ** 28 * 1000, max: 4_102_444_800_000 }));
  const bnArb = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9:./_-]{0,40}[:/]$/);

  it('round-trips generated packs', () => {
    fc.assert(
      fc.property(bnArb, fc.array(fc.tuple(keyArb, valueArb, tsArb), { maxLength: 20 }), (bn, items) => {
        const pack = items.map(([n, [label, value], ts], i) => ({
          ...(i === 0 ? { bn } : {}),
          n,
          [label]: value,
          ...(ts === null ? {} : { t: ts / 1000 }),
        }));
        const readings = items.map(([key, [, value], ts]) => ({ key, value, ts }));
        expect(parseSenml(buf(pack), NOW)).toEqual({
          ok: true,
          value: readings.length === 0 ? [] : [{ name: bn, readings }],
        });
      }),
    );
  });

  it('never throws on arbitrary bytes or JSON', () => {
    const payloads = fc.oneof(
      fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
      fc.jsonValue().map((v) => buf(JSON.stringify(v))),
      fc
        .array(
          fc.dictionary(
            fc.constantFrom(
              'bn',
              'bt',
              'bu',
              'bv',
              'bs',
              'bver',
              'n',
              'u',
              'v',
              'vs',
              'vb',
              'vd',
              's',
              't',
              'x_',
            ),
            fc.jsonValue(),
          ),
        )
        .map(buf),
      fc.anything().map((v) => {
        try {
          return Buffer.from(JSON.stringify(v) ?? '');
        } catch {
          return Buffer.alloc(0);
        }
      }),
    );
    fc.assert(
      fc.property(payloads, fc.double(), (payload, now) => {
        const r = parseSenml(payload, now);
        expect(typeof r.ok).toBe('boolean');
        if (!r.ok) expect(r.error).not.toMatch(/^internal/);
      }),
    );
  });
});
