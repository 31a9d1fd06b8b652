import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import pino from 'pino';
import { beforeAll, describe, expect, it } from 'vitest';
import { asDatabaseAttacker, rehashFrom } from '../../test-support/audit-attacker.js';
import { createTestDatabase } from '../../test-support/test-database.js';
import type { Database } from '../db/database.js';
import { chainHash, GENESIS_HASH, KEYED_MARKER_ACTION } from './audit-chain.js';
import { AuditCheckpointJob } from './audit-checkpoint.job.js';
import { CheckpointStore } from './audit-checkpoints.js';
import { deriveAuditKeys } from './audit-keys.js';
import { AuditLog } from './audit-log.js';

const ctx = { actor: null, requestId: 'keyed-chain-test', ip: '127.0.0.1' };
const silent = pino({ level: 'silent' });

let shared: Database;
beforeAll(async () => {
  shared = await createTestDatabase();
});

/** An empty chain: one migrated database for the file, its audit tables emptied per test. */
async function emptyDatabase(): Promise<Database> {
  await asDatabaseAttacker(shared.db, async (db) => {
    await db.deleteFrom('audit_log').execute();
    await db.updateTable('audit_head').set({ seq: 0, hash: GENESIS_HASH }).where('id', '=', 1).execute();
  });
  return shared;
}

/** One process's view: its database, keys from its SECRET_KEY, and its checkpoint directory. */
async function fresh(database?: Database) {
  const db = database ?? (await emptyDatabase());
  const keys = deriveAuditKeys(randomBytes(32));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'civitas-checkpoints-'));
  const store = new CheckpointStore(dir, keys.checkpoint);
  const audit = new AuditLog(db.db, keys, store);
  const job = new AuditCheckpointJob(audit, store, silent);
  const record = async (n: number, action = 'test.row') => {
    for (let i = 0; i < n; i++) await audit.record(ctx, { action, detail: { i } });
  };
  // The same database and keys with no checkpoints: what the chain alone can tell.
  const withoutCheckpoints = () => new AuditLog(db.db, keys, null);
  return { database: db, db: db.db, keys, dir, store, audit, job, record, withoutCheckpoints };
}

