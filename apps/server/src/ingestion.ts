import os from 'node:os';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { EmbeddedBroker } from './modules/telemetry/doors/embedded-broker.js';
import { defaultClientId, ExternalSubscriber } from './modules/telemetry/doors/external-subscriber.js';
import type { Services } from './services.js';
import { reach, shownUrl } from './platform/lifecycle/startup-wait.js';

/**
 * Starts the MQTT door (the embedded broker, or a subscriber at MQTT_URL), plugs it in as the
 * downlink to devices, and starts the telemetry and command background jobs. HTTP doors are
 * routes and start with the HTTP server.
 */
export async function startIngestion(
  config: Config,
  services: Services,
  logger: Logger,
  /** Retrying an external broker that is not up yet (STARTUP_WAIT_SECONDS, ADR 0038). */
  wait: { waitSeconds: number; signal?: AbortSignal } = { waitSeconds: 0 },
) {
  const log = logger.child({ area: 'mqtt' });
  let close: () => Promise<void> = async () => undefined;
  let detach: () => void = () => undefined;
  let mqttPort: number | null = null;
  // Commands issued through another process reach a device connected to this one (ADR 0018).
  await services.commandSignal.start();
  if (config.MQTT_URL) {
    // Mosquitto keeps a dead member's messages in its sessions until the same client id returns
    // (docs/deployment.md), so the default id is the same at every start of this process.
    const sub = new ExternalSubscriber(services.router, log, services.deviceSecrets);
    const url = config.MQTT_URL;
    services.readiness.set('broker', () => 'starting');
    try {
      await reach(
        'MQTT_URL',
        shownUrl(url),
        () =>
          sub.start({
            url,
            clientId: config.MQTT_CLIENT_ID ?? defaultClientId(os.hostname(), config.ROLE, config.INSTANCE),
            sharedGroup: config.MQTT_SHARED_GROUP,
            connections: config.MQTT_SUBSCRIBER_CONNECTIONS,
            inflight: config.MQTT_SUBSCRIBER_INFLIGHT,
            username: config.MQTT_USERNAME,
            password: config.MQTT_PASSWORD,
          }),
        { ...wait, log: logger.child({ area: 'startup' }) },
      );
    } catch (e) {
      await services.commandSignal.close();
      throw e;
    }
    // Every connection of the shared group must be up: one that is down holds its share.
    services.readiness.set('broker', () => (sub.connected ? 'up' : 'down'));
    close = () => sub.close();
    detach = services.downlink.attach(sub);
    services.monitoring.gaugeOf(
      'mqtt_connections',
      'MQTT connections of this process: to the broker at MQTT_URL, or of devices to the embedded broker',
      () => sub.connectionCount,
    );
  } else if (config.MQTT_PORT !== 0) {
    const broker = new EmbeddedBroker(services.directory, services.router, services.bus, log);
    mqttPort = await broker.start({ port: config.MQTT_PORT, host: config.HOST, portAttempts: 20 });
    close = () => broker.close();
    detach = services.downlink.attach(broker);
    services.monitoring.gaugeOf(
      'mqtt_connections',
      'MQTT connections of this process: to the broker at MQTT_URL, or of devices to the embedded broker',
      () => broker.connectionCount,
    );
  }
  return {
    mqttPort,
    close: async () => {
      detach();
      await close();
      await services.commandSignal.close();
    },
  };
}
