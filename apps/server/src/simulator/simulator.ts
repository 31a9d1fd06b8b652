/**
 * The device simulator's engine: one MQTT connection per simulated device, publishing what the
 * device models produce at a paced total rate. Used by `npm run simulate` (cli.ts) and, in
 * process, by the server's demo mode.
 */
import mqtt, { type MqttClient } from 'mqtt';
import {
  type Addressing,
  type SimFormat,
  encodeMalformed,
  encodeSample,
  topicFor,
  usernameFor,
} from './encoders.js';
import { type DeviceModel, canSimulate, createModel } from './models.js';
import { Prng, hashString } from './prng.js';

/**
 * One device to play. `token` is required for ThingsBoard and SenML, `apikey` for FIWARE. Every
 * built-in profile can be played: the common ones by dedicated models (daily curves, weather,
 * events), the rest by a generic one; devices of other profiles are left out with a log line.
 */
export interface SimDevice {
  /** The device code as registered in Civitas (FIWARE: the deviceId in the topic). */
  code: string;
  /** A built-in profile code with a simulator model, see `simulatedProfiles`. */
  profile: string;
  format: SimFormat;
  token?: string;
  apikey?: string;
}

export interface SimulatorOptions {
  devices: SimDevice[];
  /** Broker to publish to, e.g. mqtt://127.0.0.1:1883 (the embedded broker, or Mosquitto with `external`). */
  mqttUrl: string;
  /** Messages per second over all devices. */
  rate: number;
  /** Seed of every random choice: the same seed gives the same readings and the same anomalies. */
  seed: number;
  /** Aborting stops publishing, ends every connection and resolves the returned promise. */
  signal?: AbortSignal;
  /** Publish on the external-broker topics (`v1/devices/{token}/telemetry`, ...) instead of `me`. */
  external?: boolean;
  /** MQTT QoS of the publications (default 1). */
  qos?: 0 | 1;
  /** Receives the status line every `statusIntervalMs` and notable events (default: nothing). */
  log?: (line: string) => void;
  /** Simulated time runs this many times faster than the wall clock, for the daily curves (default 1). */
  timeScale?: number;
  /** Share of messages sent broken: truncated JSON or wrong types (default 0.003). */
  malformedRate?: number;
  /** Probability per message slot that a device falls silent for 1-10 minutes (default 0.001). */
  silenceRate?: number;
  /** Probability per sample of a spike beyond the profile range (default 0.005). */
  spikeRate?: number;
  statusIntervalMs?: number;
  /** Offset of the simulated local time from UTC, for the daily curves (default: this process's zone). */
  utcOffsetMinutes?: number;
}

export interface SimulatorStats {
  /** Messages handed to the MQTT client (readings, events and broken ones). */
  sent: number;
  /** Of those, acknowledged by the broker (QoS 1) or written to the socket (QoS 0). */
  acked: number;
  /** Data points in the sent messages. */
  points: number;
  malformed: number;
  events: number;
  /** Connection and publish errors. */
  errors: number;
  /** Slots skipped because every candidate device was silent, offline or backlogged. */
  skipped: number;
  connected: number;
  silent: number;
}

/** Unacknowledged QoS 1 messages one device may have before it skips its turn. */
const MAX_INFLIGHT = 20;
const TICK_MS = 50;

interface Player {
  device: SimDevice;
  addressing: Addressing;
  model: DeviceModel;
  rng: Prng;
  client: MqttClient | null;
  connected: boolean;
  refused: boolean;
  inflight: number;
  silentUntil: number;
  lastTs: number;
}

/**
 * Runs until `signal` aborts; resolves with the final counters once every connection is ended.
 * Without a signal it runs for as long as the process lives.
 */
