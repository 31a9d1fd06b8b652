import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { Aedes, type Client } from 'aedes';
import type { Logger } from 'pino';
import type { EventBus } from '../../../platform/bus/event-bus.js';
import type {
  Downlink,
  DownlinkDevice,
  DownlinkTransport,
  SendOptions,
  SendResult,
} from '../../devices/downlink.js';
import type { DeviceDirectory } from '../device-directory.js';
import type { MqttRouter, Publisher } from '../mqtt-router.js';
import { ClientIdRegistry } from './client-id-registry.js';
import { DownlinkBindings } from './downlink-bindings.js';
import { CONSUMED_TOPIC, internalTopic } from './topic-binding.js';

export interface EmbeddedBrokerOptions {
  port: number;
  host: string;
  /** How many following ports to try when `port` is taken. */
  portAttempts: number;
}

type AuthError = Error & { returnCode: number };
const IDENTIFIER_REJECTED = 2;
const NOT_AUTHORIZED = 5;
const authError = (message: string, returnCode: number): AuthError =>
  Object.assign(new Error(message), { returnCode });

/** The part of aedes' persistence (aedes-persistence) this broker reads. */
interface SubscriptionStore {
  subscriptionsByTopic(topic: string): Promise<{ clientId: string }[]>;
}

interface Pending {
  expiresAt: number | undefined;
  onDelivered: (() => void) | undefined;
}

/**
 * The embedded MQTT broker (aedes 1.2, MQTT 3.1 and 3.1.1 only: it answers an MQTT 5 CONNECT with
 * "unacceptable protocol version"). Devices authenticate with their access token as the CONNECT
 * username (ThingsBoard's convention) or a FIWARE group's API key; anonymous and unknown
 * credentials get CONNACK 5 "not authorized".
 *
 * A device reaches only what is addressed to it (ADR 0018):
 * - every PUBLISH from a connection (and every Last Will) is consumed by the platform: routed to
 *   the pipeline or refused and counted, then moved to an unroutable topic with retain cleared,
 *   so it is never delivered to another connection and never retained;
 * - downlink subscriptions ("me" topics, FIWARE `/cmd`) are rewritten to per-device internal
 *   topics, and only that device's connections get what is published there (downlink-bindings.ts);
 * - a client id belongs to the credential holding it; a takeover by another credential gets
 *   CONNACK 2 "identifier rejected" and the holder stays connected (client-id-registry.ts).
 *
 * QoS 1: aedes sends PUBACK only after `authorizePublish` calls back, and we call back only after
 * the pipeline has durably stored the readings (or refused and counted them). So an acknowledged
 * reading is on disk, a redelivered one is deduplicated by the primary key, and a full write
 * buffer holds back PUBACKs, which slows publishers down to what the database can take. MQTT
 * 3.1.1 has no negative PUBACK, so a refused QoS 1 publish is acknowledged too; the refusal is
 * counted on the device (docs/devices.md).
 */
export class EmbeddedBroker implements DownlinkTransport {
  readonly external = false;
  private broker: Aedes | null = null;
  private server: net.Server | null = null;
  private readonly bindings: DownlinkBindings;
  private readonly clientIds = new ClientIdRegistry<Client>();
  /** Downlink messages not yet forwarded, by internal topic (each is unique per message). */
  private readonly pending = new Map<string, Pending>();
  /** Publishes handed to the router whose commit (and so PUBACK) is still to come. */
  private readonly routing = new Set<Promise<void>>();
  private closing = false;
  port = 0;

  constructor(
    private readonly directory: DeviceDirectory,
    private readonly router: MqttRouter,
    private readonly bus: EventBus,
    private readonly log: Logger,
  ) {
    this.bindings = new DownlinkBindings(directory);
  }

  /** MQTT connections open now (devices), for monitoring. */
  get connectionCount(): number {
    return this.broker?.connectedClients ?? 0;
  }

