import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../config.js';
import { defaultClientId } from './external-subscriber.js';

const pg = { DATABASE_URL: 'postgres://h/db', SECRET_KEY: 'a'.repeat(64) };

describe('the default MQTT client id', () => {
  it('is the same at every start: host, roles and INSTANCE, no pid', () => {
    const all = loadConfig({});
    expect(defaultClientId('gw-3', all.ROLE, all.INSTANCE)).toBe('civitas-gw-3-all-0');
    expect(defaultClientId('gw-3', all.ROLE, all.INSTANCE)).not.toContain(String(process.pid));
    const ingest = loadConfig({ ...pg, ROLE: 'ingest', INSTANCE: '2' });
    expect(defaultClientId('gw-3', ingest.ROLE, ingest.INSTANCE)).toBe('civitas-gw-3-ingest-2');
  });

  it('names roles in one order, however ROLE lists them', () => {
    const a = loadConfig({ ...pg, ROLE: 'ingest,web' });
    const b = loadConfig({ ...pg, ROLE: 'web, ingest' });
    expect(defaultClientId('h', a.ROLE, a.INSTANCE)).toBe('civitas-h-web_ingest-0');
    expect(defaultClientId('h', b.ROLE, b.INSTANCE)).toBe('civitas-h-web_ingest-0');
  });

  it('refuses an INSTANCE that does not fit a client id', () => {
    expect(() => loadConfig({ INSTANCE: 'a/b' })).toThrow(ConfigError);
    expect(() => loadConfig({ INSTANCE: 'x'.repeat(33) })).toThrow(ConfigError);
  });
});
