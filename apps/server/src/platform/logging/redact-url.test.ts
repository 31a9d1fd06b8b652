import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { looksSecret, redactedPath, redactedUrl } from './redact-url.js';
import { scrubLine } from './logger.js';

const token = 'cvd_Q2hhbmdlTWUtdGhpcy1pcy1hLXRva2Vu';
const apikey = 'k3n9x0q7w2e5r8t1y4u6i9o0p2a5';
// The first 8 hex digits of each one's SHA-256, as devices.token_hash and apikey_hash begin.
const T = '[token#493f8b48]';
const K = 'e8645d07';

describe('redactedPath', () => {
  it('shows a matched route as its pattern, secret parameters named', () => {
    expect(
      redactedPath({
        url: `/api/v1/ingest/${token}/telemetry`,
        pattern: '/api/v1/ingest/:token/telemetry',
        params: { token },
      }),
    ).toBe(`/api/v1/ingest/${T}/telemetry`);
    expect(
      redactedPath({
        url: `/api/v1/${token}/attributes`,
        pattern: '/api/v1/:token/attributes',
        params: { token },
      }),
    ).toBe(`/api/v1/${T}/attributes`);
    const id = '6f1c1f8e-4a53-4c1e-9a55-0d6f1c1f8e4a';
    expect(
      redactedPath({ url: `/api/v1/residents/${id}`, pattern: '/api/v1/residents/:id', params: { id } }),
    ).toBe(`/api/v1/residents/${id}`);
  });

  it('cuts credentials out of paths no route matched', () => {
    expect(redactedPath({ url: `/api/v1/${token}/telemetry` })).toBe(`/api/v1/${T}/telemetry`);
    expect(redactedPath({ url: '/api/v1/short123/rpc/request/1' })).toBe(
      '/api/v1/[token#ab065bfa]/rpc/request/1',
    );
    expect(redactedPath({ url: `/api/v1/ingest/${token}/nope` })).toBe(`/api/v1/ingest/${T}/nope`);
    expect(redactedPath({ url: `/json/${apikey}/dev-1/attrs` })).toBe(`/json/[apikey#${K}]/dev-1/attrs`);
    expect(redactedPath({ url: `/anything/${apikey}/x?y=1` })).toBe('/anything/[redacted]/x');
    expect(redactedPath({ url: '/api/v1/no-such-thing/at-all' })).toBe('/api/v1/no-such-thing/at-all');
  });
});

describe('redactedUrl', () => {
  it('drops secret and personal query values by name and by looks', () => {
    expect(redactedUrl({ url: `/iot/json?k=${apikey}&i=dev-1`, pattern: '/iot/json' })).toBe(
      `/iot/json?k=[k#${K}]&i=dev-1`,
    );
    expect(
      redactedUrl({ url: '/api/v1/residents?phone=13812345678&limit=20', pattern: '/api/v1/residents' }),
    ).toBe('/api/v1/residents?phone=[redacted]&limit=20');
    expect(redactedUrl({ url: '/api/v1/residents?idNumber=11010519491231002X' })).toBe(
      '/api/v1/residents?idNumber=[redacted]',
    );
    expect(redactedUrl({ url: '/x?whatever=11010519491231002X&api_key=abc&password=abc' })).toBe(
      '/x?whatever=[redacted]&api_key=[api_key#ba7816bf]&password=[redacted]',
    );
    expect(redactedUrl({ url: '/x?attribute%5Bphone%5D=%2B86%20138%201234%205678' })).toBe(
      '/x?attribute%5Bphone%5D=[redacted]',
    );
  });

  it('never lets a generated credential through, wherever it sits in the URL', () => {
    const b64url = fc.string({
      unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'),
      minLength: 32,
      maxLength: 32,
    });
    fc.assert(
      fc.property(
        b64url,
        fc.constantFrom('', 'ingest/', 'v2/', 'x/y/'),
        fc.constantFrom('telemetry', 'foo', ''),
        (raw, pre, post) => {
          const secret = `cvd_${raw}`;
          expect(redactedUrl({ url: `/api/v1/${pre}${secret}/${post}` })).not.toContain(secret);
          expect(redactedUrl({ url: `/p?anything=${secret}` })).not.toContain(secret);
        },
      ),
    );
  });

  it('keeps ordinary ids, words and small numbers', () => {
    expect(looksSecret('6f1c1f8e-4a53-4c1e-9a55-0d6f1c1f8e4a')).toBe(false);
    expect(looksSecret('elderlyLivingAlone')).toBe(false);
    expect(looksSecret('2026-06-01T08:00:00Z')).toBe(false);
    expect(redactedUrl({ url: '/api/v1/audit?beforeSeq=1200&action=auth.login' })).toBe(
      '/api/v1/audit?beforeSeq=1200&action=auth.login',
    );
  });
});

describe('scrubLine', () => {
  it('blanks prefixed credentials, mobile and ID numbers but not timestamps or durations', () => {
    const line = JSON.stringify({
      msg: `token ${token} from 13812345678 id 11010519491231002X`,
      time: 1717171717171,
      responseTime: 0.13812345678,
    });
    const out = scrubLine(line);
    expect(out).not.toContain(token);
    expect(out).not.toContain('13812345678 ');
    expect(out).not.toContain('11010519491231002X');
    expect(out).toContain('1717171717171');
    expect(out).toContain('0.13812345678');
  });
});
