import { sql } from 'kysely';
import pino from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { createTestDatabase } from '../../test-support/test-database.js';
import { alarm, busTransportContract } from './bus-transport.suite.js';
import { EventBus } from './event-bus.js';
import { PgTransport } from './pg-transport.js';

const log = pino({ level: 'silent' });

// LISTEN/NOTIFY needs PostgreSQL: PGlite is one process, whose bus stays in-process.
describe.runIf(process.env.TEST_DB === 'postgres')('event bus across processes (PostgreSQL)', async () => {
  const database = await createTestDatabase();
  const open: EventBus[] = [];

  async function processBus(ackWaitMs = 30_000): Promise<EventBus> {
    const bus = new EventBus(log);
    await bus.attach(
      await PgTransport.open(database.db, { url: database.url!, ackWaitMs, name: 'test' }, log),
    );
    open.push(bus);
    return bus;
  }

  busTransportContract(processBus);

  it('carries a burst of broadcast events in order, and one larger than a NOTIFY payload', async () => {
    const [a, b] = [await processBus(), await processBus()];
    const seen: string[] = [];
    b.subscribe('device.changed', (e) => seen.push(e.deviceId ?? 'all'));
    const big: { readings: { metric: string; ts: string; value: string; outlier: boolean }[] } = {
      readings: Array.from({ length: 400 }, (_, i) => ({
        metric: `m${i}`,
        ts: '2026-12-02T08:00:00Z',
        value: 'x'.repeat(40),
        outlier: false,
      })),
    };
    let bigSeen = 0;
    b.subscribe('telemetry.stored', (e) => void (bigSeen = e.readings.length));
    // 500 events in one tick: several NOTIFY payloads of one statement, in publishing order.
    for (let i = 0; i < 500; i++) a.publish('device.changed', { deviceId: `d${i}` });
    a.publish('telemetry.stored', { deviceId: 'big', code: 'big', orgUnitPath: 'r', ...big });
    await vi.waitFor(() => expect(seen).toHaveLength(500), { timeout: 10_000 });
    expect(seen).toEqual(Array.from({ length: 500 }, (_, i) => `d${i}`));
    await vi.waitFor(() => expect(bigSeen).toBe(400), { timeout: 10_000 });
  });

  it('offers a failed work event again after a pause, and deletes it once handled', async () => {
    const bus = await processBus();
    const attempts: string[] = [];
    await bus.consume('alarm.raised', 'retry', async (a, id) => {
      attempts.push(id);
      if (attempts.length === 1) throw new Error('database busy');
      expect(a.alarmId).toBe('alarm-300');
    });
    const id = await bus.enqueue('alarm.raised', alarm(300));
    await vi.waitFor(() => expect(attempts).toEqual([id, id]), { timeout: 15_000 });
    await vi.waitFor(
      async () => {
        const left = await sql<{ n: number }>`
          select count(*)::int as n from bus_work where consumer_group = 'retry'`.execute(database.db);
        expect(left.rows[0]!.n).toBe(0);
      },
      { timeout: 5_000 },
    );
  }, 30_000);

  it('hands back at once the events it claimed but had not started when it closes', async () => {
    const stuck = await processBus();
    const started: string[] = [];
    await stuck.consume('alarm.raised', 'handback', async (a) => {
      started.push(a.alarmId);
      await new Promise(() => undefined); // the first handler never finishes
    });
    const publisher = await processBus();
    for (let i = 500; i < 503; i++) await publisher.enqueue('alarm.raised', alarm(i));
    await vi.waitFor(() => expect(started).toEqual(['alarm-500']), { timeout: 5_000 });
    await stuck.close();
    // The two it held but never started go to the next process now, not after the 30 s lease;
    // the one still running keeps its lease until it lapses.
    const next = await processBus();
    const got: string[] = [];
    await next.consume('alarm.raised', 'handback', async (a) => void got.push(a.alarmId));
    await vi.waitFor(() => expect(got.sort()).toEqual(['alarm-501', 'alarm-502']), { timeout: 5_000 });
  });
});
