import { randomBytes } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import pino from 'pino';
import { afterAll } from 'vitest';
import { buildApp } from '../app.js';
import { loadConfig, type Config } from '../config.js';
import type { Clock } from '../modules/cases/case-clock.js';
import { FieldCipher } from '../platform/crypto/field-cipher.js';
import { openDatabase } from '../platform/db/database.js';
import type { App } from '../platform/http/http-server.js';
import { createServices, type Services } from '../services.js';
import { FIXTURE_PASSWORD, seedFixture } from './fixtures.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

export interface TestApp {
  app: App;
  services: Services;
  config: Config;
  /** The personal-field key, for a second process over the same database (createSiblingApp). */
  cipher: FieldCipher;
  units: Awaited<ReturnType<typeof seedFixture>>;
  login(username: string, password?: string): Promise<Client>;
}

/** The real application over a fresh database (engine per TEST_DB), seeded with the fixture tree. */
export async function createTestApp(
  env: Record<string, string> = {},
  opts: { clock?: Clock; logger?: pino.Logger; cipher?: FieldCipher } = {},
): Promise<TestApp> {
  const database = await createTestDatabase();
  const config = testConfig(env);
  const cipher = opts.cipher ?? new FieldCipher(randomBytes(32));
  const services = createServices({
    config,
    database,
    cipher,
    logger: opts.logger ?? testLogger(),
    ...(opts.clock ? { clock: opts.clock } : {}),
  });
  // Strict: any answer that breaks its endpoint's contract becomes a 500 naming the breach.
  const app = await buildApp(config, services, { webRoot: null, strictContract: true });
  await app.ready();
  await services.devices.ensureBuiltinProfiles();
  const units = await seedFixture(services);
  return {
    app,
    services,
    config,
    cipher,
    units,
    login: async (username, password = FIXTURE_PASSWORD) => {
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username, password },
      });
      if (res.statusCode !== 200) throw new Error(`login ${username} failed: ${res.statusCode} ${res.body}`);
      const body = res.json<{ me: { csrfToken: string } }>();
      const cookie = res.cookies.find((c) => c.name === 'civitas_session');
      if (!cookie) throw new Error('no session cookie');
      return new Client(app, `civitas_session=${cookie.value}`, body.me.csrfToken);
    },
  };
}

const testConfig = (env: Record<string, string>) =>
  loadConfig({ DATA_DIR: '/nonexistent', LOG_LEVEL: 'silent', REQUIRE_ADMIN_MFA: 'false', ...env });
const testLogger = () => pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

/**
 * A second server process over the same database as `t`, as a cluster runs them: its own services,
 * counters and HTTP app, and on PostgreSQL its own connection pool (PGlite is one process, so
 * there it shares the connection). Nothing is kept in memory between the two. Closed after the file.
 */
export async function createSiblingApp(t: TestApp, env: Record<string, string> = {}): Promise<App> {
  const url = (t.services.database as TestDatabase).url;
  const database = url ? await openDatabase({ engine: 'postgres', url, poolSize: 3 }) : t.services.database;
  const config = testConfig(env);
  const services = createServices({ config, database, cipher: t.cipher, logger: testLogger() });
  const app = await buildApp(config, services, { webRoot: null, strictContract: true });
  await app.ready();
  afterAll(async () => {
    await app.close();
    if (url) await database.close();
  });
  return app;
}

/** A signed-in browser: sends the session cookie and the CSRF header like the web app does. */
export class Client {
  constructor(
    readonly app: App,
    readonly cookie: string,
    readonly csrf: string,
  ) {}

  request(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    payload?: unknown,
  ): Promise<LightMyRequestResponse> {
    return this.app.inject({
      method,
      url,
      headers: { cookie: this.cookie, ...(method === 'GET' ? {} : { 'x-csrf-token': this.csrf }) },
      ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
    });
  }
  /** Posts one file as multipart/form-data field "file", as the import form does. */
  upload(url: string, content: Buffer | string, fileName = 'upload.csv'): Promise<LightMyRequestResponse> {
    const boundary = '----civitas-test';
    const body = Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: text/csv\r\n\r\n`,
      ),
      Buffer.isBuffer(content) ? content : Buffer.from(content),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    return this.app.inject({
      method: 'POST',
      url,
      headers: {
        cookie: this.cookie,
        'x-csrf-token': this.csrf,
        'content-type': `multipart/form-data; boundary=${boundary}`,
      },
      payload: body,
    });
  }

  get = (url: string) => this.request('GET', url);
  post = (url: string, payload?: unknown) => this.request('POST', url, payload ?? {});
  patch = (url: string, payload: unknown) => this.request('PATCH', url, payload);
  put = (url: string, payload: unknown) => this.request('PUT', url, payload);
  delete = (url: string) => this.request('DELETE', url);
}
