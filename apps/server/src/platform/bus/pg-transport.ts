import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Logger } from 'pino';
import { PgListener } from '../db/pg-listener.js';
import type { DB } from '../db/schema.js';
import type { BusTransport, Topic } from './event-bus.js';

export interface PgTransportOptions {
  /** The database's URL: the transport keeps one connection of its own for LISTEN. */
  url: string;
  /** How long a claimed work event may go without a "still working" beat before another process takes it. */
  ackWaitMs: number;
  /** Names this process in the work rows it holds. */
  name: string;
}

const BROADCAST = 'civitas_bus';
const WORK = 'civitas_bus_work';
/** NOTIFY refuses payloads of 8,000 bytes or more; leave room for the envelope. */
const NOTIFY_LIMIT = 7_900;
const CLAIM_BATCH = 50;
const WEEK_MS = 7 * 86_400_000;

interface Consumer {
  topic: Topic;
  group: string;
  handler: (payload: unknown, id: string) => Promise<void>;
  /** Set by a notification; the loop looks again before it sleeps. */
  woken: boolean;
  sleeping: (() => void) | null;
  /** Claimed by this process, handler not started yet: handed back at close. */
  pending: Set<number>;
  lastExpiry: number;
}

interface Claimed {
  id: number;
  event_id: string;
  payload: unknown;
  deliveries: number;
}

/**
 * The bus on PostgreSQL alone (ADR 0024), for installations with several processes and no NATS:
 * - broadcast events are NOTIFY payloads on `civitas_bus`, batched per tick, each batch tagged
 *   with the sending process so it drops its own; an event too large for a payload is written to
 *   `bus_broadcast_overflow` and the notification carries its row id. Like NATS core, a process
 *   that is not listening at that moment misses the event.
 * - work events are rows of `bus_work`, one per consuming group registered in `bus_groups`, kept
 *   until a process of that group has handled them. Processes claim rows with
 *   `FOR UPDATE SKIP LOCKED` and a lease of `ackWaitMs`, renewed while the handler runs; a row is
 *   deleted when its handler resolves, offered again after a growing pause when it rejects, and
 *   taken by another process when its lease lapses because its process died. A NOTIFY on
 *   `civitas_bus_work` wakes the consumers; a poll catches lapsed leases and lost notifications.
 */
