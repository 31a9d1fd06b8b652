import { randomBytes } from 'node:crypto';
import mqtt from 'mqtt';
import pino from 'pino';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import { CASE_CONTACT_AAD } from '../modules/cases/desk/case-contact.js';
import { DeviceSecrets } from '../modules/devices/device-secrets.js';
import { TOTP_AAD } from '../modules/identity/auth.service.js';
import { openContact, sealContact } from '../modules/open311/open311-contact.js';
import {
  phoneIndex,
  idNumberIndex,
  nameIndex,
  sealResident,
  AAD,
} from '../modules/registry/resident-sealing.js';
import { EmbeddedBroker } from '../modules/telemetry/doors/embedded-broker.js';
import { archiveAuditRoots } from '../platform/audit/audit-key-archive.js';
import type { RequestContext } from '../platform/auth/actor.js';
import { FieldCipher } from '../platform/crypto/field-cipher.js';
import { checkKeyring, KeyMismatchError } from '../platform/crypto/key-check.js';
import type { App } from '../platform/http/http-server.js';
import { createServices, type Services } from '../services.js';
import { report } from '../test-support/case-fixtures.js';
import { FIXTURE_PASSWORD } from '../test-support/fixtures.js';
import { Client, createTestApp, type TestApp } from '../test-support/test-app.js';
import { ROTATED_TABLES, UNKEYED_DIGESTS } from './key-rotation-columns.js';
import { rotateKeys } from './key-rotation.js';
import { keyStatus } from './key-status.js';

const K1 = randomBytes(32);
const K2 = randomBytes(32);
const RESIDENTS = 30;
const ID_NUMBER = '11010519491231002X';
const TOTP_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const operator: RequestContext = { actor: null, requestId: 'key-rotation-test', ip: 'cli' };
const logger = pino({ level: 'silent' });

let t: TestApp;
let caseId: string;
let device: { id: string; token: string };
let group: { id: string; apikey: string };
const phone = (i: number) => `1380000${String(i).padStart(4, '0')}`;

/** Another process over the same database with its own keyring, as a restarted server would be. */
async function processWith(cipher: FieldCipher): Promise<{ services: Services; app: App }> {
  await checkKeyring(t.services.database.db, cipher);
  await archiveAuditRoots(t.services.database.db, cipher);
  const services = createServices({ config: t.config, database: t.services.database, cipher, logger });
  const app = await buildApp(t.config, services, { webRoot: null, strictContract: true });
  await app.ready();
  afterAll(() => app.close());
  return { services, app };
}

async function login(app: App, username: string): Promise<Client> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { username, password: FIXTURE_PASSWORD },
  });
  expect(res.statusCode, res.body).toBe(200);
  const cookie = res.cookies.find((c) => c.name === 'civitas_session')!;
  return new Client(
    app,
    `civitas_session=${cookie.value}`,
    res.json<{ me: { csrfToken: string } }>().me.csrfToken,
  );
}

const search = (c: Client, field: 'phone' | 'idNumber', value: string) =>
  c.post('/api/v1/residents/search', { field, value, reason: 'household visit' });
const byName = async (c: Client, name: string) => {
  const res = await c.post('/api/v1/residents/name-search', { name });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ items: unknown[] }>().items;
};

