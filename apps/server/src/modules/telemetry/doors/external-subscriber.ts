import mqtt, { type ISubscriptionMap, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import type { DeviceSecrets } from '../../devices/device-secrets.js';
import type {
  Downlink,
  DownlinkDevice,
  DownlinkTransport,
  SendOptions,
  SendResult,
} from '../../devices/downlink.js';
import type { MqttRouter } from '../mqtt-router.js';
import { InOrderAcks, pubackBytes } from './in-order-acks.js';
import { externalTopic } from './topic-binding.js';
import { looksSecret } from '../../../platform/logging/redact-url.js';

/**
 * Ingestion behind an external broker (e.g. Mosquitto). The broker authenticates devices (its own
 * password file, or the dynamic-security plugin) and its ACLs let each device publish only under
 * its own token; Civitas then finds the device by the token in the topic:
 *   v1/devices/{token}/telemetry | attributes | senml,  v1/gateway/{token}/telemetry,
 *   /json/{apikey}/{deviceId}/attrs[/{attr}]
 *
 * Subscriptions are MQTT 5 shared subscriptions ($share/civitas/...), so several Civitas processes,
 * and several connections of one process, split the stream. Each session is persistent (clean
 * start off, one-hour expiry), so messages that arrive while Civitas is away wait at the broker.
 * PUBACK is sent by hand only after the readings are durably stored, in the order the messages
 * arrived, with several messages per connection waiting for their commit (ADR 0032); a message is
 * acknowledged to the broker only once safe.
 */
export const deviceTopics = [
  'v1/devices/+/telemetry',
  'v1/devices/+/attributes',
  'v1/devices/+/senml',
  'v1/devices/+/rpc/response/+',
  'v1/devices/+/attributes/request/+',
  'v1/gateway/+/telemetry',
  '/json/+/+/attrs',
  '/json/+/+/attrs/+',
  '/json/+/+/cmdexe',
  'json/+/+/attrs',
  'json/+/+/attrs/+',
  'json/+/+/cmdexe',
];

/** The filters for a shared-subscription group, or plain filters when the group is empty. */
export const subscriptionsFor = (group: string) =>
  deviceTopics.map((t) => (group ? `$share/${group}/${t}` : t));

export interface ExternalOptions {
  url: string;
  /** Client id of the first connection; the others append `-2`, `-3`, … (`defaultClientId`). */
  clientId: string;
  /** Shared-subscription group; empty for plain subscriptions (a single subscribing process). */
  sharedGroup: string;
  /**
   * Connections this process opens in the shared group. Plain subscriptions always use one:
   * each plain subscriber would receive every message.
   */
  connections: number;
  /**
   * QoS 1 messages one connection may hold unacknowledged, waiting for their commit (the MQTT 5
   * Receive Maximum it announces, which the broker must not exceed).
   */
  inflight: number;
  username?: string | undefined;
  password?: string | undefined;
}

export class ExternalSubscriber implements DownlinkTransport {
  readonly external = true;
  private clients: MqttClient[] = [];
  /** Messages handed to the router whose commit (and so PUBACK) is still to come. */
  private readonly routing = new Set<Promise<void>>();
  private closing = false;
  readonly stats = {
    messages: 0,
    reconnects: 0,
    perConnection: [] as number[],
    /** Per connection, the most messages that waited for their commit at once. */
    peakInFlight: [] as number[],
  };

  constructor(
    private readonly router: MqttRouter,
    private readonly log: Logger,
    private readonly secrets?: Pick<DeviceSecrets, 'token' | 'apikey'>,
  ) {}

  /**
   * DownlinkTransport: publishes on the device's own topic at the broker, whose ACL lets only
   * that device read it (docs/devices.md). The topic carries the device's credential, which the
   * platform keeps sealed; a device without a sealed credential (issued before migration 0018,
   * or a demo device) cannot be addressed here until its token is rotated.
   */
  async send(device: DownlinkDevice, message: Downlink, payload: Buffer, opts: SendOptions = {}) {
    const absent: SendResult = 'absent';
    const client = this.clients.find((c) => c.connected);
    if (!client || !this.secrets) return absent;
    let topic: string | null = null;
    if (message.kind === 'fiware_cmd') {
      const apikey = device.apiKeyGroupId ? await this.secrets.apikey(device.apiKeyGroupId) : null;
      topic = apikey ? externalTopic({ apikey, code: device.code }, message) : null;
    } else {
      const token = await this.secrets.token(device.id);
      topic = token ? externalTopic({ token }, message) : null;
    }
    if (!topic) return absent;
    if (opts.claim && !(await opts.claim())) return absent;
    // MQTT 5 message expiry: the broker drops a command still queued for the device past its time.
    const expiry = opts.expiresAt ? Math.max(1, Math.ceil((opts.expiresAt - Date.now()) / 1000)) : undefined;
    await client.publishAsync(topic, payload, {
      qos: 1,
      retain: false,
      ...(expiry ? { properties: { messageExpiryInterval: expiry } } : {}),
    });
    return 'sent' as SendResult;
  }

  /**
   * Several connections in the same shared group, which the broker serves round-robin (ADR
   * 0013), each with up to `inflight` messages waiting for their commit (ADR 0032).
   */
  async start(opts: ExternalOptions): Promise<void> {
    const n = opts.sharedGroup ? Math.max(1, opts.connections) : 1;
    if (n < opts.connections)
      this.log.info(
        { requested: opts.connections },
        'plain subscriptions (no shared group): one connection to the MQTT broker',
      );
    const base = opts.clientId;
    this.stats.perConnection = Array.from({ length: n }, () => 0);
    this.stats.peakInFlight = Array.from({ length: n }, () => 0);
    try {
      await Promise.all(
        Array.from({ length: n }, (_, i) => this.connect(opts, i === 0 ? base : `${base}-${i + 1}`, i)),
      );
    } catch (e) {
      // Not reached: drop the connections (they would keep retrying on their own), so a caller
      // can call start again (STARTUP_WAIT_SECONDS) with nothing left over.
      await Promise.all(this.clients.splice(0).map((c) => c.endAsync(true)));
      throw e;
    }
  }

  private connect(opts: ExternalOptions, clientId: string, index: number): Promise<void> {
    const inflight = Math.max(1, opts.inflight);
    const client = mqtt.connect(opts.url, {
      protocolVersion: 5,
      clientId,
      clean: false,
      // Receive Maximum: the broker keeps at most this many QoS 1 messages unacknowledged here.
      properties: { sessionExpiryInterval: 3600, receiveMaximum: inflight },
      reconnectPeriod: 1000,
      connectTimeout: 10_000,
      ...(opts.username ? { username: opts.username, password: opts.password } : {}),
    });
    const acks = new InOrderAcks<NonNullable<MqttClient['stream']>>(inflight, (stream, due) => {
      // The connection these messages came on is gone: the broker sends them again on the next.
      if (stream !== client.stream || stream.destroyed || !stream.writable) return;
      stream.write(Buffer.concat(due.map((a) => pubackBytes(a.messageId, a.code))));
      for (const a of due)
        client.emit('packetsend', { cmd: 'puback', messageId: a.messageId, reasonCode: a.code });
    });
    // mqtt.js handles a connection's packets one at a time and, for QoS 1, sends the PUBACK
    // itself once `handleMessage` calls back, before it reads the next packet: one message in
    // flight per connection. Calling back with an error makes it go on to the next packet
    // without a PUBACK; the PUBACK is then sent here, after the commit and in arrival order.
    client.handleMessage = (packet, callback) => {
      if (packet.cmd !== 'publish' || packet.qos !== 1 || packet.messageId === undefined) {
        callback();
        return;
      }
      // Stopping: not taken, not acknowledged; the broker keeps it in the persistent session
      // (or gives it to another member of the shared group).
      if (this.closing) {
        callback(ackedHere);
        return;
      }
      const topic = packet.topic.toString();
      // The next packet is let in only after this one is handed to the router, so the router
      // starts on a connection's messages in the order they arrived.
      let routed = false;
      let release = false;
      const settle = acks.admit(client.stream, packet.messageId, () =>
        routed ? callback(ackedHere) : (release = true),
      );
      if (acks.peak > this.stats.peakInFlight[index]!) this.stats.peakInFlight[index] = acks.peak;
      this.stats.messages++;
      this.stats.perConnection[index]!++;
      const routed$ = this.router.route({ kind: 'broker' }, topic, packet.payload as Buffer).then(
        () => settle(0),
        (e: unknown) => {
          // An internal fault: answer "unspecified error".
          // Behind an external broker the topic carries the device token or API key.
          const shown = topic
            .split('/')
            .map((seg) => (looksSecret(seg) ? '[redacted]' : seg))
            .join('/');
          this.log.error({ err: e, topic: shown }, 'external MQTT message failed');
          settle(0x80);
        },
      );
      this.routing.add(routed$);
      void routed$.finally(() => this.routing.delete(routed$));
      routed = true;
      if (release) callback(ackedHere);
    };
    client.on('close', () => acks.reset());
    client.on('disconnect', (packet) => {
      // 0x8E Session taken over: another client connected with this client id (MQTT 5 §3.14.2.1).
      if (packet.reasonCode === 0x8e)
        this.log.error(
          { clientId },
          'the MQTT broker handed this session to another client with the same client id: give each process its own INSTANCE or MQTT_CLIENT_ID (docs/configuration.md)',
        );
    });
    this.clients.push(client);
    client.on('reconnect', () => {
      this.stats.reconnects++;
      this.log.warn({ url: redact(opts.url), clientId }, 'reconnecting to the MQTT broker');
    });
    // Before the first connection the start reports the failure once (STARTUP_WAIT_SECONDS),
    // not each of the connections.
    let reached = false;
    client.on('error', (e) => {
      if (reached) this.log.error({ err: e, clientId }, 'MQTT broker connection error');
    });
    return new Promise((resolve, reject) => {
      // Subscribe on every (re)connect, even when the broker says the session is present: some
      // brokers (Mosquitto 2.0.11 among them) restore a persistent session after a restart but not
      // its shared subscriptions. Subscribing again to the same filter replaces it (MQTT 5 3.8.4).
      client.on('connect', (connack) => {
        reached = true;
        // `resubscribe: true` makes mqtt.js send the SUBSCRIBE even for filters it believes active.
        const filters = Object.fromEntries(
          subscriptionsFor(opts.sharedGroup).map((f) => [f, { qos: 1 as const }]),
        );
        client.subscribe({ ...filters, resubscribe: true } as ISubscriptionMap, (err) => {
          if (err) {
            this.log.error({ err, clientId }, 'subscribing at the external MQTT broker failed');
            return reject(err);
          }
          this.log.info(
            { url: redact(opts.url), clientId, sessionPresent: connack.sessionPresent },
            'subscribed to the external MQTT broker',
          );
          resolve();
        });
      });
      client.once('error', reject);
    });
  }

  /** The connections to the broker, in order (for observation; they are managed here). */
  get connections(): readonly MqttClient[] {
    return this.clients;
  }

  /** Connections to the broker that are up now, for monitoring. */
  get connectionCount(): number {
    return this.clients.filter((c) => c.connected).length;
  }

  /** Whether every connection is up. */
  get connected(): boolean {
    return this.clients.length > 0 && this.clients.every((c) => c.connected);
  }

  /**
   * Takes no more messages, lets those already taken reach their commit and PUBACK, then
   * disconnects: a graceful stop leaves nothing for the broker to send again (ADR 0038).
   */
  async close(): Promise<void> {
    this.closing = true;
    await Promise.allSettled([...this.routing]);
    await Promise.all(this.clients.splice(0).map((c) => c.endAsync()));
  }
}

const redact = (url: string) => url.replace(/\/\/[^@/]*@/, '//***@');

/** Tells mqtt.js that this subscriber sends the message's PUBACK itself (see `handleMessage`). */
const ackedHere = new Error('PUBACK sent after the commit by ExternalSubscriber');

/**
 * The default client id: stable across restarts, so a restarted process takes back its
 * persistent sessions and the readings the broker queued there (issue 10 §2). The host, the
 * process's roles and `INSTANCE` tell apart processes that share a broker.
 */
export function defaultClientId(host: string, roles: readonly string[], instance: string): string {
  const known = ['web', 'ingest', 'jobs'].filter((r) => roles.includes(r));
  const role = known.length === 3 ? 'all' : known.join('_');
  return `civitas-${host}-${role}-${instance}`;
}
