import { describe, expect, it } from 'vitest';
import { AccessEpochProbe } from './session-cache.js';

/** A read whose answer the test gives later, to control what is in flight when. */
function controlledReads() {
  const pending: ((n: number) => void)[] = [];
  let sent = 0;
  return {
    read: () => {
      sent++;
      return new Promise<number>((resolve) => pending.push(resolve));
    },
    answer: (n: number) => pending.shift()!(n),
    sent: () => sent,
  };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('AccessEpochProbe', () => {
  it('shares one read among callers that arrive while the previous one is in flight', async () => {
    const reads = controlledReads();
    const probe = new AccessEpochProbe(reads.read);
    const first = probe.current();
    const b = probe.current();
    const c = probe.current();
    expect(reads.sent()).toBe(1);
    reads.answer(7);
    expect(await first).toBe(7);
    await tick();
    expect(reads.sent()).toBe(2);
    reads.answer(8);
    expect(await Promise.all([b, c])).toEqual([8, 8]);
  });

  it('never answers a caller with a read sent before it arrived', async () => {
    const reads = controlledReads();
    const probe = new AccessEpochProbe(reads.read);
    const early = probe.current();
    // The first read is in flight; its snapshot may predate this caller.
    const late = probe.current();
    reads.answer(1);
    expect(await early).toBe(1);
    await tick();
    expect(reads.sent()).toBe(2);
    reads.answer(2);
    expect(await late).toBe(2);
  });

  it('passes a failed read to its callers and keeps working', async () => {
    let fail = true;
    const probe = new AccessEpochProbe(() => (fail ? Promise.reject(new Error('down')) : Promise.resolve(3)));
    await expect(probe.current()).rejects.toThrow('down');
    fail = false;
    expect(await probe.current()).toBe(3);
  });
});
