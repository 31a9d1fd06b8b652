import type { Logger } from 'pino';
import { newApiKey, newDeviceToken } from '../modules/devices/device-credentials.js';
import type { Services } from '../services.js';
import { runSimulator, type SimDevice } from '../simulator/simulator.js';
import { demoDevices } from './demo-devices.js';
import { generateDemoDistrict } from './demo-district.js';

/**
 * Demo mode's living dashboard: the demo devices publish over real MQTT to the embedded broker.
 * Credentials are issued afresh at each start and kept only in this process's memory: the
 * database never holds a demo secret that someone could read back.
 */
export async function startDemoSimulator(
  services: Services,
  mqttHost: string,
  mqttPort: number,
  log: Logger,
): Promise<AbortController> {
  const plan = new Map(demoDevices(generateDemoDistrict()).map((d) => [d.code, d]));
  const rows = await services.database.db
    .selectFrom('devices as d')
    .innerJoin('device_profiles as p', 'p.id', 'd.profile_id')
    .select(['d.id', 'd.code', 'd.org_unit_id', 'p.code as profile'])
    .where('d.code', 'like', 'DEMO-%')
    .execute();
  const districtId = (
    await services.database.db
      .selectFrom('org_units')
      .select('id')
      .where('parent_id', 'is', null)
      .executeTakeFirst()
  )?.id;
  if (rows.length === 0 || !districtId) return new AbortController();
  const key = newApiKey();
  const devices: SimDevice[] = [];
  await services.database.db.transaction().execute(async (trx) => {
    // The previous start's demo key is retired; only this process knows the new one.
    await trx
      .updateTable('api_key_groups')
      .set({ revoked_at: new Date() })
      .where('name', '=', 'demo simulator')
      .where('revoked_at', 'is', null)
      .execute();
    const groupId = await services.devicesRepo.insertGroup(trx, {
      name: 'demo simulator',
      hash: key.hash,
      prefix: key.prefix,
      orgUnitId: districtId,
    });
    const fiware: string[] = [];
    for (const r of rows) {
      const format = plan.get(r.code)?.format ?? 'thingsboard';
      if (format === 'fiware') {
        fiware.push(r.id);
        devices.push({ code: r.code, profile: r.profile, format, apikey: key.apikey });
      } else {
        const cred = newDeviceToken();
        await services.devicesRepo.setToken(trx, r.id, cred.hash, cred.prefix);
        devices.push({ code: r.code, profile: r.profile, format, token: cred.token });
      }
    }
    await services.devicesRepo.setGroup(trx, fiware, groupId);
  });
  services.bus.publish('device.changed', { deviceId: null });
  const controller = new AbortController();
  // One message per device every ten seconds: enough to see charts move, light on a small machine.
  runSimulator({
    devices,
    mqttUrl: `mqtt://${mqttHost}:${mqttPort}`,
    rate: Math.max(1, devices.length / 10),
    seed: 20260101,
    signal: controller.signal,
    log: (line) => log.debug({ line }, 'demo simulator'),
  }).catch((e: unknown) => log.warn({ err: e }, 'demo simulator stopped'));
  log.info({ devices: devices.length }, 'demo simulator publishing');
  return controller;
}
