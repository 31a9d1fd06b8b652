import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Config } from '../../config.js';
import type { AuditLog } from '../../platform/audit/audit-log.js';
import type { FieldCipher } from '../../platform/crypto/field-cipher.js';
import type { DB } from '../../platform/db/schema.js';
import { LocalCommandSignal, PgCommandSignal, type CommandSignal } from './command-signal.js';
import { DeviceAttributesService } from './device-attributes.service.js';
import { DeviceCommandsRepository } from './device-commands.repository.js';
import { DeviceCommandsService } from './device-commands.service.js';
import { DeviceSecrets } from './device-secrets.js';
import type { DevicesRepository } from './devices.repository.js';
import type { DevicesService } from './devices.service.js';
import { DownlinkPort, type DownlinkDevice } from './downlink.js';

/**
 * The platform's side of the device protocols, wired once: commands, attributes, the downlink
 * port an MQTT door plugs into, and the signal that carries commands between processes.
 */
export function createDeviceControl(opts: {
  db: Kysely<DB>;
  config: Config;
  devices: DevicesService;
  devicesRepo: DevicesRepository;
  audit: AuditLog;
  cipher: FieldCipher;
  logger: Logger;
}) {
  const { db, config, devices, devicesRepo, audit } = opts;
  const log = opts.logger.child({ area: 'devices' });
  const repo = new DeviceCommandsRepository(db);
  const signal: CommandSignal = config.DATABASE_URL
    ? new PgCommandSignal(db, config.DATABASE_URL, log)
    : new LocalCommandSignal();
  const downlink = new DownlinkPort();
  const deviceCommands = new DeviceCommandsService(
    db,
    repo,
    devices,
    devicesRepo,
    audit,
    signal,
    downlink,
    log,
    {
      // Under the HTTP request's time budget, so a long wait answers with the command's state.
      maxWaitMs: Math.max(1000, Math.min(55_000, config.REQUEST_TIMEOUT_MS - 2000)),
      dispatchWaitMs: 1500,
    },
  );
  const deviceAttributes = new DeviceAttributesService(
    db,
    repo,
    devices,
    devicesRepo,
    audit,
    signal,
    downlink,
    log,
  );
  // Device-side RPC (the device asking the platform) is answered with an error: Civitas serves none.
  const refuseDeviceRpc = async (device: DownlinkDevice, requestId: string) => {
    const body = { error: 'device-side RPC is not supported by Civitas' };
    await downlink.send(device, { kind: 'rpc_response', requestId }, Buffer.from(JSON.stringify(body)));
  };
  return {
    deviceCommands,
    deviceAttributes,
    downlink,
    commandSignal: signal,
    deviceSecrets: new DeviceSecrets(db, opts.cipher),
    deviceControl: { commands: deviceCommands, attributes: deviceAttributes, refuseDeviceRpc },
  };
}