describe('keyed audit chain', () => {
  it('starts a new chain with the keyed marker and verifies honestly written rows', async () => {
    const p = await fresh();
    await Promise.all(
      Array.from({ length: 30 }, (_, i) => p.audit.record(ctx, { action: 'test.row', detail: { i } })),
    );
    const first = await p.db
      .selectFrom('audit_log')
      .selectAll()
      .where('seq', '=', 1)
      .executeTakeFirstOrThrow();
    expect(first.action).toBe(KEYED_MARKER_ACTION);
    expect(first.detail).toEqual({ algorithm: 'HMAC-SHA-256', keyId: p.keys.chainKeyId });
    expect(await p.job.run()).toMatchObject({ seq: 31, keyedFrom: 1 });
    // Nothing moved: no second line.
    expect(await p.job.run()).toBeNull();
    expect(await p.audit.verify()).toMatchObject({
      ok: true,
      checked: 31,
      keyedFrom: 1,
      problem: null,
      checkpoints: { total: 1, matched: 1, unreadable: 0, latestSeq: 31 },
    });
  });

  it('catches a row edited and the chain re-hashed with plain SHA-256 or a wrong key', async () => {
    const p = await fresh();
    await p.record(10);
    await asDatabaseAttacker(p.db, (db) =>
      db.updateTable('audit_log').set({ actor_name: 'someone-else' }).where('seq', '=', 5).execute(),
    );
    await rehashFrom(p.db, 5, null);
    expect(await p.withoutCheckpoints().verify()).toMatchObject({
      ok: false,
      firstBadSeq: 5,
      problem: 'content_mismatch',
    });
    await rehashFrom(p.db, 5, randomBytes(32));
    expect(await p.withoutCheckpoints().verify()).toMatchObject({ ok: false, firstBadSeq: 5 });
    // Only the key makes the difference: re-hashed with it, the same edit would pass.
    await rehashFrom(p.db, 5, p.keys.chain);
    expect((await p.withoutCheckpoints().verify()).ok).toBe(true);
  });

  it('catches a tail cut back with the head moved, through the signed checkpoint', async () => {
    const p = await fresh();
    await p.record(10);
    expect(await p.job.run()).toMatchObject({ seq: 11 });
    const keep = await p.db
      .selectFrom('audit_log')
      .select(['seq', 'hash'])
      .where('seq', '=', 6)
      .executeTakeFirstOrThrow();
    await asDatabaseAttacker(p.db, async (db) => {
      await db.deleteFrom('audit_log').where('seq', '>', 6).execute();
      await db
        .updateTable('audit_head')
        .set({ seq: keep.seq, hash: keep.hash })
        .where('id', '=', 1)
        .execute();
    });
    // The chain alone is consistent again...
    expect((await p.withoutCheckpoints().verify()).ok).toBe(true);
    // ...but a checkpoint saw entry 11.
    expect(await p.audit.verify()).toMatchObject({
      ok: false,
      problem: 'checkpoint_ahead',
      firstBadSeq: 7,
      checkpoints: { total: 1, latestSeq: 11 },
    });
    // New rows filling the gap carry other hashes than the checkpoint recorded for entry 11.
    const later = new AuditLog(p.db, p.keys, p.store);
    for (let i = 0; i < 6; i++) await later.record(ctx, { action: 'test.after_cut' });
    expect(await later.verify()).toMatchObject({
      ok: false,
      problem: 'checkpoint_mismatch',
      firstBadSeq: 11,
    });
  });

  it('anchors what this process wrote even when the database no longer holds it', async () => {
    const p = await fresh();
    await p.record(8);
    await asDatabaseAttacker(p.db, async (db) => {
      const keep = await db
        .selectFrom('audit_log')
        .select(['seq', 'hash'])
        .where('seq', '=', 4)
        .executeTakeFirstOrThrow();
      await db.deleteFrom('audit_log').where('seq', '>', 4).execute();
      await db
        .updateTable('audit_head')
        .set({ seq: keep.seq, hash: keep.hash })
        .where('id', '=', 1)
        .execute();
    });
    // The first checkpoint is written after the cut, yet it records entry 9, which this process wrote.
    expect(await p.job.run()).toMatchObject({ seq: 9 });
    expect(await p.audit.verify()).toMatchObject({ ok: false, problem: 'checkpoint_ahead', firstBadSeq: 5 });
  });

  it('refuses forged checkpoint lines and only counts torn ones', async () => {
    const p = await fresh();
    await p.record(3);
    const cp = await p.job.run();
    const file = path.join(p.dir, `${cp!.at.slice(0, 10)}.jsonl`);
    fs.appendFileSync(file, '{"v":1,"seq":2,"ha');
    fs.appendFileSync(file, '\n');
    expect(await p.audit.verify()).toMatchObject({ ok: true, checkpoints: { total: 1, unreadable: 1 } });
    const forged = { ...cp!, v: 1, seq: 4, mac: 'ab'.repeat(32) };
    fs.appendFileSync(file, `${JSON.stringify(forged)}\n`);
    expect(await p.audit.verify()).toMatchObject({ ok: false, problem: 'checkpoint_forged' });
  });

  it('checkpoints from several processes sharing a directory all count', async () => {
    const p = await fresh();
    const other = new AuditLog(p.db, p.keys, p.store);
    const otherJob = new AuditCheckpointJob(other, p.store, silent);
    await p.record(3);
    await p.job.run();
    await other.record(ctx, { action: 'test.other' });
    await otherJob.run();
    expect(await p.audit.verify()).toMatchObject({ ok: true, checkpoints: { total: 2, matched: 2 } });
  });
});

