import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config.js';
import { fileStoreWarning } from './open-file-store.js';

const onPostgres = { DATABASE_URL: 'postgres://db/civitas', SECRET_KEY: 'a'.repeat(64) };

describe('FILE_STORE', () => {
  it('is local unless set, and accepts database on DATABASE_URL', () => {
    expect(loadConfig({}).FILE_STORE).toBe('local');
    expect(loadConfig({ ...onPostgres, FILE_STORE: 'database' }).FILE_STORE).toBe('database');
  });

  it.each([
    [{ FILE_STORE: 'database' }, /database needs DATABASE_URL/],
    [{ ...onPostgres, FILE_STORE: 's3' }, /must be local or database/],
  ])('refuses %o at start, naming FILE_STORE', (env, problem) => {
    const err = (() => {
      try {
        loadConfig(env);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect(err).toMatchObject({ variable: 'FILE_STORE' });
    expect((err as ConfigError).message).toMatch(problem);
  });

  it.each([
    [{ ...onPostgres, ROLE: 'web' }, true],
    [{ ...onPostgres, ROLE: 'web,jobs' }, true],
    [{ ...onPostgres, MQTT_URL: 'mqtt://broker:1883' }, true],
    // One process that does everything, a process without HTTP, embedded storage: nothing to warn of.
    [{ ...onPostgres }, false],
    [{ ...onPostgres, ROLE: 'ingest,jobs' }, false],
    [{}, false],
    [{ ...onPostgres, ROLE: 'web', FILE_STORE: 'database' }, false],
  ])('warns a cluster process serving HTTP on local storage: %o -> %s', (env, warns) => {
    const warning = fileStoreWarning(loadConfig(env));
    if (warns) expect(warning).toMatch(/^FILE_STORE=local in a cluster: .* set FILE_STORE=database$/);
    else expect(warning).toBeNull();
  });
});
