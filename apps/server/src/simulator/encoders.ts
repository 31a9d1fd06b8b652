/**
 * Wire formats of the simulator: a Sample becomes MQTT messages in the three formats Civitas
 * ingests (docs: /work/shared/design/standards.md, "Devices in"), on the topics of the embedded
 * broker (`me` topics, credential in the CONNECT username) or of an external broker (credential
 * in the topic). Also makes the occasional broken packet.
 */
import { builtinProfiles } from '../modules/devices/builtin-profiles.js';
import type { Sample, SampleValue } from './models.js';
import type { Prng } from './prng.js';

export type SimFormat = 'thingsboard' | 'fiware' | 'senml';
export const simFormats: readonly SimFormat[] = ['thingsboard', 'fiware', 'senml'];

/** Where a device publishes and with which credential. */
export interface Addressing {
  code: string;
  format: SimFormat;
  token?: string | undefined;
  apikey?: string | undefined;
  /** Token-in-topic topics of an external broker instead of the embedded broker's `me` topics. */
  external?: boolean | undefined;
}

export interface Message {
  topic: string;
  payload: string;
  /** Data points (metric values and events) the message carries; 0 for a broken one. */
  points: number;
  kind: 'readings' | 'event' | 'malformed';
}

/** Metric key → FIWARE short object id, per profile (from the built-in profiles). */
const objectIds = new Map<string, Map<string, string>>(
  builtinProfiles.map((p) => [p.code, new Map(p.metrics.map((m) => [m.key, m.objectId ?? m.key]))]),
);

/** SenML units (RFC 8428 section 12.1 registry, or the usual forms) by metric key. */
const senmlUnits: Record<string, string> = {
  temperature: 'Cel',
  relativeHumidity: '%RH',
  LAeq: 'dB',
  LAmax: 'dB',
  waterLevel: 'm',
  batteryLevel: '/',
  fillingLevel: '/',
  illuminanceLevel: '/',
  powerConsumption: 'W',
  power: 'kW',
  energy: 'kWh',
  heartRate: 'beat/min',
  rssi: 'dBW',
  pH: 'pH',
  conductivity: 'uS/cm',
  O2: 'mg/l',
  turbidity: 'NTU',
  smokeDensity: '%',
};

/** The topic a device of this format publishes its readings to. */
export function topicFor(a: Addressing): string {
  if (a.format === 'fiware') {
    if (!a.apikey) throw new Error(`device ${a.code}: a FIWARE device needs an API key`);
    return `/json/${a.apikey}/${a.code}/attrs`;
  }
  const kind = a.format === 'senml' ? 'senml' : 'telemetry';
  if (!a.external) return `v1/devices/me/${kind}`;
  if (!a.token) throw new Error(`device ${a.code}: publishing through an external broker needs its token`);
  return `v1/devices/${a.token}/${kind}`;
}

/** The CONNECT username on the embedded broker: the device token, or the FIWARE group's API key. */
export function usernameFor(a: Addressing): string {
  const u = a.format === 'fiware' ? a.apikey : a.token;
  if (!u) throw new Error(`device ${a.code}: no ${a.format === 'fiware' ? 'API key' : 'token'}`);
  return u;
}

/** `{"ts":1700000000000,"values":{...}}`: ThingsBoard telemetry with the device's own clock. */
export function encodeThingsBoard(values: Record<string, SampleValue>, ts: number): string {
  return JSON.stringify({ ts, values });
}

/** `{"p25":12.5,"t":21.3,"TimeInstant":"..."}`: FIWARE IoT Agent JSON with short object ids. */
export function encodeFiware(profile: string, values: Record<string, SampleValue>, ts: number): string {
  const ids = objectIds.get(profile);
  const out: Record<string, SampleValue> = {};
  for (const [k, v] of Object.entries(values)) out[ids?.get(k) ?? k] = v;
  out.TimeInstant = new Date(ts).toISOString();
  return JSON.stringify(out);
}

/** A SenML pack: base name `urn:dev:civitas:{code}:`, base time in seconds, one record per value. */
export function encodeSenml(code: string, values: Record<string, SampleValue>, ts: number): string {
  const records: Record<string, string | number>[] = [];
  for (const [n, v] of Object.entries(values)) {
    const r: Record<string, string | number> =
      records.length === 0 ? { bn: `urn:dev:civitas:${code}:`, bt: ts / 1000, n } : { n };
    const u = senmlUnits[n];
    if (u && typeof v === 'number') r.u = u;
    if (typeof v === 'number') r.v = v;
    else r.vs = v;
    records.push(r);
  }
  return JSON.stringify(records);
}

/** An event as its own message: `{"event":"sortCorrect"}` (SenML: a record named "event"). */
export function encodeEvent(a: Addressing, kind: string): string {
  if (a.format === 'senml')
    return JSON.stringify([{ bn: `urn:dev:civitas:${a.code}:`, n: 'event', vs: kind }]);
  return JSON.stringify({ event: kind });
}

/** The messages one sample makes: the readings, then one message per event. */
export function encodeSample(a: Addressing, profile: string, sample: Sample, ts: number): Message[] {
  const topic = topicFor(a);
  const points = Object.keys(sample.values).length;
  const out: Message[] = [];
  if (points > 0) {
    const payload =
      a.format === 'thingsboard'
        ? encodeThingsBoard(sample.values, ts)
        : a.format === 'fiware'
          ? encodeFiware(profile, sample.values, ts)
          : encodeSenml(a.code, sample.values, ts);
    out.push({ topic, payload, points, kind: 'readings' });
  }
  for (const e of sample.events) out.push({ topic, payload: encodeEvent(a, e), points: 1, kind: 'event' });
  return out;
}

/**
 * A broken packet as real devices send them now and then: JSON cut off mid-way (a short
 * write), or a value of the wrong JSON type where the format wants another.
 */
export function encodeMalformed(
  a: Addressing,
  profile: string,
  sample: Sample,
  ts: number,
  rng: Prng,
): Message {
  const topic = topicFor(a);
  const [good] = encodeSample(a, profile, { values: sample.values, events: [] }, ts);
  const text = good?.payload ?? '{"x":1}';
  if (rng.chance(0.5))
    return {
      topic,
      payload: text.slice(0, Math.max(1, Math.floor(text.length * rng.range(0.2, 0.9)))),
      points: 0,
      kind: 'malformed',
    };
  const payload =
    a.format === 'thingsboard'
      ? JSON.stringify({ ts: new Date(ts).toUTCString(), values: sample.values })
      : a.format === 'fiware'
        ? JSON.stringify([Object.values(sample.values)])
        : JSON.stringify([
            { bn: `urn:dev:civitas:${a.code}:`, n: Object.keys(sample.values)[0] ?? 'x', v: 'n/a' },
          ]);
  return { topic, payload, points: 0, kind: 'malformed' };
}
