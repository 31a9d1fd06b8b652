import { EventEmitter } from 'node:events';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import type { Logger } from 'pino';
import type { DB } from '../../platform/db/schema.js';

/**
 * - `dispatch`: a command waits for the process whose broker holds the device's session;
 * - `changed`: a command moved on (delivered, answered, timed out); its waiters look again;
 * - `push`: shared attributes of a device changed; the process holding it pushes them.
 */
export type CommandSignalMessage =
  | { type: 'dispatch'; id: string }
  | { type: 'changed'; id: string }
  | { type: 'push'; deviceId: string; deleted: string[] };

export interface CommandSignal {
  /** True when other processes hear these signals (PostgreSQL), false within one process. */
  readonly shared: boolean;
  notify(message: CommandSignalMessage): Promise<void>;
  on(handler: (message: CommandSignalMessage) => void): () => void;
  start(): Promise<void>;
  close(): Promise<void>;
}

/** One process (PGlite): an event emitter. */
export class LocalCommandSignal implements CommandSignal {
  readonly shared = false;
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  notify(message: CommandSignalMessage): Promise<void> {
    this.emitter.emit('m', message);
    return Promise.resolve();
  }

  on(handler: (message: CommandSignalMessage) => void) {
    this.emitter.on('m', handler);
    return () => void this.emitter.off('m', handler);
  }

  start = () => Promise.resolve();
  close = () => Promise.resolve();
}

const CHANNEL = 'civitas_device_commands';

/**
 * Several processes on one PostgreSQL database: NOTIFY through the pool, LISTEN on a connection
 * of its own (a pooled connection cannot stay subscribed). Notifications are hints: waiters also
 * look at the row on a timer, so a lost notification (a reconnect) only delays an answer.
 */
export class PgCommandSignal implements CommandSignal {
  readonly shared = true;
  private readonly local = new LocalCommandSignal();
  private client: pg.Client | null = null;
  private closing = false;
  private retry: NodeJS.Timeout | null = null;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly url: string,
    private readonly log: Logger,
  ) {}

  async notify(message: CommandSignalMessage): Promise<void> {
    await sql`select pg_notify(${CHANNEL}, ${JSON.stringify(message)})`.execute(this.db);
  }

  on(handler: (message: CommandSignalMessage) => void) {
    return this.local.on(handler);
  }

  async start(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url });
    client.on('notification', (n) => {
      if (n.channel !== CHANNEL || !n.payload) return;
      try {
        void this.local.notify(JSON.parse(n.payload) as CommandSignalMessage);
      } catch {
        /* not ours */
      }
    });
    client.on('error', (e) => {
      this.log.warn({ err: e }, 'device command listener lost its connection; reconnecting');
      this.reconnect();
    });
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}`);
    this.client = client;
  }

  private reconnect(): void {
    const old = this.client;
    this.client = null;
    void old?.end().catch(() => undefined);
    if (this.closing || this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = null;
      this.start().catch(() => this.reconnect());
    }, 2000);
    this.retry.unref();
  }

  async close(): Promise<void> {
    this.closing = true;
    if (this.retry) clearTimeout(this.retry);
    await this.client?.end().catch(() => undefined);
    this.client = null;
  }
}
