import { describe, expect, it } from 'vitest';
import { InOrderAcks, pubackBytes } from './in-order-acks.js';

type Sent = { conn: string; acks: { messageId: number; code: number }[] };

const queue = (limit: number) => {
  const sent: Sent[] = [];
  const acks = new InOrderAcks<string>(limit, (conn, due) => sent.push({ conn, acks: [...due] }));
  return { acks, sent };
};

describe('InOrderAcks', () => {
  it('answers a message only once it settles, and never before the messages that arrived earlier', () => {
    const { acks, sent } = queue(10);
    const next: number[] = [];
    const settle = [11, 12, 13].map((id) => acks.admit('a', id, () => next.push(id)));
    // Several messages in flight: each lets the connection read the next packet at once.
    expect(next).toEqual([11, 12, 13]);
    expect(acks.waiting).toBe(3);
    // The last and the second commit first (another writer lane): they wait for the first.
    settle[2]!(0);
    settle[1]!(0x80);
    expect(sent).toEqual([]);
    settle[0]!(0);
    expect(sent).toEqual([
      {
        conn: 'a',
        acks: [
          { messageId: 11, code: 0 },
          { messageId: 12, code: 0x80 },
          { messageId: 13, code: 0 },
        ],
      },
    ]);
    expect(acks.waiting).toBe(0);
    expect(acks.peak).toBe(3);
    // A second settle of the same message sends nothing more.
    settle[0]!(0);
    expect(sent).toHaveLength(1);
  });

  it('sends the answered head at once and keeps the rest waiting', () => {
    const { acks, sent } = queue(10);
    const s1 = acks.admit('a', 1, () => undefined);
    const s2 = acks.admit('a', 2, () => undefined);
    s1(0);
    expect(sent).toEqual([{ conn: 'a', acks: [{ messageId: 1, code: 0 }] }]);
    expect(acks.waiting).toBe(1);
    s2(0);
    expect(sent.map((s) => s.acks.map((a) => a.messageId))).toEqual([[1], [2]]);
  });

  it('holds the next packet back while more than the limit wait, until the oldest is answered', () => {
    const { acks } = queue(2);
    const next: number[] = [];
    const settle = [1, 2, 3, 4].map((id) => acks.admit('a', id, () => next.push(id)));
    expect(next).toEqual([1, 2]);
    // Answering a later message frees nothing: the oldest still waits.
    settle[1]!(0);
    expect(next).toEqual([1, 2]);
    settle[0]!(0);
    expect(next).toEqual([1, 2, 3, 4]);
  });

  it('forgets what waited on a dropped connection and lets held packets go', () => {
    const { acks, sent } = queue(1);
    const next: number[] = [];
    const old1 = acks.admit('old', 1, () => next.push(1));
    acks.admit('old', 2, () => next.push(2));
    expect(next).toEqual([1]);
    acks.reset();
    expect(next).toEqual([1, 2]);
    // The broker sends message 1 again on the new connection; the old one's commit answers nothing.
    const new1 = acks.admit('new', 1, () => undefined);
    old1(0);
    expect(sent).toEqual([]);
    new1(0);
    expect(sent).toEqual([{ conn: 'new', acks: [{ messageId: 1, code: 0 }] }]);
  });
});

describe('pubackBytes', () => {
  it('encodes an MQTT 5 PUBACK, short when successful', () => {
    expect([...pubackBytes(0x1234, 0)]).toEqual([0x40, 2, 0x12, 0x34]);
    expect([...pubackBytes(7, 0x80)]).toEqual([0x40, 3, 0, 7, 0x80]);
  });
});
