import pino from 'pino';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { EventBus } from '../../platform/bus/event-bus.js';
import type { Database } from '../../platform/db/database.js';
import { createTestDatabase } from '../../test-support/test-database.js';
import { TelemetryRepository } from './telemetry.repository.js';
import { TelemetryWriter } from './telemetry-writer.js';
import { batch, devices, stored } from '../../test-support/telemetry-writer-fixtures.js';

const silent = pino({ level: 'silent' });
const onPostgres = process.env.TEST_DB === 'postgres';

/**
 * Holds every telemetry write back until `release` is called. On PostgreSQL another session
 * takes a SHARE lock on the hourly rollup table, which each write statement must wait for; on
 * PGlite a transaction holds its single connection. Either way a write statement cannot commit.
 */
async function holdWrites(database: Database): Promise<() => Promise<void>> {
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let held: () => void = () => undefined;
  const holding = new Promise<void>((resolve) => (held = resolve));
  const done = database.db.transaction().execute(async (trx) => {
    if (onPostgres) await sql`LOCK TABLE telemetry_1h IN SHARE MODE`.execute(trx);
    held();
    await gate;
  });
  await holding;
  return async () => {
    release();
    await done;
  };
}

/** Polls `check` until it holds, failing after `ms`. */
async function until(check: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** One device for each lane of `writer`, from `ids`. */
function onePerLane(writer: TelemetryWriter, ids: string[]): string[] {
  const byLane = new Map<number, string>();
  for (const id of ids) if (!byLane.has(writer.laneOf(id))) byLane.set(writer.laneOf(id), id);
  expect(byLane.size, 'the devices cover every lane').toBe(writer.laneCount);
  return [...byLane.values()];
}

const rollupCount = async (database: Database, table: 'telemetry_1m' | 'telemetry_1h', id: string) =>
  Number(
    (
      await database.db
        .selectFrom(table)
        .select((eb) => eb.fn.sum<number>('count').as('n'))
        .where('device_id', '=', id)
        .executeTakeFirstOrThrow()
    ).n ?? 0,
  );

const deviceRow = (database: Database, id: string) =>
  database.db
    .selectFrom('devices')
    .select(['readings_count', 'last_seen_at'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();

describe('telemetry writer lanes', () => {
  it('acknowledges a message only after the commit that holds it', async () => {
    const database = await createTestDatabase();
    const ids = await devices(database, 12);
    const lanes = onPostgres ? 3 : 1;
    const writer = new TelemetryWriter(new TelemetryRepository(database.db), new EventBus(), silent, {
      maxBuffered: 10_000,
      batchSize: 1000,
      lanes,
    });
    const chosen = onePerLane(writer, ids);
    const base = Date.now() - 600_000;
    // Partitions exist before writes are held, so nothing but the hold stops a commit.
    await writer.write(batch(chosen[0]!, base - 60_000, 1));
    const release = await holdWrites(database);
    const acked: string[] = [];
    const writes = chosen.map((id) => writer.write(batch(id, base, 5)).then(() => acked.push(id)));
    await until(() => writer.commitsInFlight === lanes);
    // Every lane's statement has been sent and cannot commit: nothing may be acknowledged.
    await new Promise((r) => setTimeout(r, 200));
    expect(acked).toEqual([]);
    if (onPostgres) {
      // Seen from outside, the rows are not there.
      for (const id of chosen.slice(1)) expect(await stored(database, id)).toBe(0);
    }
    await release();
    await Promise.all(writes);
    expect(acked.sort()).toEqual([...chosen].sort());
    for (const id of chosen.slice(1)) expect(await stored(database, id)).toBe(5);
  });

  it('counts a redelivered reading once, in rollups and counters, also within one batch', async () => {
    const database = await createTestDatabase();
    const ids = await devices(database, 6);
    const writer = new TelemetryWriter(new TelemetryRepository(database.db), new EventBus(), silent, {
      maxBuffered: 10_000,
      batchSize: 1000,
      lanes: onPostgres ? 2 : 1,
    });
    const base = Math.floor((Date.now() - 7_200_000) / 3_600_000) * 3_600_000;
    for (const id of ids) await writer.write(batch(id, base, 10));
    // The same messages again: once after their commit (a redelivery after a lost PUBACK), and
    // twice within one turn, so both copies land in one transaction.
    for (const id of ids) await writer.write(batch(id, base, 10));
    await Promise.all(
      ids.flatMap((id) => [writer.write(batch(id, base, 10)), writer.write(batch(id, base, 10))]),
    );
    // A message half old, half new.
    for (const id of ids) await writer.write(batch(id, base + 5_000, 10));
    for (const id of ids) {
      expect(await stored(database, id)).toBe(15);
      expect(await rollupCount(database, 'telemetry_1m', id)).toBe(15);
      expect(await rollupCount(database, 'telemetry_1h', id)).toBe(15);
      const row = await deviceRow(database, id);
      expect(Number(row.readings_count)).toBe(15);
    }
    expect(writer.stats.written).toBe(15 * ids.length);
    expect(writer.stats.duplicates).toBe(35 * ids.length);
  });

  it.runIf(onPostgres)('keeps several commits in flight at once, each on its own connection', async () => {
    const database = await createTestDatabase();
    const ids = await devices(database, 16);
    const writer = new TelemetryWriter(new TelemetryRepository(database.db), new EventBus(), silent, {
      maxBuffered: 10_000,
      batchSize: 1000,
      lanes: 3,
    });
    const chosen = onePerLane(writer, ids);
    const base = Date.now() - 600_000;
    await writer.write(batch(chosen[0]!, base - 60_000, 1));
    const release = await holdWrites(database);
    const writes = chosen.map((id) => writer.write(batch(id, base, 20)));
    // The server agrees: three sessions of this database wait at once, each with a write of its own.
    const waiting = async () =>
      (
        await sql<{ n: number }>`
          SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%INSERT INTO telemetry %'`.execute(
          database.db,
        )
      ).rows[0]!.n;
    await until(async () => (await waiting()) === 3);
    expect(writer.commitsInFlight).toBe(3);
    expect(writer.stats.peakConcurrentCommits).toBe(3);
    await release();
    await Promise.all(writes);
    for (const id of chosen.slice(1)) expect(await stored(database, id)).toBe(20);
  });

  it('keeps each device in order: its latest value wins whatever lane finishes first', async () => {
    const database = await createTestDatabase();
    const ids = await devices(database, 8);
    const writer = new TelemetryWriter(new TelemetryRepository(database.db), new EventBus(), silent, {
      maxBuffered: 10_000,
      batchSize: 50,
      lanes: onPostgres ? 4 : 1,
    });
    const base = Date.now() - 3_000_000;
    await Promise.all(
      ids.flatMap((id) =>
        Array.from({ length: 20 }, (_, k) => writer.write(batch(id, base + k * 60_000, 8))),
      ),
    );
    const state = await database.db
      .selectFrom('device_state')
      .select(['device_id', 'ts', 'num'])
      .where('metric', '=', 'pm25')
      .execute();
    expect(state).toHaveLength(ids.length);
    for (const s of state) {
      expect(new Date(s.ts).getTime()).toBe(base + 19 * 60_000 + 7_000);
      expect(s.num).toBe(7);
    }
    for (const id of ids) expect(Number((await deviceRow(database, id)).readings_count)).toBe(160);
    if (onPostgres) expect(writer.stats.peakConcurrentCommits).toBeGreaterThan(1);
  });

  it.runIf(onPostgres)(
    'with the deferred flush, releases the rows at commit and acknowledges only after the flush barrier',
    async () => {
      const database = await createTestDatabase();
      const ids = await devices(database, 2);
      let openBarrier: () => void = () => undefined;
      let barrierGate: Promise<void> | null = null;
      let barrierReached: () => void = () => undefined;
      const reached = new Promise<void>((resolve) => (barrierReached = resolve));
      /** The real repository, whose flush barrier waits for the test once the gate is set. */
      class GatedRepository extends TelemetryRepository {
        override async flushed(): Promise<void> {
          if (barrierGate) {
            barrierReached();
            await barrierGate;
          }
          await super.flushed();
        }
      }
      const repo = new GatedRepository(database.db);
      const writer = new TelemetryWriter(repo, new EventBus(), silent, {
        maxBuffered: 10_000,
        batchSize: 1000,
        deferFlush: true,
      });
      const base = Date.now() - 600_000;
      await writer.write(batch(ids[0]!, base - 60_000, 1));
      expect(repo.defersFlush, 'this server accepts the flush barrier').toBe(true);

      barrierGate = new Promise<void>((resolve) => (openBarrier = resolve));
      let acked = false;
      const write = writer.write(batch(ids[1]!, base, 5)).then(() => (acked = true));
      await reached;
      // The statement has committed: another session sees the rows and can update the device's
      // rollup and state rows without waiting (the locks went with the commit, not the flush)...
      expect(await stored(database, ids[1]!)).toBe(5);
      await database.db.transaction().execute(async (trx) => {
        await sql`SET LOCAL lock_timeout = '2s'`.execute(trx);
        await trx
          .updateTable('device_state')
          .set({ outlier: false })
          .where('device_id', '=', ids[1]!)
          .execute();
        await trx
          .updateTable('telemetry_1m')
          .set({ count: sql`count` })
          .where('device_id', '=', ids[1]!)
          .execute();
      });
      // ...but the message is not acknowledged before the barrier has waited for the WAL flush.
      await new Promise((r) => setTimeout(r, 100));
      expect(acked).toBe(false);
      const before = (
        await sql<{ lsn: string }>`SELECT pg_current_wal_insert_lsn()::text AS lsn`.execute(database.db)
      ).rows[0]!.lsn;
      openBarrier();
      await write;
      expect(acked).toBe(true);
      // Once acknowledged, the WAL is on disk at least up to where it was written before.
      const flushedPast = (
        await sql<{ ok: boolean }>`SELECT pg_current_wal_flush_lsn() >= ${before}::pg_lsn AS ok`.execute(
          database.db,
        )
      ).rows[0]!.ok;
      expect(flushedPast).toBe(true);
    },
  );

  it.runIf(onPostgres)(
    'the flush barrier waits for the disk: one synchronous flush per barrier',
    async () => {
      const database = await createTestDatabase();
      const repo = new TelemetryRepository(database.db);
      expect(await repo.enableDeferredFlush()).toBeNull();
      // A barrier is a transaction that commits synchronously after writing WAL: its commit record
      // goes to the disk before it returns, and with it every commit record written before it.
      const insertLsn = async () =>
        (await sql<{ lsn: string }>`SELECT pg_current_wal_insert_lsn()::text AS lsn`.execute(database.db))
          .rows[0]!.lsn;
      for (let i = 0; i < 5; i++) {
        const before = await insertLsn();
        await repo.flushed();
        const ok = (
          await sql<{ ok: boolean }>`SELECT pg_current_wal_flush_lsn() > ${before}::pg_lsn AS ok`.execute(
            database.db,
          )
        ).rows[0]!.ok;
        expect(ok).toBe(true);
      }
    },
  );
});
