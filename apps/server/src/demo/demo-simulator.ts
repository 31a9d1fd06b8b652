import type { Logger } from 'pino';
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
  const demo = generateDemoDistrict();
  const plan = new Map(demoDevices(demo).map((d) => [d.code, d]));
  const root = demo.units.find((u) => !u.parentCode);
  const district = root ? await services.orgs.findByCode(root.code) : undefined;
  if (!district) return new AbortController();
  const devices: SimDevice[] = await services.deviceSeeding.issueSimulatorCredentials({
    codePrefix: 'DEMO-',
    groupName: 'demo simulator',
    groupUnitId: district.id,
    formatOf: (code) => plan.get(code)?.format ?? 'thingsboard',
  });
  if (devices.length === 0) return new AbortController();
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
