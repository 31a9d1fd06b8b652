import { randomBytes } from 'node:crypto';
import net from 'node:net';
import pg from 'pg';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { EventBus } from '../../platform/bus/event-bus.js';
import { openDatabase } from '../../platform/db/database.js';
import { migrate } from '../../platform/db/migrate.js';
import { createTestDatabase, testPostgresUrl } from '../../test-support/test-database.js';
import { TelemetryRepository } from './telemetry.repository.js';
import { TelemetryWriter } from './telemetry-writer.js';
import { batch, devices, stored } from '../../test-support/telemetry-writer-fixtures.js';

const silent = pino({ level: 'silent' });

describe('telemetry writer', () => {
  it('isolates a message the database refuses and keeps the rest of the batch', async () => {
    const database = await createTestDatabase();
    const [a, b] = await devices(database, 2);
    const writer = new TelemetryWriter(new TelemetryRepository(database.db), new EventBus(), silent, {
      maxBuffered: 10_000,
      batchSize: 1000,
    });
    const base = Date.now() - 600_000;
    // A NUL character is refused by PostgreSQL (SQLSTATE 22021): a poison message.
    await Promise.all([
      writer.write(batch(a!, base, 5)),
      writer.write(batch(b!, base, 1, 'bad\u0000text')),
      writer.write(batch(a!, base + 10_000, 5)),
    ]);
    expect(await stored(database, a!)).toBe(10);
    expect(await stored(database, b!)).toBe(0);
    const rej = await database.db
      .selectFrom('device_rejections')
      .selectAll()
      .where('device_id', '=', b!)
      .execute();
    expect(rej.map((r) => [r.reason, Number(r.count)])).toEqual([['store_failed', 1]]);
  });
});

describe('telemetry writer batching', () => {
  it('commits the messages that arrive together in one transaction', async () => {
    const database = await createTestDatabase();
    const ids = await devices(database, 5);
    const writer = new TelemetryWriter(new TelemetryRepository(database.db), new EventBus(), silent, {
      maxBuffered: 10_000,
      batchSize: 1000,
    });
    const base = Date.now() - 900_000;
    // Fifty messages in one turn of the event loop, as a socket read delivers them: the writer
    // yields before taking a batch, so the first message does not go alone.
    await Promise.all(
      ids.flatMap((id) =>
        Array.from({ length: 10 }, (_, k) => writer.write(batch(id, base + k * 60_000, 8))),
      ),
    );
    expect(writer.stats.batches).toBe(1);
    expect(writer.stats.written).toBe(400);
    for (const id of ids) expect(await stored(database, id)).toBe(80);
  });

  it('keeps the buffer within its bound and writes everything', async () => {
    const database = await createTestDatabase();
    const [dev] = await devices(database, 1);
    const writer = new TelemetryWriter(new TelemetryRepository(database.db), new EventBus(), silent, {
      maxBuffered: 100,
      batchSize: 40,
    });
    const base = Date.now() - 900_000;
    const writes = Array.from({ length: 50 }, (_, k) => writer.write(batch(dev!, base + k * 60_000, 8)));
    await Promise.all(writes);
    await writer.close();
    expect(writer.stats.peakBuffered).toBeLessThanOrEqual(100);
    expect(writer.bufferedReadings).toBe(0);
    expect(await stored(database, dev!)).toBe(400);
    expect(writer.stats.batches).toBeGreaterThanOrEqual(10);
  });
});

// The database disappears for 10 s (a TCP proxy in front of PostgreSQL is cut): writes buffer up
// to the bound, then further writes wait; on recovery everything is written exactly once.
describe.runIf(process.env.TEST_DB === 'postgres')('database outage', () => {
  const name = `civitas_f_${randomBytes(5).toString('hex')}`;
  const sockets = new Set<net.Socket>();
  let proxy: net.Server;
  let port = 0;
  const listen = () =>
    new Promise<void>((resolve) => {
      proxy = net.createServer((client) => {
        const up = net.connect(
          Number(new URL(testPostgresUrl).port || 5432),
          new URL(testPostgresUrl).hostname,
        );
        sockets.add(client).add(up);
        client.pipe(up).pipe(client);
        const drop = () => (client.destroy(), up.destroy());
        client.on('error', drop).on('close', drop);
        up.on('error', drop).on('close', drop);
      });
      proxy.listen(port, '127.0.0.1', () => {
        port = (proxy.address() as net.AddressInfo).port;
        resolve();
      });
    });
  const cut = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      sockets.clear();
      proxy.close(() => resolve());
    });

  afterAll(async () => {
    proxy?.close();
    const c = new pg.Client({ connectionString: testPostgresUrl });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.end();
  });

  it('buffers to the bound, applies backpressure, and writes everything once on recovery', async () => {
    const admin = new pg.Client({ connectionString: testPostgresUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const direct = new URL(testPostgresUrl);
    direct.pathname = `/${name}`;
    const setup = await openDatabase({ engine: 'postgres', url: direct.toString(), poolSize: 2 });
    await migrate(setup.db);
    const [dev] = await devices(setup, 1);
    await listen();
    const viaProxy = new URL(direct.toString());
    viaProxy.port = String(port);
    const database = await openDatabase({ engine: 'postgres', url: viaProxy.toString(), poolSize: 2 });
    const writer = new TelemetryWriter(new TelemetryRepository(database.db), new EventBus(), silent, {
      maxBuffered: 300,
      batchSize: 100,
    });
    const base = Date.now() - 3_600_000;
    await writer.write(batch(dev!, base, 100));
    await cut();
    const cutAt = Date.now();
    const settled: boolean[] = [];
    const writes = [1, 2, 3, 4, 5].map((k) =>
      writer.write(batch(dev!, base + k * 100_000, 100)).then(() => (settled[k] = true)),
    );
    await new Promise((r) => setTimeout(r, 2000));
    expect(writer.bufferedReadings).toBeLessThanOrEqual(300);
    expect(settled.filter(Boolean)).toHaveLength(0);
    await new Promise((r) => setTimeout(r, Math.max(0, 10_000 - (Date.now() - cutAt))));
    await listen();
    await Promise.all(writes);
    expect(await stored(setup, dev!)).toBe(600);
    expect(writer.stats.duplicates).toBe(0);
    expect(writer.stats.retries).toBeGreaterThan(0);
    await database.close();
    await setup.close();
  }, 60_000);
});
