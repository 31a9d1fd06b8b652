import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, configSchema, loadConfig } from './config.js';

const doc = fs.readFileSync(new URL('../../../docs/configuration.md', import.meta.url), 'utf8');

describe('config', () => {
  it('has defaults for a fresh embedded start', () => {
    const c = loadConfig({});
    expect(c.PORT).toBe(8080);
    expect(c.dataDir).toMatch(/data$/);
    expect(c.demo).toBe(false);
    expect(loadConfig({}, { demoDefault: true }).demo).toBe(true);
    expect(loadConfig({ DEMO: 'false' }, { demoDefault: true }).demo).toBe(false);
  });

  it('reads the process roles from ROLE or --role=, all by default', () => {
    const pg = { DATABASE_URL: 'postgres://h/db', SECRET_KEY: 'a'.repeat(64) };
    expect(loadConfig({}).ROLE).toEqual(['web', 'ingest', 'jobs']);
    expect(loadConfig({ ...pg, ROLE: 'web, jobs,web' }).ROLE).toEqual(['web', 'jobs']);
    expect(loadConfig({ ...pg, ROLE: 'web' }, { role: 'ingest' }).ROLE).toEqual(['ingest']);
    expect(loadConfig({ ...pg, ROLE: 'jobs,all' }).ROLE).toEqual(['web', 'ingest', 'jobs']);
  });

  it.each([
    [{ PORT: '99999' }, 'PORT', /between 0 and 65535/],
    [{ PORT: 'abc' }, 'PORT', /port number/],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL', /postgres/],
    [{ DATABASE_URL: 'postgres://h/db' }, 'SECRET_KEY', /required/],
    [{ DEMO: 'maybe' }, 'DEMO', /true or false/],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL', /.+/],
    [{ DEMO_PASSWORD: 'short' }, 'DEMO_PASSWORD', /8 characters/],
    [{ ROLE: 'web,cron' }, 'ROLE', /comma list of web, ingest, jobs/],
    [{ ROLE: 'web' }, 'ROLE', /must be all on embedded storage/],
    [{ TRUST_PROXY: 'true' }, 'TRUST_PROXY', /"true" would trust any client .* list the addresses/],
    [{ TRUST_PROXY: '127.0.0.1,*' }, 'TRUST_PROXY', /"\*" would trust any client/],
    [{ TRUST_PROXY: '::/0' }, 'TRUST_PROXY', /covers every address/],
    [{ TRUST_PROXY: 'haproxy.internal' }, 'TRUST_PROXY', /not an IPv4 or IPv6 address/],
    [{ LOG_FORMAT: 'xml' }, 'LOG_FORMAT', /auto, json or pretty/],
  ])('rejects %o naming %s', (env, variable, message) => {
    let err: unknown;
    try {
      loadConfig(env);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).variable).toBe(variable);
    expect((err as ConfigError).problem).toMatch(message);
  });

  it('documents every variable with its default in docs/configuration.md', () => {
    const defaults = loadConfig({});
    for (const key of Object.keys(configSchema.shape)) {
      const row = doc.split('\n').find((l) => l.startsWith(`| \`${key}\` |`));
      expect(row, `${key} is missing from docs/configuration.md`).toBeDefined();
      const value = (defaults as Record<string, unknown>)[key];
      if (typeof value === 'number' || (typeof value === 'string' && value !== '')) {
        expect(row, `${key}: documented default differs`).toContain(`\`${String(value)}\``);
      }
    }
  });
});