  async start(opts: EmbeddedBrokerOptions): Promise<number> {
    const broker = await Aedes.createBroker({
      authenticate: (client, username, _password, done) => {
        this.authenticate(client, username).then(
          (err) => done(err, err === null),
          (e: unknown) => {
            this.log.error({ err: e }, 'mqtt authentication failed');
            done(authError('server unavailable', 3), false);
          },
        );
      },
      authorizePublish: (client, packet, done) => {
        const who = this.bindings.who(client);
        if (!who) return done(new Error('not authenticated'));
        // Stopping: refused without PUBACK, so the device sends it again after reconnecting.
        if (this.closing) return done(new Error('server stopping'));
        const { topic, payload } = packet;
        // Consumed whatever the outcome: never delivered through the broker, never retained.
        packet.topic = CONSUMED_TOPIC;
        packet.retain = false;
        const routed = this.router.route(who, topic, payload as Buffer).then(
          (r) => {
            if (r.status !== 'stored')
              this.log.debug({ client: client?.id, reason: r.reason }, 'mqtt publish refused');
            done(null);
          },
          (e: unknown) => {
            // The pipeline never rejects for bad input; this is an internal fault. No PUBACK: the
            // device will redeliver.
            this.log.error({ err: e }, 'mqtt publish failed');
            done(new Error('internal error'));
          },
        );
        this.routing.add(routed);
        void routed.finally(() => this.routing.delete(routed));
      },
      authorizeSubscribe: (client, sub, done) => {
        this.bindings.bind(client, sub.topic).then(
          (b) => {
            if (!b) return done(null, null); // SUBACK 0x80; the connection stays open
            // In place: aedes persists this object for a persistent session and looks up retained
            // messages by it, so both follow the internal topic (aedes lib/handlers/subscribe.js).
            sub.topic = b.internal;
            done(null, sub);
          },
          (e: unknown) => {
            this.log.error({ err: e }, 'mqtt subscription check failed');
            done(null, null);
          },
        );
      },
      authorizeForward: (client, packet) => {
        const visible = this.bindings.forwardTopic(client, packet.topic);
        if (visible === null) return null;
        const p = this.pending.get(packet.topic);
        if (p) {
          if (p.expiresAt !== undefined && p.expiresAt < Date.now()) return null;
          this.pending.delete(packet.topic);
          p.onDelivered?.();
        }
        // In place: a message from a persistent session's queue is written as this very object.
        packet.topic = visible;
        return packet;
      },
    });
    broker.on('clientDisconnect', (client) => this.disconnected(client));
    this.broker = broker;
    this.server = net.createServer((conn) => this.rewriteUnsubscribes(broker.handle(conn)));
    this.port = await listenWithFallback(this.server, opts, this.log);
    return this.port;
  }

  /** Resolves null when admitted, else the CONNACK error. */
  private async authenticate(client: Client, username: string | undefined): Promise<AuthError | null> {
    if (!username) return authError('not authorized', NOT_AUTHORIZED);
    let who: Publisher | null = null;
    const device = await this.directory.byToken(username);
    if (device && device.status !== 'retired') who = { kind: 'device', device };
    else {
      const groupId = await this.directory.group(username);
      if (groupId) who = { kind: 'apikey', apikey: username, groupId };
    }
    if (!who) return authError('not authorized', NOT_AUTHORIZED);
    const owner = who.kind === 'device' ? `device:${who.device.id}` : `apikey:${who.groupId}`;
    if (!this.clientIds.admit(client.id, owner, client, client.clean)) {
      this.log.warn({ client: client.id }, 'mqtt client id held by another credential; refused');
      return authError('identifier rejected', IDENTIFIER_REJECTED);
    }
    this.bindings.attach(client, who);
    if (who.kind === 'device') {
      this.bus.publish('device.connected', {
        deviceId: who.device.id,
        code: who.device.code,
        orgUnitPath: who.device.orgUnitPath,
        at: new Date().toISOString(),
      });
    }
    return null;
  }

  private disconnected(client: Client): void {
    const who = this.bindings.who(client);
    this.clientIds.release(client.id, client);
    this.bindings.detach(client);
    if (who?.kind === 'device') {
      this.bus.publish('device.disconnected', {
        deviceId: who.device.id,
        code: who.device.code,
        orgUnitPath: who.device.orgUnitPath,
        at: new Date().toISOString(),
      });
    }
  }

