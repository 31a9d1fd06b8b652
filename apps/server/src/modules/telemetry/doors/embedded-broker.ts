import net from 'node:net';
import { Aedes, type Client } from 'aedes';
import type { Logger } from 'pino';
import type { EventBus } from '../../../platform/bus/event-bus.js';
import type { DeviceDirectory } from '../device-directory.js';
import type { MqttRouter, Publisher } from '../mqtt-router.js';

export interface EmbeddedBrokerOptions {
  port: number;
  host: string;
  /** How many following ports to try when `port` is taken. */
  portAttempts: number;
}

type AuthError = Error & { returnCode: number };
const NOT_AUTHORIZED = 5;

/**
 * The embedded MQTT broker (aedes). Devices authenticate with their access token as the CONNECT
 * username (ThingsBoard's convention) or a FIWARE group's API key; anonymous and unknown
 * credentials get CONNACK 5 "not authorized".
 *
 * QoS 1: aedes sends PUBACK only after `authorizePublish` calls back, and we call back only after
 * the pipeline has durably stored the readings (or refused and counted them). So an acknowledged
 * reading is on disk, a redelivered one is deduplicated by the primary key, and a full write
 * buffer holds back PUBACKs, which slows publishers down to what the database can take.
 */
export class EmbeddedBroker {
  private broker: Aedes | null = null;
  private server: net.Server | null = null;
  private readonly publishers = new WeakMap<Client, Publisher>();
  port = 0;

  constructor(
    private readonly directory: DeviceDirectory,
    private readonly router: MqttRouter,
    private readonly bus: EventBus,
    private readonly log: Logger,
  ) {}

  async start(opts: EmbeddedBrokerOptions): Promise<number> {
    const authError = (message: string, returnCode: number): AuthError =>
      Object.assign(new Error(message), { returnCode });
    const broker = await Aedes.createBroker({
      authenticate: (client, username, _password, done) => {
        this.authenticate(client, username).then(
          (ok) => done(ok ? null : authError('not authorized', NOT_AUTHORIZED), ok),
          (e: unknown) => {
            this.log.error({ err: e }, 'mqtt authentication failed');
            done(authError('server unavailable', 3), false);
          },
        );
      },
      authorizePublish: (client, packet, done) => {
        const who = client ? this.publishers.get(client) : undefined;
        if (!who) return done(new Error('not authenticated'));
        this.router.route(who, packet.topic, packet.payload as Buffer).then(
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
      },
      // Devices may subscribe only to their own attribute and command topics; nothing of others.
      authorizeSubscribe: (client, sub, done) => {
        const who = this.publishers.get(client);
        const own =
          who?.kind === 'device'
            ? sub.topic === 'v1/devices/me/attributes' || sub.topic.startsWith('v1/devices/me/rpc/request/')
            : who?.kind === 'apikey' && new RegExp(`^/?${who.apikey}/[^/+#]+/cmd$`).test(sub.topic);
        // A null subscription answers SUBACK 0x80 (refused) and keeps the connection open.
        done(null, own ? sub : null);
      },
      authorizeForward: (_client, packet) => packet,
    });
    broker.on('clientDisconnect', (client) => {
      const who = this.publishers.get(client);
      if (who?.kind === 'device') {
        this.bus.publish('device.disconnected', {
          deviceId: who.device.id,
          code: who.device.code,
          orgUnitPath: who.device.orgUnitPath,
          at: new Date().toISOString(),
        });
      }
    });
    this.broker = broker;
    this.server = net.createServer(broker.handle);
    this.port = await listenWithFallback(this.server, opts, this.log);
    return this.port;
  }

  private async authenticate(client: Client, username: string | undefined): Promise<boolean> {
    if (!username) return false;
    const device = await this.directory.byToken(username);
    if (device && device.status !== 'retired') {
      this.publishers.set(client, { kind: 'device', device });
      this.bus.publish('device.connected', {
        deviceId: device.id,
        code: device.code,
        orgUnitPath: device.orgUnitPath,
        at: new Date().toISOString(),
      });
      return true;
    }
    const groupId = await this.directory.group(username);
    if (groupId) {
      this.publishers.set(client, { kind: 'apikey', apikey: username, groupId });
      return true;
    }
    return false;
  }

  async close(): Promise<void> {
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
