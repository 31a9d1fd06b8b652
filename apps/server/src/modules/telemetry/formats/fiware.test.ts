import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseFiwareMeasures, parseFiwareSingle, parseFiwareTopic, parseIsoTimestamp } from './fiware.js';
import type { ParseResult, Reading } from './reading.js';

const buf = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v));
const now = (key: string, value: Reading['value']): Reading => ({ key, value, ts: null });

const keyArb = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/).filter((k) => k !== 'TimeInstant');
const valueArb = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((x) => (Object.is(x, -0) ? 0 : x)),
  fc.string({ maxLength: 256 }),
  fc.boolean(),
);
const dateArb = fc.date({ min: new Date(0), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true });

function expectResult(r: ParseResult<unknown>): void {
  expect(typeof r.ok).toBe('boolean');
  if (!r.ok) expect(r.error).not.toMatch(/^internal/);
}

describe('parseFiwareMeasures', () => {
  it('accepts a flat object of object_id -> value', () => {
    expect(parseFiwareMeasures(buf({ t: 21.5, h: 40, s: 'ok', d: true }))).toEqual({
      ok: true,
      value: [now('t', 21.5), now('h', 40), now('s', 'ok'), now('d', true)],
    });
    expect(parseFiwareMeasures(buf({}))).toEqual({ ok: true, value: [] });
  });

  it('applies TimeInstant to every reading of its object and does not report it', () => {
    expect(
      parseFiwareMeasures(buf({ t: 21.5, h: 40, TimeInstant: '2024-05-01T08:30:00.250+08:00' })),
    ).toEqual({
      ok: true,
      value: [
        { key: 't', value: 21.5, ts: Date.UTC(2024, 4, 1, 0, 30, 0, 250) },
        { key: 'h', value: 40, ts: Date.UTC(2024, 4, 1, 0, 30, 0, 250) },
      ],
    });
  });

  it('accepts an array of measure objects (multimeasure), each with its own TimeInstant', () => {
    const payload = [{ t: 20, TimeInstant: '2024-01-01T00:00:00Z' }, { t: 21 }];
    expect(parseFiwareMeasures(buf(payload))).toEqual({
      ok: true,
      value: [{ key: 't', value: 20, ts: Date.UTC(2024, 0, 1) }, now('t', 21)],
    });
  });

  it('rejects everything else with a clear error', () => {
    const cases: [unknown, string][] = [
      ['{"t":', 'payload is not valid JSON: '],
      [21.5, 'measures must be a JSON object or an array of JSON objects'],
      [[{ t: 1 }, 'x'], 'measures[1] must be a JSON object'],
      [{ t: { v: 1 } }, 'value of "t" must be a number, string or boolean'],
      [
        { t: 1, TimeInstant: 'yesterday' },
        'TimeInstant must be an ISO 8601 date-time string, got "yesterday"',
      ],
      [
        { t: 1, TimeInstant: 1700000000000 },
        'TimeInstant must be an ISO 8601 date-time string, got 1700000000000',
      ],
      [[{ t: 1, TimeInstant: '2024-02-30T00:00:00Z' }], 'measures[0]: TimeInstant must be an ISO 8601'],
      [{ '9t': 1 }, 'invalid key "9t"'],
    ];
    for (const [input, error] of cases) {
      const r = parseFiwareMeasures(buf(input));
      expect(r.ok).toBe(false);
      expect(!r.ok && r.error.startsWith(error)).toBe(true);
    }
  });

  it('round-trips generated measures with and without TimeInstant', () => {
    fc.assert(
      fc.property(fc.dictionary(keyArb, valueArb, { maxKeys: 20 }), fc.option(dateArb), (o, date) => {
        const payload = date === null ? o : { ...o, TimeInstant: date.toISOString() };
        const ts = date === null ? null : date.getTime();
        const expected = Object.entries(o).map(([key, value]) => ({ key, value, ts }));
        expect(parseFiwareMeasures(buf(payload))).toEqual({ ok: true, value: expected });
      }),
    );
  });
});

describe('parseIsoTimestamp', () => {
  it('reads ISO 8601 date-times, zone-less as UTC', () => {
    expect(parseIsoTimestamp('2024-05-01T08:30:00Z')).toBe(Date.UTC(2024, 4, 1, 8, 30));
    expect(parseIsoTimestamp('2024-05-01T08:30:00')).toBe(Date.UTC(2024, 4, 1, 8, 30));
    expect(parseIsoTimestamp('2024-05-01T08:30Z')).toBe(Date.UTC(2024, 4, 1, 8, 30));
    expect(parseIsoTimestamp('2024-05-01T08:30:00.123456Z')).toBe(Date.UTC(2024, 4, 1, 8, 30, 0, 123));
    expect(parseIsoTimestamp('2024-05-01T08:30:00-0130')).toBe(Date.UTC(2024, 4, 1, 10, 0));
    expect(parseIsoTimestamp('2024-02-29')).toBe(Date.UTC(2024, 1, 29));
  });

  it('rejects impossible or non-ISO dates', () => {
    for (const s of [
      '2023-02-29',
      '2024-13-01',
      '2024-05-01T24:00:00Z',
      '1969-12-31T23:59:59Z',
      '0070-01-01',
    ]) {
      expect(parseIsoTimestamp(s)).toBeNull();
    }
    for (const s of ['May 1, 2024', '2024-05-01T08:30:00+25:00', '', '2024-5-1']) {
      expect(parseIsoTimestamp(s)).toBeNull();
    }
  });
});

