import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MAX_ATTRIBUTE_VALUE_BYTES,
  parseAttributeRequest,
  parseClientAttributes,
  parseFiwareCommandResult,
  parseRpcResponse,
} from './device-replies.js';

const b = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v));

describe('device replies', () => {
  it('client attributes: any JSON value per key, bounded, keys checked', () => {
    expect(parseClientAttributes(b({ fw: '1.2', cfg: { a: [1, 2] }, on: true }))).toEqual({
      ok: true,
      value: { fw: '1.2', cfg: { a: [1, 2] }, on: true },
    });
    expect(parseClientAttributes(b([1])).ok).toBe(false);
    expect(parseClientAttributes(b({ '': 1 })).ok).toBe(false);
    expect(parseClientAttributes(b({ gone: null })).ok).toBe(false);
    expect(parseClientAttributes(b({ big: 'x'.repeat(MAX_ATTRIBUTE_VALUE_BYTES) })).ok).toBe(false);
  });

  it('attribute requests: comma lists or arrays; nothing named asks for all', () => {
    expect(parseAttributeRequest(b({ clientKeys: 'a, b,,a', sharedKeys: 'c' }))).toEqual({
      ok: true,
      value: { clientKeys: ['a', 'b'], sharedKeys: ['c'] },
    });
    expect(parseAttributeRequest(Buffer.alloc(0))).toEqual({
      ok: true,
      value: { clientKeys: null, sharedKeys: null },
    });
    expect(parseAttributeRequest(b({ sharedKeys: ['x'] }))).toEqual({
      ok: true,
      value: { clientKeys: null, sharedKeys: ['x'] },
    });
    expect(parseAttributeRequest(b({ clientKeys: 5 })).ok).toBe(false);
    expect(parseAttributeRequest(b('nope')).ok).toBe(false);
  });

  it('RPC responses keep JSON as JSON and anything else as text', () => {
    expect(parseRpcResponse(b({ ok: 1 }))).toEqual({ ok: true, value: { ok: 1 } });
    expect(parseRpcResponse(b('plain words'))).toEqual({ ok: true, value: 'plain words' });
    expect(parseRpcResponse(Buffer.from([0xff, 0xfe])).ok).toBe(false);
  });

  it('FIWARE command results name their commands', () => {
    expect(parseFiwareCommandResult(b({ ping: 'OK' }))).toEqual({
      ok: true,
      value: [{ command: 'ping', result: 'OK' }],
    });
    expect(parseFiwareCommandResult(b({})).ok).toBe(false);
    expect(parseFiwareCommandResult(b('"OK"')).ok).toBe(false);
  });

  it('never throw, whatever the bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        const buf = Buffer.from(bytes);
        for (const parse of [
          parseClientAttributes,
          parseAttributeRequest,
          parseRpcResponse,
          parseFiwareCommandResult,
        ]) {
          const r = parse(buf);
          expect(typeof r.ok).toBe('boolean');
          if (!r.ok) expect(r.error).not.toMatch(/internal parser error/);
        }
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        for (const parse of [
          parseClientAttributes,
          parseAttributeRequest,
          parseRpcResponse,
          parseFiwareCommandResult,
        ]) {
          const r = parse(b(v));
          if (!r.ok) expect(r.error).not.toMatch(/internal parser error/);
        }
      }),
      { numRuns: 500 },
    );
  });
});
