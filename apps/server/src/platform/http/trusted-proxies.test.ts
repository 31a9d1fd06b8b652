import Fastify from 'fastify';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.js';
import { parseTrustedProxies } from './trusted-proxies.js';

describe('parseTrustedProxies', () => {
  it('reads addresses, ranges and names, and an unset or false value as none', () => {
    expect(parseTrustedProxies(' 127.0.0.1, ::1 ,10.0.0.0/8,fd00::/8,loopback,Loopback')).toEqual({
      ok: true,
      proxies: ['127.0.0.1', '::1', '10.0.0.0/8', 'fd00::/8', 'loopback'],
    });
    expect(parseTrustedProxies('')).toEqual({ ok: true, proxies: [] });
    expect(parseTrustedProxies('false')).toEqual({ ok: true, proxies: [] });
    expect(loadConfig({}).TRUST_PROXY).toEqual([]);
    expect(loadConfig({ TRUST_PROXY: '10.1.2.3' }).TRUST_PROXY).toEqual(['10.1.2.3']);
  });

  it.each(['true', 'TRUE', '*', '1', 'yes', '0.0.0.0/0', '::/0', '10.0.0.1,true'])(
    'refuses %s, which would trust every hop',
    (value) => {
      const parsed = parseTrustedProxies(value);
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) expect(parsed.problem).toMatch(/list the addresses of your reverse proxies/);
    },
  );

  it.each(['proxy.example', '10.0.0.0/33', '::1/129', '10.0.0.0/8/8', '10.0.0', 'fe80::1%eth0', '1.2.3.4/x'])(
    'refuses %s with the entry named',
    (value) => {
      const parsed = parseTrustedProxies(value);
      expect(parsed).toEqual({ ok: false, problem: expect.stringContaining(`"${value}"`) });
    },
  );

  it('never throws and accepts only entries Fastify compiles', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (value) => {
        const parsed = parseTrustedProxies(value);
        if (parsed.ok) expect(() => Fastify({ trustProxy: [...parsed.proxies] })).not.toThrow();
      }),
    );
  });
});

// What the list does in Fastify, as createHttpServer passes it on.
describe('a trusted proxy list in Fastify', () => {
  const app = Fastify({ trustProxy: ['10.0.0.0/8', '::1'] });
  app.get('/who', async (req) => ({ ip: req.ip, protocol: req.protocol, host: req.host }));
  beforeAll(() => app.ready());
  afterAll(() => app.close());

  const who = async (remoteAddress: string) =>
    (
      await app.inject({
        url: '/who',
        remoteAddress,
        headers: {
          host: 'civitas.internal:8080',
          'x-forwarded-for': '203.0.113.9, 198.51.100.1',
          'x-forwarded-proto': 'https',
          'x-forwarded-host': 'civitas.example.org',
        },
      })
    ).json<{ ip: string; protocol: string; host: string }>();

  it('believes a listed peer', async () => {
    expect(await who('10.20.30.40')).toEqual({
      ip: '198.51.100.1',
      protocol: 'https',
      host: 'civitas.example.org',
    });
    expect((await who('::1')).ip).toBe('198.51.100.1');
  });

  it('ignores the headers of anyone else', async () => {
    expect(await who('192.0.2.50')).toEqual({
      ip: '192.0.2.50',
      protocol: 'http',
      host: 'civitas.internal:8080',
    });
  });
});