export class PgTransport implements BusTransport {
  readonly name = 'postgres';
  private readonly origin = randomUUID();
  private readonly holder: string;
  private readonly consumers: Consumer[] = [];
  private readonly running = new Set<Promise<void>>();
  private readonly beats = new Set<NodeJS.Timeout>();
  private readonly listener: PgListener;
  private deliver: ((topic: Topic, payload: unknown) => void) | null = null;
  private outbox: { t: Topic; p: unknown }[] = [];
  private flushing: Promise<void> | null = null;
  private incoming: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly opts: PgTransportOptions,
    private readonly log: Logger,
  ) {
    this.holder = `${opts.name}:${this.origin}`;
    this.listener = new PgListener(
      opts.url,
      [BROADCAST, WORK],
      (channel, payload) => (channel === BROADCAST ? this.received(payload) : this.wake(payload)),
      log,
      // Notifications sent while the connection was down are gone: look at the queue again.
      () => this.wake(null),
    );
  }

  static async open(db: Kysely<DB>, opts: PgTransportOptions, log: Logger): Promise<PgTransport> {
    const t = new PgTransport(db, opts, log);
    await t.listener.start();
    return t;
  }

  get connected(): boolean {
    return !this.closed && this.listener.connected;
  }

  private get pollMs(): number {
    return Math.max(200, Math.min(5_000, Math.floor(this.opts.ackWaitMs / 2)));
  }

  // ---- broadcast -------------------------------------------------------------------------------

  broadcast(topic: Topic, payload: unknown): void {
    if (this.closed) return;
    this.outbox.push({ t: topic, p: payload });
    // Everything published in this tick (and while a batch is on its way) goes in one statement.
    this.flushing ??= new Promise<void>((r) => setImmediate(r)).then(() => this.flush());
  }

  private async flush(): Promise<void> {
    while (this.outbox.length > 0) {
      const events = this.outbox;
      this.outbox = [];
      try {
        const payloads = await this.pack(events);
        await sql`select pg_notify(${BROADCAST}, p) from unnest(${payloads}::text[]) with ordinality as u(p, n) order by n`.execute(
          this.db,
        );
      } catch (e) {
        // Broadcast events are for whoever is listening now: a failed batch is dropped, not retried.
        this.log.warn({ err: e, events: events.length }, 'broadcast events not sent');
      }
    }
    this.flushing = null;
  }

  /** Packs events into NOTIFY payloads below the limit; an event too large alone goes by reference. */
  private async pack(events: { t: Topic; p: unknown }[]): Promise<string[]> {
    const head = `{"o":"${this.origin}","e":[`;
    const payloads: string[] = [];
    let body: string[] = [];
    let size = head.length + 2;
    for (const e of events) {
      let item = JSON.stringify(e);
      if (Buffer.byteLength(item) + head.length + 2 > NOTIFY_LIMIT) {
        const row = await sql<{ id: number }>`
          insert into bus_broadcast_overflow (payload) values (${item}) returning id`.execute(this.db);
        await sql`delete from bus_broadcast_overflow where created_at < now() - interval '5 minutes'`.execute(
          this.db,
        );
        item = JSON.stringify({ r: row.rows[0]!.id });
      }
      const bytes = Buffer.byteLength(item) + 1;
      if (body.length > 0 && size + bytes > NOTIFY_LIMIT) {
        payloads.push(`${head}${body.join(',')}]}`);
        body = [];
        size = head.length + 2;
      }
      body.push(item);
      size += bytes;
    }
    if (body.length > 0) payloads.push(`${head}${body.join(',')}]}`);
    return payloads;
  }

  async onBroadcast(deliver: (topic: Topic, payload: unknown) => void): Promise<void> {
    this.deliver = deliver;
    return Promise.resolve();
  }

  private received(raw: string): void {
    // Every listener hears its own batches too; skip them before parsing.
    if (raw.startsWith(`{"o":"${this.origin}"`)) return;
    const batch = JSON.parse(raw) as { o: string; e: ({ t: Topic; p: unknown } | { r: number })[] };
    if (batch.o === this.origin || !Array.isArray(batch.e)) return;
    // In order, even when one of them has to be read from its overflow row first.
    this.incoming = this.incoming.then(async () => {
      for (const item of batch.e) {
        try {
          const event =
            'r' in item
              ? ((
                  await sql<{ payload: string }>`
                    select payload from bus_broadcast_overflow where id = ${item.r}`.execute(this.db)
                ).rows.map((r) => JSON.parse(r.payload) as { t: Topic; p: unknown })[0] ?? null)
              : item;
          if (event) this.deliver?.(event.t, event.p);
        } catch (e) {
          this.log.warn({ err: e }, 'broadcast event not readable');
        }
      }
    });
  }

  // ---- work ------------------------------------------------------------------------------------

  async enqueue(topic: Topic, id: string, payload: unknown): Promise<void> {
    // One row per registered group, stored and announced in one statement (NOTIFY goes at commit;
    // PostgreSQL runs a data-modifying WITH to completion whether or not the query reads it).
    await sql`
      with stored as (
        insert into bus_work (event_id, topic, consumer_group, payload)
        select ${id}, ${topic}, g.consumer_group, ${JSON.stringify(payload)}::jsonb
        from bus_groups g where g.topic = ${topic}
        on conflict (event_id, consumer_group) do nothing
        returning 1
      )
      select pg_notify(${WORK}, ${topic})`.execute(this.db);
  }

  async consume(
    topic: Topic,
    group: string,
    handler: (payload: unknown, id: string) => Promise<void>,
  ): Promise<void> {
    await sql`
      insert into bus_groups (topic, consumer_group) values (${topic}, ${group})
      on conflict do nothing`.execute(this.db);
    const consumer: Consumer = {
      topic,
      group,
      handler,
      woken: false,
      sleeping: null,
      pending: new Set(),
      lastExpiry: 0,
    };
    this.consumers.push(consumer);
    const loop = this.run(consumer).catch((e: unknown) =>
      this.log.error({ err: e, topic, group }, 'work consumer stopped'),
    );
    this.running.add(loop);
    void loop.finally(() => this.running.delete(loop));
  }

  private wake(topic: string | null): void {
    for (const c of this.consumers)
      if (topic === null || c.topic === topic) {
        c.woken = true;
        c.sleeping?.();
      }
  }

  private async run(c: Consumer): Promise<void> {
    while (!this.closed) {
      let claimed: Claimed[] = [];
      c.woken = false;
      try {
        await this.expireOld(c);
        claimed = await this.claim(c);
      } catch (e) {
        if (this.closed) return;
        this.log.warn({ err: e, topic: c.topic, group: c.group }, 'work events not claimed; trying again');
      }
      for (const row of claimed) c.pending.add(row.id);
      for (const row of claimed) {
        if (this.closed) return;
        c.pending.delete(row.id);
        await this.handle(c, row);
      }
      if (claimed.length === CLAIM_BATCH || c.woken || this.closed) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.pollMs);
        c.sleeping = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      c.sleeping = null;
    }
  }

  private async claim(c: Consumer): Promise<Claimed[]> {
    const r = await sql<Claimed>`
      update bus_work set holder = ${this.holder},
        lease_until = now() + ${this.opts.ackWaitMs} * interval '1 millisecond',
        deliveries = deliveries + 1
      where id in (
        select id from bus_work
        where topic = ${c.topic} and consumer_group = ${c.group} and available_at <= now()
          and (lease_until is null or lease_until < now())
        order by id
        limit ${CLAIM_BATCH}
        for update skip locked
      )
      returning id, event_id, payload, deliveries`.execute(this.db);
    return r.rows.sort((a, b) => a.id - b.id);
  }

  private async handle(c: Consumer, row: Claimed): Promise<void> {
    // A long handler keeps its claim: renew the lease while it runs.
    const beat = setInterval(
      () =>
        void sql`
          update bus_work set lease_until = now() + ${this.opts.ackWaitMs} * interval '1 millisecond'
          where id = ${row.id} and holder = ${this.holder}`
          .execute(this.db)
          .catch(() => undefined),
      Math.max(100, Math.floor(this.opts.ackWaitMs / 3)),
    );
    this.beats.add(beat);
    let failed: unknown = null;
    try {
      await c.handler(row.payload, row.event_id);
    } catch (e) {
      failed = e ?? new Error('handler failed');
    } finally {
      clearInterval(beat);
      this.beats.delete(beat);
    }
    // Closed while the handler ran: the lease lapses and another process takes the event.
    if (this.closed) return;
    try {
      if (failed === null) {
        await sql`delete from bus_work where id = ${row.id} and holder = ${this.holder}`.execute(this.db);
      } else {
        this.log.warn(
          { err: failed, topic: c.topic, group: c.group, id: row.event_id, attempt: row.deliveries },
          'work event failed',
        );
        // Offered again after a growing pause, here or in another process of the group.
        const pauseMs = Math.min(60_000, 1_000 * 2 ** Math.min(row.deliveries, 6));
        await sql`
          update bus_work set holder = null, lease_until = null,
            available_at = now() + ${pauseMs} * interval '1 millisecond'
          where id = ${row.id} and holder = ${this.holder}`.execute(this.db);
        setTimeout(() => this.wake(c.topic), pauseMs).unref();
      }
    } catch (e) {
      // The lease lapses and the event is offered again: at least once, as stated.
      this.log.warn({ err: e, id: row.event_id }, 'work event outcome not recorded');
    }
  }

  private async release(ids: number[]): Promise<void> {
    if (ids.length === 0) return;
    await sql`
      update bus_work set holder = null, lease_until = null
      where id = any(${ids}::bigint[]) and holder = ${this.holder}`
      .execute(this.db)
      .catch(() => undefined);
  }

  /** Work events wait at most a week for their group, as on NATS. */
  private async expireOld(c: Consumer): Promise<void> {
    const now = Date.now();
    if (now - c.lastExpiry < 3_600_000) return;
    c.lastExpiry = now;
    await sql`
      delete from bus_work where topic = ${c.topic} and consumer_group = ${c.group}
        and enqueued_at < now() - ${WEEK_MS} * interval '1 millisecond'`.execute(this.db);
  }

  /**
   * Stops taking work and closes the listening connection. Events claimed but not yet started go
   * back at once; one whose handler is still running keeps its row until its lease lapses.
   */
  async close(): Promise<void> {
    this.closed = true;
    for (const b of this.beats) clearInterval(b);
    this.beats.clear();
    this.wake(null);
    await this.release(this.consumers.flatMap((c) => [...c.pending]));
    const bounded = (p: Promise<unknown>) =>
      Promise.race([p, new Promise((r) => setTimeout(r, 2_000).unref())]);
    await bounded(Promise.all([...this.running]));
    await bounded(this.flushing ?? Promise.resolve());
    await bounded(this.incoming);
    await this.listener.close();
  }
}
