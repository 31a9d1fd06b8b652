/**
 * The PUBACKs of one connection to an external broker, with several QoS 1 messages in flight
 * (ADR 0032).
 *
 * A message's PUBACK may be sent only once the reading it carries has committed (ADR 0009), and
 * MQTT wants a connection's PUBACKs in the order its PUBLISHes arrived (MQTT 3.1.1 and 5.0 §4.6,
 * [MQTT-4.6.0-2]). Writer lanes commit out of order (ADR 0028), so a committed message waits here
 * until every message that arrived before it on the same connection has been answered; then the
 * PUBACKs that are due go out together, in arrival order.
 *
 * The broker sends at most `limit` unanswered messages (the client's Receive Maximum, MQTT 5
 * §3.1.2.11.3). Should one send more, `admit` holds back the packet after the excess, which stops
 * reading from the socket until enough waiting messages are answered.
 *
 * A queue belongs to one network connection: when it drops, `reset` forgets what waits (the
 * broker sends those messages again on the next connection of the same session, and a reading
 * that committed meanwhile is skipped as a duplicate, ADR 0028 §6).
 */
export class InOrderAcks<Conn> {
  private queue: Entry<Conn>[] = [];
  private held: (() => void)[] = [];
  /** The most messages that waited at once since the last `reset`, for observation. */
  peak = 0;

  constructor(
    private readonly limit: number,
    /** Sends the due PUBACKs of one connection, in order, in one write. */
    private readonly send: (conn: Conn, acks: readonly { messageId: number; code: number }[]) => void,
  ) {}

  /** Messages received and not yet answered. */
  get waiting(): number {
    return this.queue.length;
  }

  /**
   * A PUBLISH with `messageId` arrived on `conn`. Answers a function to call with the PUBACK's
   * reason code once the message is stored (0) or refused; `next` is called when the connection
   * may hand over its next packet (at once, unless more than `limit` messages are waiting).
   */
  admit(conn: Conn, messageId: number, next: () => void): (code: number) => void {
    const entry: Entry<Conn> = { conn, messageId, code: null };
    this.queue.push(entry);
    if (this.queue.length > this.peak) this.peak = this.queue.length;
    if (this.queue.length <= this.limit) next();
    else this.held.push(next);
    return (code) => {
      if (entry.code !== null) return;
      entry.code = code;
      this.flush();
    };
  }

  /** The connection dropped: nothing waiting is answered; held packets are let go. */
  reset(): void {
    this.queue = [];
    this.release();
  }

  private flush(): void {
    let due = 0;
    while (due < this.queue.length && this.queue[due]!.code !== null) due++;
    if (due === 0) return;
    const answered = this.queue.splice(0, due);
    // A queue has one connection between resets, so the due PUBACKs share it.
    this.send(
      answered[0]!.conn,
      answered.map((e) => ({ messageId: e.messageId, code: e.code! })),
    );
    this.release();
  }

  private release(): void {
    while (this.held.length > 0 && this.queue.length <= this.limit) this.held.shift()!();
  }
}

interface Entry<Conn> {
  conn: Conn;
  messageId: number;
  code: number | null;
}

/**
 * An MQTT 5 PUBACK (§3.4): packet identifier, and the reason code unless it is 0 (success), in
 * which case the Remaining Length is 2 and the reason code and properties are omitted (§3.4.2.1).
 */
export function pubackBytes(messageId: number, code: number): Buffer {
  return code === 0
    ? Buffer.from([0x40, 2, messageId >> 8, messageId & 0xff])
    : Buffer.from([0x40, 3, messageId >> 8, messageId & 0xff, code]);
}
