import {
  AckPolicy,
  DeliverPolicy,
  jetstream,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
  type ConsumerMessages,
  type JetStreamClient,
  type JetStreamManager,
} from '@nats-io/jetstream';
import { connect, nanos, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import type { BusTransport, Topic } from './event-bus.js';

export interface NatsTransportOptions {
  /** nats://host:port[,nats://…] — the servers of one cluster. */
  url: string;
  /** Subject and stream prefix, so several installations (or test runs) can share one server. */
  prefix: string;
  /** How long a work event may go unacknowledged before it is offered to another process. */
  ackWaitMs: number;
  /** Names this process in the server's connection list. */
  name: string;
}

const DAY_MS = 86_400_000;

/**
 * The city transport of the bus (ADR 0024), on NATS with JetStream:
 * - broadcast events are plain NATS messages on `<prefix>.bc.<topic>`: every connected process
 *   gets each once, none is stored, and the connection is opened with `noEcho` so the sender does
 *   not get its own back;
 * - work events go to the JetStream stream `<PREFIX>_WORK` (file storage, interest retention,
 *   kept up to 7 days) on `<prefix>.work.<topic>`, with one durable pull consumer per (group,
 *   topic) and explicit acknowledgement: the processes of a group share the consumer, so each
 *   event goes to one of them; an event not acknowledged within `ackWaitMs` (its process died,
 *   or its handler failed) is delivered again, and events published while every consumer of a
 *   group was down wait in the stream for it.
 */
export class NatsTransport implements BusTransport {
  readonly name = 'nats';
  private readonly streams: ConsumerMessages[] = [];
  private sub: Subscription | null = null;
  private up = true;

  private constructor(
    private readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly opts: NatsTransportOptions,
    private readonly log: Logger,
  ) {}

  static async open(opts: NatsTransportOptions, log: Logger): Promise<NatsTransport> {
    const nc = await connect({
      servers: opts.url.split(','),
      name: opts.name,
      noEcho: true,
      maxReconnectAttempts: -1,
      timeout: 10_000,
    });
    try {
      const jsm = await jetstreamManager(nc);
      const t = new NatsTransport(nc, jetstream(nc), jsm, opts, log);
      await t.ensureStream();
      t.watchStatus();
      return t;
    } catch (e) {
      await nc.close();
      throw e;
    }
  }

  get connected(): boolean {
    return this.up && !this.nc.isClosed();
  }

  /** Follows the connection's status, for /readyz: the client reconnects by itself. */
  private watchStatus(): void {
    void (async () => {
      for await (const s of this.nc.status()) {
        if (s.type === 'disconnect') this.up = false;
        else if (s.type === 'reconnect') this.up = true;
      }
    })().catch(() => undefined);
  }

  private get streamName(): string {
    return `${this.opts.prefix.toUpperCase().replace(/[^A-Z0-9_-]/g, '_')}_WORK`;
  }

  private async ensureStream(): Promise<void> {
    const config = {
      name: this.streamName,
      subjects: [`${this.opts.prefix}.work.>`],
      retention: RetentionPolicy.Interest,
      storage: StorageType.File,
      max_age: nanos(7 * DAY_MS),
      duplicate_window: nanos(120_000),
    };
    try {
      await this.jsm.streams.info(this.streamName);
      await this.jsm.streams.update(this.streamName, config);
    } catch {
      await this.jsm.streams.add(config);
    }
  }

  broadcast(topic: Topic, payload: unknown): void {
    try {
      this.nc.publish(`${this.opts.prefix}.bc.${topic}`, JSON.stringify(payload));
    } catch (e) {
      // Closed or draining: broadcast events are for whoever is listening now, so it is dropped.
      this.log.warn({ err: e, topic }, 'broadcast event not sent');
    }
  }

  async onBroadcast(deliver: (topic: Topic, payload: unknown) => void): Promise<void> {
    const head = `${this.opts.prefix}.bc.`;
    this.sub = this.nc.subscribe(`${head}>`, {
      callback: (err, msg) => {
        if (err) return;
        try {
          deliver(msg.subject.slice(head.length) as Topic, msg.json());
        } catch (e) {
          this.log.warn({ err: e, subject: msg.subject }, 'broadcast event not readable');
        }
      },
    });
    await this.nc.flush();
  }

  async enqueue(topic: Topic, id: string, payload: unknown): Promise<void> {
    // msgID lets the server drop a duplicate when a publish is retried after a lost ack.
    await this.js.publish(`${this.opts.prefix}.work.${topic}`, JSON.stringify(payload), { msgID: id });
  }

  async consume(
    topic: Topic,
    group: string,
    handler: (payload: unknown, id: string) => Promise<void>,
  ): Promise<void> {
    const durable = `${group}__${topic}`.replace(/[^A-Za-z0-9_-]/g, '_');
    const ackWait = this.opts.ackWaitMs;
    try {
      await this.jsm.consumers.info(this.streamName, durable);
      await this.jsm.consumers.update(this.streamName, durable, { ack_wait: nanos(ackWait) });
    } catch {
      await this.jsm.consumers.add(this.streamName, {
        durable_name: durable,
        filter_subject: `${this.opts.prefix}.work.${topic}`,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        ack_wait: nanos(ackWait),
        max_ack_pending: 1000,
      });
    }
    const consumer = await this.js.consumers.get(this.streamName, durable);
    const messages = await consumer.consume({ max_messages: 50 });
    this.streams.push(messages);
    void (async () => {
      for await (const m of messages) {
        const id = m.headers?.get('Nats-Msg-Id') ?? `${m.info.stream}:${m.seq}`;
        // A long handler keeps its claim: tell the server it is still working.
        const beat = setInterval(() => m.working(), Math.max(100, Math.floor(ackWait / 3)));
        try {
          await handler(m.json(), id);
          m.ack();
        } catch (e) {
          this.log.warn({ err: e, topic, group, id, attempt: m.info.deliveryCount }, 'work event failed');
          // Offered again after a growing pause, here or in another process of the group.
          m.nak(Math.min(60_000, 1_000 * 2 ** Math.min(m.info.deliveryCount, 6)));
        } finally {
          clearInterval(beat);
        }
      }
    })().catch((e: unknown) => this.log.error({ err: e, topic, group }, 'work consumer stopped'));
  }

  /**
   * Stops taking work and closes the connection. A handler still running does not hold the
   * process: its event is not acknowledged, so the server offers it again after `ackWaitMs`.
   */
  async close(): Promise<void> {
    const bounded = (p: Promise<unknown>) =>
      Promise.race([p.catch(() => undefined), new Promise((r) => setTimeout(r, 2_000).unref())]);
    for (const m of this.streams.splice(0)) m.stop();
    this.sub?.unsubscribe();
    await bounded(this.nc.drain());
    if (!this.nc.isClosed()) await this.nc.close();
  }
}
