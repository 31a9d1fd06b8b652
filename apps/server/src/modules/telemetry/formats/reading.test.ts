import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  KEY_PATTERN,
  MAX_READINGS_PER_MESSAGE,
  type Reading,
  checkKey,
  checkTimestamp,
  collectReadings,
  parseJsonPayload,
  toReadingValue,
} from './reading.js';

describe('parseJsonPayload', () => {
  it('decodes UTF-8 JSON', () => {
    expect(parseJsonPayload(Buffer.from('{"t":"21°C"}'))).toEqual({ ok: true, value: { t: '21°C' } });
  });

  it('rejects invalid UTF-8 and non-JSON with a clear error', () => {
    expect(parseJsonPayload(Buffer.from([0x7b, 0xff, 0x7d]))).toEqual({
      ok: false,
      error: 'payload is not valid UTF-8',
    });
    const r = parseJsonPayload(Buffer.from('{temperature: 1}'));
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatch(/^payload is not valid JSON: /);
    expect(parseJsonPayload(Buffer.alloc(0)).ok).toBe(false);
  });

  it('never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array(), (bytes) => {
        expect(typeof parseJsonPayload(Buffer.from(bytes)).ok).toBe('boolean');
      }),
    );
  });
});

describe('keys, values and timestamps', () => {
  it('accepts keys of 1-64 characters starting with a letter', () => {
    for (const key of ['t', 'temperature', 'pm2.5', 'no2_ugm3', 'a-b', 'A'.repeat(64)]) {
      expect(checkKey(key)).toBeNull();
    }
  });

  it('rejects other keys, naming them cut to 40 characters', () => {
    expect(checkKey('')).toBe(
      `invalid key "": keys are 1-64 characters, a letter then letters, digits, '_', '.' or '-'`,
    );
    for (const key of ['1st', '_x', 'a b', 'a/b', 'température', 'A'.repeat(65)]) {
      expect(checkKey(key)).toMatch(/^invalid key /);
    }
    expect(checkKey('x'.repeat(100))).toContain(`"${'x'.repeat(40)}…"`);
  });

  it('takes finite numbers, strings up to 256 characters and booleans', () => {
    expect(toReadingValue('k', 21.5)).toEqual({ ok: true, value: 21.5 });
    expect(toReadingValue('k', '21.5')).toEqual({ ok: true, value: '21.5' });
    expect(toReadingValue('k', false)).toEqual({ ok: true, value: false });
    expect(toReadingValue('k', 's'.repeat(256)).ok).toBe(true);
    expect(toReadingValue('k', 's'.repeat(257))).toEqual({
      ok: false,
      error: 'value of "k" is longer than 256 characters',
    });
    expect(toReadingValue('k', Infinity)).toEqual({
      ok: false,
      error: 'value of "k" must be a finite number',
    });
    for (const v of [null, {}, [1], undefined]) {
      expect(toReadingValue('k', v)).toEqual({
        ok: false,
        error: 'value of "k" must be a number, string or boolean',
      });
    }
  });

  it('takes integer epoch milliseconds from 0 to 2^53', () => {
    expect(checkTimestamp(0)).toEqual({ ok: true, value: 0 });
    expect(checkTimestamp(2 ** 53)).toEqual({ ok: true, value: 2 ** 53 });
    for (const ts of [-1, 1.5, 2 ** 53 + 2, NaN, Infinity, '1700000000000', null]) {
      expect(checkTimestamp(ts)).toEqual({
        ok: false,
        error: 'ts must be an integer number of epoch milliseconds between 0 and 2^53',
      });
    }
  });

  it('caps readings per message', () => {
    const out: Reading[] = [];
    const entries = Array.from({ length: MAX_READINGS_PER_MESSAGE + 1 }, (_, i): [string, unknown] => [
      `k${i}`,
      i,
    ]);
    expect(collectReadings(entries, null, out)).toBe('message has more than 10000 readings');
  });

  it('KEY_PATTERN and checkKey agree on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 70 }), (key) => {
        expect(checkKey(key) === null).toBe(KEY_PATTERN.test(key));
      }),
    );
  });
});
