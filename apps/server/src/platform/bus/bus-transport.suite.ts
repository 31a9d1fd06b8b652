import { expect, it, vi } from 'vitest';
import type { EventBus } from './event-bus.js';

export const alarm = (n: number) => ({
  alarmId: `alarm-${n}`,
  category: 'safety_hazard',
  title: `alarm ${n}`,
  lat: 31.2,
  lng: 121.5,
  raisedAt: '2026-12-02T08:00:00Z',
});

/**
 * The delivery semantics ADR 0024 states, for any transport that crosses processes. Each bus that
 * `processBus` opens stands for one process: its own connection, sharing only the server.
 */
export function busTransportContract(processBus: (ackWaitMs?: number) => Promise<EventBus>): void {
  it('delivers a broadcast event once to every process, the sender included', async () => {
    const [a, b, c] = [await processBus(), await processBus(), await processBus()];
    const seen: string[] = [];
    for (const [name, bus] of [
      ['a', a],
      ['b', b],
      ['c', c],
    ] as const)
      bus.subscribe('device.changed', (e) => seen.push(`${name}:${e.deviceId}`));
    a.publish('device.changed', { deviceId: 'x1' });
    await vi.waitFor(() => expect(seen.sort()).toEqual(['a:x1', 'b:x1', 'c:x1']), { timeout: 5_000 });
    // Nothing arrives twice: the sender's own copy does not come back through the server.
    c.publish('device.changed', { deviceId: 'x2' });
    await vi.waitFor(
      () => expect(seen.filter((s) => s.endsWith('x2')).sort()).toEqual(['a:x2', 'b:x2', 'c:x2']),
      {
        timeout: 5_000,
      },
    );
    // A later event arriving everywhere shows nothing else was still on its way.
    b.publish('device.changed', { deviceId: 'x3' });
    await vi.waitFor(() => expect(seen.filter((s) => s.endsWith('x3'))).toHaveLength(3), { timeout: 5_000 });
    expect(seen).toHaveLength(9);
  });

  it('shares work events among the processes of a group: each handled by exactly one', async () => {
    const [p1, p2, publisher] = [await processBus(), await processBus(), await processBus()];
    const handled = new Map<string, string[]>();
    for (const [name, bus] of [
      ['p1', p1],
      ['p2', p2],
    ] as const)
      await bus.consume('alarm.raised', 'share', async (a) => {
        handled.set(a.alarmId, [...(handled.get(a.alarmId) ?? []), name]);
      });
    for (let i = 0; i < 40; i++) await publisher.enqueue('alarm.raised', alarm(i));
    await vi.waitFor(() => expect(handled.size).toBe(40), { timeout: 10_000 });
    expect([...handled.values()].every((by) => by.length === 1)).toBe(true);
  });

  it('keeps work events published while every consumer of the group is down, and hands them over when one returns', async () => {
    const first = await processBus();
    await first.consume('alarm.raised', 'later', async () => undefined);
    await first.close();
    const publisher = await processBus();
    for (let i = 100; i < 103; i++) await publisher.enqueue('alarm.raised', alarm(i));
    const got: string[] = [];
    const back = await processBus();
    await back.consume('alarm.raised', 'later', async (a) => void got.push(a.alarmId));
    await vi.waitFor(() => expect(got.sort()).toEqual(['alarm-100', 'alarm-101', 'alarm-102']), {
      timeout: 10_000,
    });
  });

  it('offers a work event again, with the same id, when the process handling it dies', async () => {
    let dying: EventBus | null = await processBus(1_000);
    let took: string | null = null;
    await dying.consume('alarm.raised', 'crash', async (_a, id) => {
      took = id;
      await new Promise(() => undefined); // the process dies before its handler commits
    });
    const publisher = await processBus();
    const id = await publisher.enqueue('alarm.raised', alarm(200));
    await vi.waitFor(() => expect(took).toBe(id), { timeout: 5_000 });
    // SIGKILL, as the server sees it: the connection is gone and the event was never acknowledged.
    await dying.close();
    dying = null;
    const survivor = await processBus(1_000);
    const ids: string[] = [];
    await survivor.consume('alarm.raised', 'crash', async (_a, eventId) => {
      ids.push(eventId);
    });
    // Offered once more, to the survivor only: an idempotent handler keyed on the id acts once.
    await vi.waitFor(() => expect(ids).toEqual([id]), { timeout: 15_000 });
  }, 30_000);
}