export async function runSimulator(opts: SimulatorOptions): Promise<SimulatorStats> {
  const log = opts.log ?? (() => undefined);
  const qos = opts.qos ?? 1;
  const timeScale = opts.timeScale ?? 1;
  const malformedRate = opts.malformedRate ?? 0.003;
  const silenceRate = opts.silenceRate ?? 0.001;
  if (!(opts.rate > 0)) throw new Error('rate must be a positive number of messages per second');
  if (opts.devices.length === 0) throw new Error('no devices to simulate');
  const stats: SimulatorStats = {
    sent: 0,
    acked: 0,
    points: 0,
    malformed: 0,
    events: 0,
    errors: 0,
    skipped: 0,
    connected: 0,
    silent: 0,
  };
  const rng = new Prng(hashString(`${opts.seed}:engine`));
  const playable = opts.devices.filter((d) => canSimulate(d.profile));
  if (playable.length < opts.devices.length) {
    const skipped = opts.devices.filter((d) => !canSimulate(d.profile));
    log(
      `no model for ${skipped.length} device(s) of profile(s) ${[...new Set(skipped.map((d) => d.profile))].join(', ')}: left out`,
    );
  }
  if (playable.length === 0) throw new Error('none of the devices has a profile the simulator can play');
  const players: Player[] = playable.map((device) => {
    const addressing: Addressing = {
      code: device.code,
      format: device.format,
      token: device.token,
      apikey: device.apikey,
      external: opts.external ?? false,
    };
    return {
      device,
      addressing,
      model: createModel(device.profile, opts.seed, device.code, {
        ...(opts.spikeRate !== undefined ? { spikeRate: opts.spikeRate } : {}),
        ...(opts.utcOffsetMinutes !== undefined ? { utcOffsetMinutes: opts.utcOffsetMinutes } : {}),
      }),
      rng: new Prng(hashString(`${opts.seed}:${device.code}:wire`)),
      client: null,
      connected: false,
      refused: false,
      inflight: 0,
      silentUntil: 0,
      lastTs: 0,
    };
  });
  // Every device must have the credential its format and broker need, before any connection opens.
  for (const p of players) {
    topicFor(p.addressing);
    if (!opts.external) usernameFor(p.addressing);
  }
  // The order in which devices take turns: shuffled, so profiles are interleaved.
  for (let i = players.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [players[i], players[j]] = [players[j]!, players[i]!];
  }

  const errorsSeen = new Set<string>();
  const noteError = (p: Player, what: string) => {
    stats.errors++;
    // One line per kind of problem, not one per device and retry.
    const key = what.replace(/SIM-\d+|[0-9a-f]{8,}/g, '#');
    if (errorsSeen.size < 50 && !errorsSeen.has(key)) {
      errorsSeen.add(key);
      log(`error (${p.device.code}): ${what}`);
    }
  };

  const runId = Math.floor(Math.random() * 0xffffff).toString(16);
  for (const p of players) {
    const external = opts.external ?? false;
    const client = mqtt.connect(opts.mqttUrl, {
      clientId: `civitas-sim-${p.device.code}-${runId}`.slice(0, 64),
      clean: true,
      protocolVersion: 4,
      reconnectPeriod: 5000,
      connectTimeout: 15_000,
      keepalive: 60,
      // The embedded broker authenticates with the token or API key as username; an external
      // broker has its own credentials (none on a local Mosquitto with anonymous access).
      ...(external ? {} : { username: usernameFor(p.addressing), password: '' }),
    });
    p.client = client;
    client.on('connect', () => {
      p.connected = true;
    });
    client.on('close', () => {
      p.connected = false;
    });
    client.on('error', (e: Error & { code?: number | string }) => {
      noteError(p, e.message);
      // CONNACK "not authorized" (3.1.1: 5): retrying will not help.
      if (e.code === 5 || e.code === 4 || e.code === 135 || e.code === 134) {
        p.refused = true;
        client.end(true);
      }
    });
  }

  const publish = (p: Player, topic: string, payload: string) => {
    p.inflight++;
    stats.sent++;
    p.client!.publish(topic, payload, { qos }, (err) => {
      p.inflight--;
      if (err) noteError(p, err.message);
      else stats.acked++;
    });
  };

  const start = Date.now();
  let cursor = 0;
  let due = 0;
  const turn = () => {
    const now = Date.now();
    const simNow = start + (now - start) * timeScale;
    for (let tries = 0; tries < players.length; tries++) {
      const p = players[cursor]!;
      cursor = (cursor + 1) % players.length;
      if (!p.connected || p.refused || p.inflight >= MAX_INFLIGHT || p.silentUntil > now) continue;
      if (p.rng.chance(silenceRate)) {
        p.silentUntil = now + p.rng.range(60_000, 600_000);
        continue;
      }
      // Device clocks tick in ms: keep each device's timestamps strictly increasing.
      const ts = Math.max(now, p.lastTs + 1);
      p.lastTs = ts;
      const sample = p.model.sample(simNow);
      if (p.rng.chance(malformedRate)) {
        const m = encodeMalformed(p.addressing, p.device.profile, sample, ts, p.rng);
        stats.malformed++;
        publish(p, m.topic, m.payload);
        return;
      }
      for (const m of encodeSample(p.addressing, p.device.profile, sample, ts)) {
        stats.points += m.points;
        if (m.kind === 'event') stats.events++;
        publish(p, m.topic, m.payload);
      }
      return;
    }
    stats.skipped++;
  };

  const tick = setInterval(() => {
    const target = Math.floor(((Date.now() - start) / 1000) * opts.rate);
    // After a stall (a long GC, a suspended laptop) do not burst to catch up on more than a second.
    if (target - due > opts.rate) due = target - Math.ceil(opts.rate);
    while (due < target) {
      due++;
      turn();
    }
  }, TICK_MS);

  let last = { at: start, sent: 0 };
  const status = setInterval(() => {
    const now = Date.now();
    stats.connected = players.filter((p) => p.connected).length;
    stats.silent = players.filter((p) => p.silentUntil > now).length;
    const rate = ((stats.sent - last.sent) * 1000) / Math.max(1, now - last.at);
    last = { at: now, sent: stats.sent };
    log(
      `sent ${stats.sent} (${rate.toFixed(1)}/s), acked ${stats.acked}, points ${stats.points}, ` +
        `events ${stats.events}, malformed ${stats.malformed}, errors ${stats.errors}, ` +
        `connected ${stats.connected}/${players.length}, silent ${stats.silent}`,
    );
  }, opts.statusIntervalMs ?? 5000);

  await new Promise<void>((resolve) => {
    if (!opts.signal) return;
    if (opts.signal.aborted) return resolve();
    opts.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  clearInterval(tick);
  clearInterval(status);
  // Give outstanding acknowledgements a moment, then end every connection.
  const until = Date.now() + 2000;
  while (players.some((p) => p.connected && p.inflight > 0) && Date.now() < until)
    await new Promise((r) => setTimeout(r, 50));
  await Promise.all(
    players.map((p) => (p.client ? p.client.endAsync(true).catch(() => undefined) : Promise.resolve())),
  );
  stats.connected = 0;
  return stats;
}
