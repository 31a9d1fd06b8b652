import pg from 'pg';
import type { Logger } from 'pino';

/**
 * One PostgreSQL connection of its own that LISTENs on a few channels (a pooled connection cannot
 * stay subscribed). When the connection drops it reconnects every two seconds and calls
 * `onReconnect`: notifications sent meanwhile are lost, so a user that relies on them looks at
 * its rows again then. NOTIFY itself goes through the pool (`select pg_notify(...)`).
 */
export class PgListener {
  private client: pg.Client | null = null;
  private closing = false;
  private retry: NodeJS.Timeout | null = null;
  private started = false;

  constructor(
    private readonly url: string,
    private readonly channels: readonly string[],
    private readonly deliver: (channel: string, payload: string) => void,
    private readonly log: Logger,
    private readonly onReconnect: () => void = () => undefined,
  ) {
    for (const c of channels)
      if (!/^[a-z_][a-z0-9_]*$/.test(c)) throw new Error(`not a plain channel name: ${c}`);
  }

  async start(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url });
    client.on('notification', (n) => {
      if (n.payload === undefined) return;
      try {
        this.deliver(n.channel, n.payload);
      } catch (e) {
        this.log.warn({ err: e, channel: n.channel }, 'notification not handled');
      }
    });
    client.on('error', (e) => {
      this.log.warn({ err: e }, 'listener lost its PostgreSQL connection; reconnecting');
      this.reconnect();
    });
    try {
      await client.connect();
      for (const c of this.channels) await client.query(`LISTEN ${c}`);
    } catch (e) {
      await client.end().catch(() => undefined);
      throw e;
    }
    if (this.closing) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    if (this.started) this.onReconnect();
    this.started = true;
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

  /** Whether the listening connection is up (false while it waits to reconnect). */
  get connected(): boolean {
    return this.client !== null;
  }

  async close(): Promise<void> {
    this.closing = true;
    if (this.retry) clearTimeout(this.retry);
    await this.client?.end().catch(() => undefined);
    this.client = null;
  }
}