describe('upgrading an unkeyed chain', () => {
  /** Rows as the writer before ADR 0022 made them: plain SHA-256, no marker. */
  async function writeUnkeyed(database: Database, n: number) {
    let prev = GENESIS_HASH;
    for (let seq = 1; seq <= n; seq++) {
      const f = {
        seq,
        at: new Date(Date.UTC(2026, 0, 1, 0, seq)),
        actorId: null,
        actorName: 'old-writer',
        actorRole: null,
        actorUnitId: null,
        action: 'test.legacy',
        targetType: null,
        targetId: null,
        targetUnitId: null,
        requestId: `legacy-${seq}`,
        ip: '127.0.0.1',
        detail: { seq },
      };
      const hash = chainHash(prev, f, null);
      await database.db
        .insertInto('audit_log')
        .values({
          seq,
          at: f.at,
          actor_name: f.actorName,
          action: f.action,
          request_id: f.requestId,
          ip: f.ip,
          detail: JSON.stringify(f.detail),
          prev_hash: prev,
          hash,
          actor_id: null,
          actor_role: null,
          actor_unit_id: null,
          target_type: null,
          target_id: null,
          target_unit_id: null,
        })
        .execute();
      prev = hash;
    }
    await database.db.updateTable('audit_head').set({ seq: n, hash: prev }).where('id', '=', 1).execute();
  }

  it('keeps the old rows verifiable and keys everything from a marker appended at the first write', async () => {
    const database = await emptyDatabase();
    await writeUnkeyed(database, 5);
    const p = await fresh(database);
    // Before any new write the chain is intact but not keyed.
    expect(await p.audit.verify()).toMatchObject({ ok: true, checked: 5, keyedFrom: null });
    await p.record(4);
    expect(await p.job.run()).toMatchObject({ seq: 10, keyedFrom: 6 });
    expect(await p.audit.verify()).toMatchObject({ ok: true, checked: 10, keyedFrom: 6 });

    // Rewriting an old row means re-hashing onward, and the marker cannot be re-hashed without the key.
    await asDatabaseAttacker(p.db, (db) =>
      db.updateTable('audit_log').set({ actor_name: 'forger' }).where('seq', '=', 2).execute(),
    );
    await rehashFrom(p.db, 2, null);
    expect(await p.withoutCheckpoints().verify()).toMatchObject({
      ok: false,
      firstBadSeq: 6,
      problem: 'content_mismatch',
    });

    // The attacker's best: drop the marker, renumber, and re-hash everything unkeyed. The chain
    // alone now looks like a never-upgraded one; the checkpoint knows keying began at entry 6.
    await asDatabaseAttacker(p.db, async (db) => {
      await db.deleteFrom('audit_log').where('seq', '=', 6).execute();
      await sql`UPDATE audit_log SET seq = seq - 1 WHERE seq > 6`.execute(db);
    });
    await rehashFrom(p.db, 1, null);
    expect(await p.withoutCheckpoints().verify()).toMatchObject({ ok: true, keyedFrom: null });
    expect(await p.audit.verify()).toMatchObject({ ok: false, problem: 'marker_moved', firstBadSeq: 6 });
  });

  it('adds the marker only once when two processes start on the same old chain', async () => {
    const database = await emptyDatabase();
    await writeUnkeyed(database, 3);
    const a = await fresh(database);
    const b = new AuditLog(database.db, a.keys, a.store);
    await Promise.all([
      a.audit.ensureKeyed(),
      b.ensureKeyed(),
      a.record(2),
      b.record(ctx, { action: 'test.b' }),
    ]);
    const markers = await database.db
      .selectFrom('audit_log')
      .select('seq')
      .where('action', '=', KEYED_MARKER_ACTION)
      .execute();
    expect(markers).toEqual([{ seq: 4 }]);
    expect(await a.audit.verify()).toMatchObject({ ok: true, keyedFrom: 4, checked: 7 });
  });
});