describe('parseFiwareSingle', () => {
  it('takes JSON scalars with their JSON type', () => {
    expect(parseFiwareSingle('t', buf('21.5'))).toEqual({ ok: true, value: [now('t', 21.5)] });
    expect(parseFiwareSingle('t', buf('"21.5"'))).toEqual({ ok: true, value: [now('t', '21.5')] });
    expect(parseFiwareSingle('s', buf('true'))).toEqual({ ok: true, value: [now('s', true)] });
  });

  it('takes plain text, numeric text as a number', () => {
    expect(parseFiwareSingle('s', buf('on'))).toEqual({ ok: true, value: [now('s', 'on')] });
    expect(parseFiwareSingle('t', buf('+21.5\n'))).toEqual({ ok: true, value: [now('t', 21.5)] });
    expect(parseFiwareSingle('t', buf('.5'))).toEqual({ ok: true, value: [now('t', 0.5)] });
    expect(parseFiwareSingle('m', buf('door open'))).toEqual({ ok: true, value: [now('m', 'door open')] });
  });

  it('rejects bad attributes and values', () => {
    const cases: [string, Buffer, string][] = [
      [
        '1t',
        buf('1'),
        `invalid key "1t": keys are 1-64 characters, a letter then letters, digits, '_', '.' or '-'`,
      ],
      ['t', buf(''), 'value of "t" is empty'],
      ['t', buf('null'), 'value of "t" must be a number, string or boolean'],
      ['t', buf('{"v":1}'), 'value of "t" must be a number, string or boolean'],
      ['t', buf('1e999'), 'value of "t" must be a finite number'],
      ['t', buf('x'.repeat(257)), 'value of "t" is longer than 256 characters'],
      ['t', Buffer.from([0xc3, 0x28]), 'payload is not valid UTF-8'],
    ];
    for (const [attr, payload, error] of cases) {
      expect(parseFiwareSingle(attr, payload)).toEqual({ ok: false, error });
    }
  });

  it('round-trips numbers sent as text', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        expect(parseFiwareSingle('t', buf(String(x)))).toEqual({
          ok: true,
          value: [now('t', x === 0 ? 0 : x)],
        });
      }),
    );
  });
});

describe('parseFiwareTopic', () => {
  it('reads measure and command-result topics, with or without the leading slash', () => {
    expect(parseFiwareTopic('/json/k1/dev-1/attrs')).toEqual({
      apikey: 'k1',
      deviceId: 'dev-1',
      attr: null,
      kind: 'attrs',
    });
    expect(parseFiwareTopic('json/k1/dev-1/attrs/t')).toEqual({
      apikey: 'k1',
      deviceId: 'dev-1',
      attr: 't',
      kind: 'attrs',
    });
    expect(parseFiwareTopic('/json/k1/dev-1/cmdexe')).toEqual({
      apikey: 'k1',
      deviceId: 'dev-1',
      attr: null,
      kind: 'cmdexe',
    });
  });

  it('returns null for anything else', () => {
    for (const topic of [
      '',
      '/json/k1/dev-1',
      '/ul/k1/dev-1/attrs',
      '/json//dev-1/attrs',
      '/json/k1/+/attrs',
      '/json/#/dev/attrs',
      '/json/k1/dev-1/attrs/',
      '/json/k1/dev-1/attrs/t/x',
      '/json/k1/dev-1/cmdexe/t',
      '/json/k1/dev-1/cmd',
      '//json/k1/dev-1/attrs',
      'json/k1/dev-1/attrs/',
    ]) {
      expect(parseFiwareTopic(topic)).toBeNull();
    }
  });

  it('round-trips generated segments and never throws', () => {
    const segment = fc.string({ minLength: 1 }).filter((s) => !/[+#/]/.test(s));
    fc.assert(
      fc.property(segment, segment, fc.option(segment), (apikey, deviceId, attr) => {
        const topic = `/json/${apikey}/${deviceId}/attrs${attr === null ? '' : `/${attr}`}`;
        expect(parseFiwareTopic(topic)).toEqual({ apikey, deviceId, attr, kind: 'attrs' });
      }),
    );
    fc.assert(fc.property(fc.string(), (topic) => void parseFiwareTopic(topic)));
  });
});

describe('FIWARE parsers on arbitrary input', () => {
  it('never throw on arbitrary bytes or JSON', () => {
    const payloads = fc.oneof(
      fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
      fc.jsonValue().map((v) => buf(JSON.stringify(v))),
      fc.anything().map((v) => {
        try {
          return Buffer.from(JSON.stringify(v) ?? '');
        } catch {
          return Buffer.alloc(0);
        }
      }),
    );
    fc.assert(
      fc.property(payloads, fc.string(), (payload, attr) => {
        expectResult(parseFiwareMeasures(payload));
        expectResult(parseFiwareSingle(attr, payload));
        expectResult(parseFiwareSingle('t', payload));
      }),
    );
  });
});
