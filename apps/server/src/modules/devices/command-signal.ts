import { EventEmitter } from 'node:events';
import { sql, type Kysely } from 'kysely';
import type { Logger } from 'pino';
import { PgListener } from '../../platform/db/pg-listener.js';
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
 * of its own. Notifications are hints: waiters also look at the row on a timer, so a lost
 * notification (a reconnect) only delays an answer.
 */
export class PgCommandSignal implements CommandSignal {
  readonly shared = true;
  private readonly local = new LocalCommandSignal();
  private readonly listener: PgListener;

  constructor(
    private readonly db: Kysely<DB>,
    url: string,
    log: Logger,
  ) {
    this.listener = new PgListener(
      url,
      [CHANNEL],
      (_channel, payload) => {
        try {
          void this.local.notify(JSON.parse(payload) as CommandSignalMessage);
        } catch {
          /* not ours */
        }
      },
      log.child({ listener: 'device commands' }),
    );
  }

  async notify(message: CommandSignalMessage): Promise<void> {
    await sql`select pg_notify(${CHANNEL}, ${JSON.stringify(message)})`.execute(this.db);
  }

  on(handler: (message: CommandSignalMessage) => void) {
    return this.local.on(handler);
  }

  start = () => this.listener.start();
  close = () => this.listener.close();
}