beforeAll(async () => {
  t = await createTestApp({}, { cipher: new FieldCipher(K1) });
  const db = t.services.database.db;
  // What openRuntime does at every start: the database learns the key it is written with.
  await checkKeyring(db, t.cipher);
  const g1 = t.units.get('G1')!.id;
  const flags = { elderlyLivingAlone: false, disability: false, child: false, needsAssistance: false };
  await db
    .insertInto('residents')
    .values(
      Array.from({ length: RESIDENTS }, (_, i) =>
        sealResident(
          t.cipher,
          {
            name: `居民${i}`,
            phone: phone(i),
            idNumber: i === 0 ? ID_NUMBER : null,
            birthDate: null,
            gender: 'unknown',
            flags,
          },
          { orgUnitId: g1, buildingId: null, householdId: null },
        ),
      ),
    )
    .execute();
  const gw1 = await t.login('gw1');
  const r = await report(gw1, {
    channel: 'hotline',
    title: 'Caller: broken streetlight',
    contact: { name: '张三丰', phone: '138 0013 8000' },
  });
  expect(r.statusCode, r.body).toBe(201);
  caseId = r.json().id;
  // The Open311 module keeps its tables to itself: seeded here with the module's own sealing.
  const key = (
    await sql<{ id: string }>`INSERT INTO open311_api_keys (name, prefix, key_hash, org_unit_id)
      VALUES ('city app', 'k', ${randomBytes(32).toString('hex')}, ${g1}) RETURNING id`.execute(db)
  ).rows[0]!;
  const contact = sealContact(t.cipher, caseId, { email: 'li@example.org', phone: '13900001111' } as never);
  await sql`INSERT INTO open311_requests (case_id, api_key_id, contact_enc)
    VALUES (${caseId}, ${key.id}, ${contact})`.execute(db);
  const ca1 = await t.login('ca1');
  const d = await ca1.post('/api/v1/devices', {
    code: 'KR-1',
    name: 'rotation',
    profile: 'air-quality',
    location: { type: 'Point', coordinates: [113.82, 22.55] },
  });
  expect(d.statusCode, d.body).toBe(201);
  device = d.json();
  const g = await ca1.post('/api/v1/api-key-groups', { name: 'fiware', orgUnitId: t.units.get('C1')!.id });
  expect(g.statusCode, g.body).toBe(201);
  group = g.json();
  await db
    .updateTable('users')
    .set({ totp_secret_enc: t.cipher.encrypt(TOTP_SECRET, TOTP_AAD) })
    .where('username', '=', 'ca1')
    .execute();
  // A value as installations before key ids hold it (`v1.`, no key id): the walk must find it too.
  await sql`UPDATE residents SET name_enc = 'v1.' || split_part(name_enc, '.', 3)
    WHERE phone_hash = ${phoneIndex(t.cipher, phone(5))}`.execute(db);
  await archiveAuditRoots(db, t.cipher);
  expect((await t.services.audit.verify()).ok).toBe(true);
});

