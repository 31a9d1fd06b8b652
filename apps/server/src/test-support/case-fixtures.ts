import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import type { Actor } from '../platform/auth/actor.js';
import type { Client, TestApp } from './test-app.js';
import { CasesRepository } from '../modules/cases/cases.repository.js';
import { withCaseTables } from '../modules/cases/cases.tables.js';

/** Points inside the fixture grids (test-support/fixtures.ts): G1 and G2 in community C1, G3 in C2. */
export const at = {
  G1: [113.82, 22.55] as [number, number],
  G2: [113.87, 22.55] as [number, number],
  G3: [113.85, 22.65] as [number, number],
  outside: [100.5, 30.5] as [number, number],
};

export function report(client: Client, over: Record<string, unknown> = {}): Promise<LightMyRequestResponse> {
  return client.post('/api/v1/cases', {
    channel: 'resident_report',
    category: 'road_facility.pothole',
    title: 'Pothole outside building 3',
    description: 'About 40 cm wide, a cyclist nearly fell.',
    location: { type: 'Point', coordinates: at.G1 },
    ...over,
  });
}

export const act = (client: Client, id: string, body: Record<string, unknown>) =>
  client.post(`/api/v1/cases/${id}/actions`, body);

/** What the attachment storage writes for an uploaded photo; the workflow only counts these rows. */
export async function attachPhoto(t: TestApp, caseId: string, userId: string | null): Promise<void> {
  await sql`INSERT INTO case_attachments (case_id, storage_key, mime, size, sha256, purpose, created_by)
    VALUES (${caseId}, ${`cases/${caseId}/${Math.random().toString(36).slice(2)}.jpg`}, 'image/jpeg', 2048,
      ${'0'.repeat(64)}, 'resolution', ${userId})`.execute(t.services.database.db);
}

export async function userId(t: TestApp, username: string): Promise<string> {
  const u = await t.services.database.db
    .selectFrom('users')
    .select('id')
    .where('username', '=', username)
    .executeTakeFirst();
  if (!u) throw new Error(`no user ${username}`);
  return u.id;
}

/** The case center's repository over a test app's database, for reading rows as they are stored. */
export function casesRepository(t: TestApp): CasesRepository {
  return new CasesRepository(withCaseTables(t.services.db));
}

export async function caseRow(t: TestApp, id: string) {
  return casesRepository(t).find(id);
}

/** The actor a signed-in user is, resolved the way every request resolves it. */
export async function actorOf(t: TestApp, username: string): Promise<Actor> {
  const client = await t.login(username);
  const token = client.cookie.replace(/^civitas_session=/, '');
  const actor = await t.services.auth.authenticate({
    sessionToken: token,
    bearerToken: undefined,
    ip: '127.0.0.1',
  });
  if (!actor) throw new Error(`cannot resolve ${username}`);
  return actor;
}

/** A resident's pothole report in G1 through the service (the property tests' starting case). */
export function reportPothole(t: TestApp, resident: Actor, title: string) {
  return t.services.cases.intake(
    { actor: resident, requestId: 'prop', ip: '127.0.0.1' },
    {
      channel: 'resident_report',
      category: 'road_facility.pothole',
      title,
      description: '',
      lat: at.G1[1],
      lng: at.G1[0],
      address: null,
      attributes: {},
      sourceRef: null,
      reporterId: resident.userId,
    },
    null,
  );
}
