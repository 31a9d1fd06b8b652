#!/usr/bin/env node
/**
 * `npm run simulate -- --devices 500 --rate 50`: registers simulated devices in a running Civitas
 * (through its API) and publishes realistic readings for them over MQTT until --duration ends or
 * Ctrl-C. See `--help`.
 */
import { parseArgs } from 'node:util';
import { provisionDevices } from './provision.js';
import { runSimulator } from './simulator.js';

const usage = `usage: npm run simulate -- [options]

  --url URL          Civitas API used to register the devices (default http://127.0.0.1:8080)
  --mqtt URL         MQTT broker to publish to (default: the --url host, port 1883). Civitas
                     prints the port of its embedded broker when 1883 was taken.
  --external         publish on the token-in-topic topics of an external broker (MQTT_URL mode),
                     e.g. --mqtt mqtt://127.0.0.1:1883 for a local Mosquitto
  --user NAME        who registers the devices (default demo-admin)
  --password PW      (default: $DEMO_PASSWORD, else civitas-demo-2026)
  --unit CODE        place devices in the grids of this org unit (default: all grids)
  --devices N        number of devices SIM-00001... (default 100)
  --rate R           messages per second over all devices (default 10)
  --duration S       stop after S seconds (default: run until Ctrl-C)
  --seed N           seed of every random choice (default 1)
  --qos 0|1          MQTT QoS (default 1)
  --time-scale X     run the simulated day X times faster than the clock (default 1)
`;

function fail(message: string): never {
  process.stderr.write(`${message}\n\n${usage}`);
  process.exit(2);
}

async function main(): Promise<void> {
  const { values: o } = parseArgs({
    options: {
      url: { type: 'string', default: 'http://127.0.0.1:8080' },
      mqtt: { type: 'string' },
      external: { type: 'boolean', default: false },
      user: { type: 'string', default: 'demo-admin' },
      password: { type: 'string' },
      unit: { type: 'string' },
      devices: { type: 'string', default: '100' },
      rate: { type: 'string', default: '10' },
      duration: { type: 'string' },
      seed: { type: 'string', default: '1' },
      qos: { type: 'string', default: '1' },
      'time-scale': { type: 'string', default: '1' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (o.help) {
    process.stdout.write(usage);
    return;
  }
  const number = (name: string, text: string | undefined, min: number, max: number): number => {
    const n = Number(text);
    if (!Number.isFinite(n) || n < min || n > max) fail(`--${name} must be a number from ${min} to ${max}`);
    return n;
  };
  const devices = Math.floor(number('devices', o.devices, 1, 99_999));
  const rate = number('rate', o.rate, 0.01, 1_000_000);
  const seed = Math.floor(number('seed', o.seed, 0, 2 ** 32 - 1));
  const duration = o.duration === undefined ? null : number('duration', o.duration, 1, 365 * 86_400);
  const timeScale = number('time-scale', o['time-scale'], 0.001, 100_000);
  if (o.qos !== '0' && o.qos !== '1') fail('--qos must be 0 or 1');
  let apiUrl: URL;
  try {
    apiUrl = new URL(o.url);
  } catch {
    fail(`--url ${o.url} is not a URL`);
  }
  const mqttUrl = o.mqtt ?? `mqtt://${apiUrl.hostname}:1883`;
  const password = o.password ?? process.env.DEMO_PASSWORD ?? 'civitas-demo-2026';
  const log = (line: string) => process.stdout.write(`[${new Date().toISOString().slice(11, 19)}] ${line}\n`);

  log(`registering ${devices} devices at ${apiUrl.origin} as ${o.user}…`);
  const sims = await provisionDevices({
    url: apiUrl.toString(),
    user: o.user,
    password,
    count: devices,
    seed,
    unit: o.unit,
    log,
  });
  const byFormat = (f: string) => sims.filter((d) => d.format === f).length;
  log(
    `publishing ${rate} msg/s to ${mqttUrl}${o.external ? ' (external-broker topics)' : ''}, QoS ${o.qos}: ` +
      `${byFormat('thingsboard')} ThingsBoard, ${byFormat('fiware')} FIWARE, ${byFormat('senml')} SenML devices` +
      (duration ? `, for ${duration} s` : ', Ctrl-C to stop'),
  );

  const stop = new AbortController();
  const onSignal = () => {
    log('stopping…');
    stop.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const timer = duration ? setTimeout(() => stop.abort(), duration * 1000) : null;
  const stats = await runSimulator({
    devices: sims,
    mqttUrl,
    rate,
    seed,
    signal: stop.signal,
    external: o.external,
    qos: o.qos === '0' ? 0 : 1,
    timeScale,
    log,
  });
  if (timer) clearTimeout(timer);
  log(
    `done: sent ${stats.sent}, acked ${stats.acked}, points ${stats.points}, events ${stats.events}, ` +
      `malformed ${stats.malformed}, errors ${stats.errors}`,
  );
}

main().catch((e: unknown) => {
  process.stderr.write(`simulate: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