  /**
   * aedes has no UNSUBSCRIBE hook, and the device names the filter it subscribed to, not the
   * internal one aedes holds. The parsed packet is rewritten before aedes handles it; lazily,
   * because a packet pipelined behind CONNECT is parsed before the connection is authenticated.
   */
  private rewriteUnsubscribes(client: Client): void {
    const parser = (client as unknown as { _parser: NodeJS.EventEmitter })._parser;
    parser.prependListener('packet', (packet: { cmd: string; unsubscriptions?: string[] }) => {
      if (packet.cmd !== 'unsubscribe' || !packet.unsubscriptions) return;
      const asked = packet.unsubscriptions;
      let mapped: string[] | null = null;
      Object.defineProperty(packet, 'unsubscriptions', {
        enumerable: true,
        configurable: true,
        get: () => (mapped ??= asked.map((f) => this.bindings.internalFilter(client, f))),
      });
    });
  }

  /** DownlinkTransport: publishes on the device's internal topic if one of its sessions listens. */
  async send(device: DownlinkDevice, message: Downlink, payload: Buffer, opts: SendOptions = {}) {
    const broker = this.broker;
    if (!broker) return 'absent' as SendResult;
    const topic = internalTopic(device.id, message, randomBytes(6).toString('hex'));
    const live = this.bindings.listening(device.id, topic);
    let queued = false;
    if (!live) {
      // A persistent session (clean session off, QoS 1) of the device that is offline now.
      const persistence = (broker as unknown as { persistence: SubscriptionStore }).persistence;
      const subs = await persistence.subscriptionsByTopic(topic);
      queued = subs.some((s) => !this.clientIds.live(s.clientId));
    }
    if (!live && !queued) return 'absent' as SendResult;
    if (opts.claim && !(await opts.claim())) return 'absent' as SendResult;
    this.sweepPending();
    if (opts.expiresAt !== undefined || opts.onDelivered)
      this.pending.set(topic, { expiresAt: opts.expiresAt, onDelivered: opts.onDelivered });
    await new Promise<void>((resolve, reject) =>
      broker.publish({ cmd: 'publish', topic, payload, qos: 1, retain: false, dup: false }, (e) =>
        e ? reject(e) : resolve(),
      ),
    );
    return (live ? 'sent' : 'queued') as SendResult;
  }

  /** Forgets messages that expired a minute ago; a message delivered later than that is dropped anyway. */
  private sweepPending(): void {
    const cutoff = Date.now() - 60_000;
    for (const [topic, p] of this.pending) {
      if ((p.expiresAt ?? Infinity) < cutoff || this.pending.size > 100_000) this.pending.delete(topic);
    }
  }

  async close(): Promise<void> {
    // Publishes already taken reach their commit and PUBACK before the clients are cut (ADR 0038).
    this.closing = true;
    await Promise.allSettled([...this.routing]);
    // aedes writes the PUBACK a few callbacks after `done`: let it leave before the cut.
    await new Promise((r) => setImmediate(r));
    // The broker first: it disconnects every client, so the listener can then close.
    await new Promise<void>((r) => (this.broker ? this.broker.close(() => r()) : r()));
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}

/** Listens on `port`, or says in one line that it is taken and moves to the next free one. */
async function listenWithFallback(
  server: net.Server,
  opts: EmbeddedBrokerOptions,
  log: Logger,
): Promise<number> {
  for (let i = 0; i <= opts.portAttempts; i++) {
    const port = opts.port === 0 ? 0 : opts.port + i;
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, opts.host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      const actual = (server.address() as net.AddressInfo).port;
      if (i > 0) {
        process.stdout.write(
          `MQTT_PORT ${opts.port} is in use; the embedded MQTT broker listens on ${actual} instead.\n`,
        );
      }
      log.info({ port: actual }, 'embedded MQTT broker listening');
      return actual;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE' || opts.port === 0) throw e;
    }
  }
  throw new Error(`MQTT_PORT ${opts.port}: no free port among the next ${opts.portAttempts}`);
}