describe('SECRET_KEY rotation', () => {
  let during: { services: Services; app: App };

  it('serves with both keys while a killed walk is resumed', async () => {
    const db = t.services.database.db;
    during = await processWith(new FieldCipher(K2, [K1]));
    const before = await keyStatus(db, during.services.cipher);
    expect(before.columns.find((c) => c.column === 'residents.name_enc')!.byKey).toEqual({
      v1: 1,
      [t.cipher.fingerprint]: RESIDENTS - 1,
    });
    const gw1 = await login(during.app, 'gw1');
    // Before the walk every index is under K1: the lookup under both keys still finds it.
    let found = await search(gw1, 'phone', phone(3));
    expect(found.statusCode, found.body).toBe(200);
    expect(found.json().items).toHaveLength(1);

    // The "ID number already held in your area" check finds a holder indexed under the old key.
    const dup = await gw1.post('/api/v1/residents', {
      name: '重复',
      idNumber: ID_NUMBER,
      gridId: t.units.get('G1')!.id,
    });
    expect(dup.statusCode, dup.body).toBe(409);
    expect(dup.json()).toMatchObject({ code: 'id_number_taken' });

    let batches = 0;
    await expect(
      rotateKeys(db, during.services.cipher, during.services.audit, operator, {
        batchSize: 7,
        onBatch: () => {
          if (++batches === 3) throw new Error('killed');
        },
      }),
    ).rejects.toThrow('killed');
    const progress = await db
      .selectFrom('key_rotation_progress')
      .selectAll()
      .where('table_name', '=', 'residents')
      .executeTakeFirstOrThrow();
    expect(Number(progress.scanned)).toBe(21);
    expect(progress.finished_at).toBeNull();
    const k2 = during.services.cipher.fingerprint;
    const under = await db.selectFrom('residents').select('name_enc').execute();
    expect(under.filter((r) => r.name_enc.startsWith(`v2.${k2}.`))).toHaveLength(21);
    // Half-way: rows under either key are found, by identifier and by name (ADR 0045).
    for (const i of [0, 29]) {
      found = await search(gw1, 'phone', phone(i));
      expect(found.json().items, `resident ${i}`).toHaveLength(1);
      expect(await byName(gw1, `居民${i}`), `resident ${i} by name`).toHaveLength(1);
    }
    expect((await keyStatus(db, during.services.cipher)).previousRemovable).toBe(false);

    const results = await rotateKeys(db, during.services.cipher, during.services.audit, operator, {
      batchSize: 7,
    });
    const residents = results.find((r) => r.table === 'residents')!;
    expect(residents).toMatchObject({ scanned: RESIDENTS, rewritten: RESIDENTS, resumed: true });
    expect(results.find((r) => r.table === 'devices')!.rewritten).toBeGreaterThanOrEqual(1);
    const status = await keyStatus(db, during.services.cipher);
    expect(status.columns.find((c) => c.column === 'residents.name_enc')!.byKey).toEqual({ [k2]: RESIDENTS });
    expect(status.previousRemovable).toBe(true);
    const actions = (
      await db.selectFrom('audit_log').select('action').where('action', 'like', 'key.rotation%').execute()
    ).map((r) => r.action);
    expect(actions.filter((a) => a === 'key.rotation_started')).toHaveLength(2);
    expect(actions).toContain('key.rotation_finished');
    expect(actions.filter((a) => a === 'key.rotation_table')).toHaveLength(ROTATED_TABLES.length);
  });

  describe('with only the new key', () => {
    let after: { services: Services; app: App };
    const cipher = new FieldCipher(K2);
    beforeAll(async () => {
      after = await processWith(cipher);
    });

    it('reads every personal field and finds residents by identifier', async () => {
      const rows = await t.services.database.db.selectFrom('residents').selectAll().execute();
      expect(rows).toHaveLength(RESIDENTS);
      for (const r of rows) {
        const p = cipher.decrypt(r.phone_enc!, AAD.phone);
        const name = cipher.decrypt(r.name_enc, AAD.name);
        expect(name).toMatch(/^居民\d+$/);
        expect(r.phone_hash).toBe(phoneIndex(cipher, p));
        // The name index is re-keyed: it is the new key's, none of the old key's digests remain.
        expect(r.name_index).toEqual(nameIndex(cipher, name));
        expect(r.name_index).not.toEqual(nameIndex(new FieldCipher(K1), name));
        if (r.id_number_enc)
          expect(r.id_number_hash).toBe(idNumberIndex(cipher, cipher.decrypt(r.id_number_enc, AAD.idNumber)));
      }
      const gw1 = await login(after.app, 'gw1');
      expect((await search(gw1, 'phone', phone(17))).json().items).toHaveLength(1);
      expect((await search(gw1, 'idNumber', ID_NUMBER)).json().items).toHaveLength(1);
      expect(await byName(gw1, '居民17')).toHaveLength(1);
      const reveal = await gw1.post(`/api/v1/cases/${caseId}/contact/reveal`, {
        field: 'name',
        reason: 'call back',
      });
      expect(reveal.statusCode, reveal.body).toBe(200);
      expect(JSON.stringify(reveal.json())).toContain('张三丰');
      const o311 = (
        await sql<{ contact_enc: string }>`SELECT contact_enc FROM open311_requests`.execute(
          t.services.database.db,
        )
      ).rows[0]!;
      expect(openContact(cipher, caseId, o311.contact_enc).email).toBe('li@example.org');
      const user = await t.services.database.db
        .selectFrom('users')
        .select('totp_secret_enc')
        .where('username', '=', 'ca1')
        .executeTakeFirstOrThrow();
      expect(cipher.decrypt(user.totp_secret_enc!, TOTP_AAD)).toBe(TOTP_SECRET);
      const secrets = new DeviceSecrets(t.services.database.db, cipher);
      expect(await secrets.token(device.id)).toBe(device.token);
      expect(await secrets.apikey(group.id)).toBe(group.apikey);
      const contact = (
        await sql<{ p: string }>`SELECT contact_phone_enc AS p FROM cases WHERE id = ${caseId}`.execute(
          t.services.database.db,
        )
      ).rows[0]!;
      expect(cipher.decrypt(contact.p, CASE_CONTACT_AAD.phone)).toMatch(/8000$/);
    });

    it('lets an existing device connect over MQTT', async () => {
      const broker = new EmbeddedBroker(
        after.services.directory,
        after.services.router,
        after.services.bus,
        logger,
      );
      const port = await broker.start({ port: 0, host: '127.0.0.1', portAttempts: 0 });
      try {
        const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, {
          username: device.token,
          reconnectPeriod: 0,
        });
        await c.publishAsync('v1/devices/me/telemetry', JSON.stringify({ pm25: 12 }), { qos: 1 });
        await c.endAsync();
        const n = await t.services.database.db
          .selectFrom('telemetry')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('device_id', '=', device.id)
          .executeTakeFirstOrThrow();
        expect(Number(n.n)).toBeGreaterThanOrEqual(1);
      } finally {
        await broker.close();
      }
    });

    it('verifies the whole audit chain, history keyed by the old key included', async () => {
      await after.services.audit.record(operator, { action: 'test.after_rotation' });
      const rekeyed = await t.services.database.db
        .selectFrom('audit_log')
        .select(['seq', 'detail'])
        .where('action', '=', 'audit.chain_rekeyed')
        .execute();
      expect(rekeyed.length).toBeGreaterThanOrEqual(1);
      const r = await after.services.audit.verify();
      expect(r, r.reason ?? '').toMatchObject({ ok: true });
      // Without the archived root the old entries cannot be checked: the archive is what vouches.
      await sql`DELETE FROM audit_chain_keys`.execute(t.services.database.db);
      const without = await after.services.audit.verify();
      expect(without.ok).toBe(false);
      expect(without.reason).toMatch(/not|neither/);
      await archiveAuditRoots(t.services.database.db, new FieldCipher(K2, [K1]));
      expect((await after.services.audit.verify()).ok).toBe(true);
    });

    it('refuses to start with only the old key, or with a stranger key, naming the setting', async () => {
      const db = t.services.database.db;
      await expect(checkKeyring(db, new FieldCipher(K1))).rejects.toThrow(/rotated away from/);
      const stranger = checkKeyring(db, new FieldCipher(randomBytes(32)));
      await expect(stranger).rejects.toBeInstanceOf(KeyMismatchError);
      await expect(checkKeyring(db, new FieldCipher(randomBytes(32)))).rejects.toThrow(/does not match/);
      await expect(checkKeyring(db, new FieldCipher(randomBytes(32), [randomBytes(32)]))).rejects.toThrow(
        /SECRET_KEY_PREVIOUS/,
      );
    });

    it('covers every column holding a sealed value or a keyed digest', async () => {
      const db = t.services.database.db;
      const columns = (
        await sql<{ table_name: string; column_name: string }>`SELECT table_name, column_name
          FROM information_schema.columns c
          WHERE table_schema = 'public' AND (data_type = 'text' OR (data_type = 'ARRAY' AND udt_name = '_text'))
            AND EXISTS (SELECT 1 FROM information_schema.tables x
              WHERE x.table_schema = 'public' AND x.table_name = c.table_name AND x.table_type = 'BASE TABLE')`.execute(
          db,
        )
      ).rows;
      const sealed = new Set(ROTATED_TABLES.flatMap((t) => t.sealed.map((s) => `${t.table}.${s.column}`)));
      const indexes = new Set(ROTATED_TABLES.flatMap((t) => t.indexes.map((i) => `${t.table}.${i.column}`)));
      const seen = { sealed: new Set<string>(), digests: new Set<string>() };
      for (const { table_name, column_name } of columns) {
        const name = `${table_name}.${column_name}`;
        // A text[] column (the name index) is scanned element by element.
        const array = (
          await sql<{ a: boolean }>`SELECT data_type = 'ARRAY' AS a FROM information_schema.columns
            WHERE table_schema = 'public' AND table_name = ${table_name} AND column_name = ${column_name}`.execute(
            db,
          )
        ).rows[0]!.a;
        const c = array ? sql`e` : sql.ref(column_name);
        const from = array
          ? sql`${sql.table(table_name)} CROSS JOIN LATERAL unnest(${sql.ref(column_name)}) AS e`
          : sql.table(table_name);
        const r = (
          await sql<{ s: boolean; d: boolean }>`SELECT
              bool_or(${c} LIKE 'v1.%' OR ${c} LIKE 'v2.%') AS s,
              bool_or(${c} ~ '^[0-9a-f]{64}$') AS d
            FROM ${from}`.execute(db)
        ).rows[0];
        if (r?.s) seen.sealed.add(name);
        if (r?.d) seen.digests.add(name);
      }
      for (const name of seen.sealed) expect(sealed, `${name} holds ciphertext`).toContain(name);
      for (const name of seen.digests)
        expect(indexes.has(name) || UNKEYED_DIGESTS.has(name), `${name} holds a digest`).toBe(true);
      // The seed reaches every registered column, so the scan above could have failed.
      for (const name of sealed) expect(seen.sealed, `${name} was seeded`).toContain(name);
      expect(seen.digests, 'the text[] name index was scanned').toContain('residents.name_index');
    });
  });
});
