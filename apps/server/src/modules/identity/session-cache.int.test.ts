import { sql } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../../app.js';
import { openDatabase, type Database } from '../../platform/db/database.js';
import type { App } from '../../platform/http/http-server.js';
import { createServices, type Services } from '../../services.js';
import { Client, createTestApp, type TestApp } from '../../test-support/test-app.js';
import { testPostgresUrl } from '../../test-support/test-database.js';
import { IdentityRepository } from './identity.repository.js';

/**
 * Signed-in actors and list scopes are kept in memory per process. These tests run two server
 * instances on one database (on PostgreSQL with separate connection pools, as two processes
 * would; PGlite is single-process, so there they share its one connection) and check that a
 * change made through either, or straight in the database, applies to the very next request.
 */
let a: TestApp;
let b: { app: App; services: Services };
let second: Database;

beforeAll(async () => {
  a = await createTestApp();
  if (a.services.database.engine === 'postgres') {
    const { name } = (
      await sql<{ name: string }>`SELECT current_database() AS name`.execute(a.services.database.db)
    ).rows[0]!;
    const url = new URL(testPostgresUrl);
    url.pathname = `/${name}`;
    second = await openDatabase({ engine: 'postgres', url: url.toString(), poolSize: 3 });
  } else second = a.services.database;
  const services = createServices({
    config: a.config,
    database: second,
    cipher: a.services.cipher,
    logger: pino({ level: 'silent' }),
  });
  const app = await buildApp(a.config, services, { webRoot: null });
  await app.ready();
  b = { app, services };
});

afterAll(async () => {
  await b.app.close();
  if (second !== a.services.database) await second.close();
});

/** The same browser session, sent to the second instance. */
const onB = (c: Client) => new Client(b.app, c.cookie, c.csrf);

describe('session cache', () => {
  it('serves repeated requests from memory on both instances', async () => {
    const c = await a.login('gw1');
    expect((await c.get('/api/v1/auth/me')).statusCode).toBe(200);
    expect((await onB(c).get('/api/v1/auth/me')).statusCode).toBe(200);
    // Both instances' repositories: a load on either is a call on the prototype.
    const loads = vi.spyOn(IdentityRepository.prototype, 'findSession');
    try {
      for (let i = 0; i < 3; i++) {
        expect((await c.get('/api/v1/residents')).statusCode).toBe(200);
        expect((await onB(c).get('/api/v1/residents')).statusCode).toBe(200);
      }
      expect(loads).not.toHaveBeenCalled();
    } finally {
      loads.mockRestore();
    }
  });

  it('refuses a cached session at once when the user is disabled on the other instance', async () => {
    const victim = await a.login('gw2');
    expect((await victim.get('/api/v1/residents')).statusCode).toBe(200);
    expect((await onB(victim).get('/api/v1/residents')).statusCode).toBe(200);
    const admin = onB(await a.login('admin'));
    const { id } = (await a.services.users.findByUsername('gw2'))!;
    expect((await admin.post(`/api/v1/users/${id}/disable`)).statusCode).toBe(204);
    expect((await victim.get('/api/v1/residents')).statusCode).toBe(401);
    expect((await onB(victim).get('/api/v1/residents')).statusCode).toBe(401);
    expect((await admin.post(`/api/v1/users/${id}/enable`)).statusCode).toBe(204);
  });

  it('ends the session on both instances after logout on one', async () => {
    const c = await a.login('street1');
    expect((await onB(c).get('/api/v1/auth/me')).statusCode).toBe(200);
    expect((await c.post('/api/v1/auth/logout')).statusCode).toBe(204);
    expect((await onB(c).get('/api/v1/auth/me')).statusCode).toBe(401);
  });

  it('applies a grant removed straight in the database to the next request', async () => {
    const c = await a.login('ca2');
    expect((await c.get('/api/v1/residents')).statusCode).toBe(200);
    expect((await onB(c).get('/api/v1/residents')).statusCode).toBe(200);
    // As the operator CLI or another process would: no Civitas code path, only the database.
    const { id } = (await a.services.users.findByUsername('ca2'))!;
    await sql`DELETE FROM role_grants WHERE user_id = ${id}`.execute(second.db);
    expect((await c.get('/api/v1/residents')).statusCode).toBe(403);
    expect((await onB(c).get('/api/v1/residents')).statusCode).toBe(403);
  });

  it('drops a moved grid from a community list at once on both instances', async () => {
    const gw = await a.login('gw1');
    const created = await gw.post('/api/v1/residents', { name: '周五', gridId: a.units.get('G1')!.id });
    expect(created.statusCode).toBe(201);
    const residentId: string = created.json().id;
    const ca1 = await a.login('ca1');
    const listed = async (c: Client) =>
      ((await c.get('/api/v1/residents?limit=200')).json().items as { id: string }[]).map((r) => r.id);
    expect(await listed(ca1)).toContain(residentId);
    expect(await listed(onB(ca1))).toContain(residentId);
    const admin = await a.login('admin');
    const g1 = (await admin.get(`/api/v1/org-units/${a.units.get('G1')!.id}`)).json();
    // G1's boundary lies in C1 and could not move into C2 (ADR 0037); without one it may.
    const cleared = await admin.patch(`/api/v1/org-units/${g1.id}`, { version: g1.version, boundary: null });
    expect(cleared.statusCode).toBe(200);
    const moved = await admin.post(`/api/v1/org-units/${g1.id}/move`, {
      newParentId: a.units.get('C2')!.id,
      version: cleared.json().version,
    });
    expect(moved.statusCode).toBe(200);
    expect(await listed(ca1)).not.toContain(residentId);
    expect(await listed(onB(ca1))).not.toContain(residentId);
    expect((await ca1.get(`/api/v1/residents/${residentId}`)).statusCode).toBe(404);
    expect((await onB(ca1).get(`/api/v1/residents/${residentId}`)).statusCode).toBe(404);
  });
});
