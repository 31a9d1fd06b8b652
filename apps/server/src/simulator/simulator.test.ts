import { describe, expect, it } from 'vitest';
import { parseFiwareMeasures } from '../modules/telemetry/formats/fiware.js';
import { parseSenml } from '../modules/telemetry/formats/senml.js';
import { parseThingsBoardTelemetry } from '../modules/telemetry/formats/thingsboard.js';
import { builtinProfiles } from '../modules/devices/builtin-profiles.js';
import { type Addressing, encodeMalformed, encodeSample, topicFor, usernameFor } from './encoders.js';
import { bump, canSimulate, createModel, dayness, metricRanges, simulatedProfiles } from './models.js';
import { Prng } from './prng.js';
import { planDevice } from './provision.js';

const T0 = Date.UTC(2026, 10, 2, 0, 0, 0);
const MIN = 60_000;

/** A day of samples, one every 5 minutes, in UTC. */
function day(profile: string, seed: number, code = 'SIM-00001') {
  const m = createModel(profile, seed, code, { utcOffsetMinutes: 0 });
  return Array.from({ length: 288 }, (_, i) => m.sample(T0 + i * 5 * MIN));
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const at = (samples: ReturnType<typeof day>, key: string, hours: number[]) =>
  samples.filter((_, i) => hours.includes(Math.floor((i * 5) / 60))).map((s) => s.values[key] as number);

describe('PRNG', () => {
  it('is deterministic per seed and spreads evenly', () => {
    const a = new Prng(42);
    const b = new Prng(42);
    const xs = Array.from({ length: 10_000 }, () => a.next());
    expect(Array.from({ length: 10_000 }, () => b.next())).toEqual(xs);
    expect(new Prng(43).next()).not.toBe(xs[0]);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(mean(xs)).toBeCloseTo(0.5, 1);
  });
});

describe('device models', () => {
  it.each(simulatedProfiles)('%s is deterministic for a seed and differs between seeds', (profile) => {
    expect(day(profile, 7)).toEqual(day(profile, 7));
    expect(JSON.stringify(day(profile, 7))).not.toEqual(JSON.stringify(day(profile, 8)));
  });

  it.each(simulatedProfiles)(
    '%s stays mostly within its profile ranges and sends only its metrics',
    (profile) => {
      const p = builtinProfiles.find((x) => x.code === profile)!;
      const ranges = metricRanges.get(profile)!;
      let inside = 0;
      let total = 0;
      for (let d = 0; d < 20; d++) {
        for (const s of day(profile, 1, `SIM-${d}`)) {
          for (const [key, v] of Object.entries(s.values)) {
            const metric = p.metrics.find((m) => m.key === key);
            expect(metric, `${profile}.${key}`).toBeDefined();
            if (metric!.type === 'text') {
              expect(metric!.values).toContain(v);
              continue;
            }
            expect(typeof v).toBe('number');
            const r = ranges.get(key)!;
            total++;
            if ((v as number) >= r.min && (v as number) <= r.max) inside++;
          }
          for (const e of s.events) expect(p.events).toContain(e);
        }
      }
      // Spikes (0.5 % of samples by default) are the only values allowed outside.
      expect(inside / total).toBeGreaterThan(0.99);
      expect(inside / total).toBeLessThan(1);
    },
  );

  it('plays every other built-in profile with a generic model', () => {
    for (const p of builtinProfiles.filter(
      (x) => !(simulatedProfiles as readonly string[]).includes(x.code),
    )) {
      expect(canSimulate(p.code)).toBe(true);
      const m = createModel(p.code, 1, 'SIM-00009', { utcOffsetMinutes: 0, spikeRate: 0 });
      for (let i = 0; i < 500; i++) {
        const s = m.sample(T0 + i * 5 * MIN);
        expect(Object.keys(s.values).sort()).toEqual(p.metrics.map((x) => x.key).sort());
        for (const metric of p.metrics) {
          const v = s.values[metric.key];
          if (metric.type === 'number') {
            expect(v).toBeGreaterThanOrEqual(metric.min);
            expect(v).toBeLessThanOrEqual(metric.max);
          } else if (metric.type === 'text' && metric.values) expect(metric.values).toContain(v);
        }
        for (const e of s.events) expect(p.events).toContain(e);
      }
    }
    expect(canSimulate('no-such-profile')).toBe(false);
    expect(() => createModel('no-such-profile', 1, 'X')).toThrow(/no model/);
  });

  it('follows daily curves: rush-hour and night air pollution, quiet nights, lights at night', () => {
    const air = Array.from({ length: 10 }, (_, d) => day('air-quality', 3, `AQ-${d}`)).flat();
    // Ten stations; hours of a day repeat every 288 samples.
    const byHour = (key: string, hours: number[]) =>
      mean(
        air
          .filter((_, i) => hours.includes(Math.floor(((i % 288) * 5) / 60)))
          .map((s) => s.values[key] as number)
          .filter((v) => v < 1000),
      );
    expect(byHour('pm25', [8, 18])).toBeGreaterThan(byHour('pm25', [12, 13]) * 1.3);
    expect(byHour('pm25', [1, 2, 3])).toBeGreaterThan(byHour('pm25', [12, 13]) * 1.3);
    const noise = day('noise', 3);
    expect(mean(at(noise, 'LAeq', [2, 3, 4]))).toBeLessThan(mean(at(noise, 'LAeq', [10, 11, 17, 18])) - 15);
    const light = day('streetlight', 3);
    expect(light[12 * 3]!.values.powerState).toBe('low'); // 03:00
    expect(light[12 * 12]!.values.powerState).toBe('off'); // 12:00
    expect(light[12 * 21]!.values.powerState).toBe('on'); // 21:00
    expect(bump(23, 1, 1)).toBeCloseTo(bump(3, 1, 1));
    expect(dayness(3)).toBeLessThan(0.01);
    expect(dayness(14)).toBeGreaterThan(0.99);
  });

  it('fills waste bins over the day, empties them with an event, and sends sorting events', () => {
    const events: string[] = [];
    let rises = 0;
    let resets = 0;
    for (let d = 0; d < 10; d++) {
      const m = createModel('waste-bin', 5, `WB-${d}`, { utcOffsetMinutes: 0, spikeRate: 0 });
      let prev = -1;
      for (let i = 0; i < 288 * 3; i++) {
        const s = m.sample(T0 + i * 5 * MIN);
        const fill = s.values.fillingLevel as number;
        if (s.events.includes('emptied')) {
          resets++;
          expect(fill).toBeLessThan(0.05);
        } else if (prev >= 0) expect(fill).toBeGreaterThanOrEqual(prev);
        if (fill > prev) rises++;
        prev = fill;
        events.push(...s.events);
      }
    }
    expect(resets).toBeGreaterThan(5);
    expect(rises).toBeGreaterThan(1000);
    expect(events).toContain('sortCorrect');
    expect(events).toContain('sortIncorrect');
  });

  it('raises water levels during rain episodes', () => {
    const levels = Array.from({ length: 20 }, (_, d) => {
      const m = createModel('water-level', 9, `WL-${d}`, { utcOffsetMinutes: 0, spikeRate: 0 });
      const xs = Array.from(
        { length: 288 * 7 },
        (_, i) => m.sample(T0 + i * 5 * MIN).values.waterLevel as number,
      );
      return Math.max(...xs) - Math.min(...xs);
    });
    // Over a week some rain falls: levels move by more than the sensor noise.
    expect(Math.max(...levels)).toBeGreaterThan(0.1);
  });
});

describe('encoders produce what the server parsers accept', () => {
  const now = T0 + 12 * 3_600_000;
  const cases = simulatedProfiles.flatMap((profile) => {
    const s = createModel(profile, 11, 'SIM-00042', { utcOffsetMinutes: 0, spikeRate: 0 }).sample(now);
    return [{ profile, sample: { ...s, events: ['sos'] } }];
  });

  it.each(cases)('ThingsBoard: $profile', ({ profile, sample }) => {
    const a: Addressing = { code: 'SIM-00042', format: 'thingsboard', token: 'tok' };
    const [readings, event] = encodeSample(a, profile, sample, now);
    expect(readings!.topic).toBe('v1/devices/me/telemetry');
    const parsed = parseThingsBoardTelemetry(Buffer.from(readings!.payload));
    expect(parsed).toEqual({
      ok: true,
      value: Object.entries(sample.values).map(([key, value]) => ({ key, value, ts: now })),
    });
    expect(readings!.points).toBe(Object.keys(sample.values).length);
    expect(event!.payload).toBe('{"event":"sos"}');
    expect(parseThingsBoardTelemetry(Buffer.from(event!.payload))).toEqual({
      ok: true,
      value: [{ key: 'event', value: 'sos', ts: null }],
    });
  });

  it.each(cases)('FIWARE with short object ids: $profile', ({ profile, sample }) => {
    const a: Addressing = { code: 'SIM-00042', format: 'fiware', apikey: 'KEY' };
    const [readings, event] = encodeSample(a, profile, sample, now);
    expect(readings!.topic).toBe('/json/KEY/SIM-00042/attrs');
    const parsed = parseFiwareMeasures(Buffer.from(readings!.payload));
    const ids = new Map(
      builtinProfiles.find((p) => p.code === profile)!.metrics.map((m) => [m.objectId, m.key]),
    );
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.value.map((r) => ({ ...r, key: ids.get(r.key) }))).toEqual(
      Object.entries(sample.values).map(([key, value]) => ({ key, value, ts: now })),
    );
    expect(parseFiwareMeasures(Buffer.from(event!.payload))).toEqual({
      ok: true,
      value: [{ key: 'event', value: 'sos', ts: null }],
    });
  });

  it.each(cases)('SenML: $profile', ({ profile, sample }) => {
    const a: Addressing = { code: 'SIM-00042', format: 'senml', token: 'tok', external: true };
    const [readings, event] = encodeSample(a, profile, sample, now);
    expect(readings!.topic).toBe('v1/devices/tok/senml');
    const parsed = parseSenml(Buffer.from(readings!.payload), now);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.value).toHaveLength(1);
    expect(parsed.value[0]!.name).toBe('urn:dev:civitas:SIM-00042:');
    expect(parsed.value[0]!.readings.map(({ key, value, ts }) => ({ key, value, ts }))).toEqual(
      Object.entries(sample.values).map(([key, value]) => ({ key, value, ts: now })),
    );
    const ev = parseSenml(Buffer.from(event!.payload), now);
    expect(ev.ok && ev.value[0]!.readings[0]).toMatchObject({ key: 'event', value: 'sos', ts: null });
  });

  it('makes malformed packets that every parser refuses', () => {
    const rng = new Prng(1);
    const sample = createModel('air-quality', 1, 'SIM-00001').sample(now);
    for (let i = 0; i < 50; i++) {
      const tb = encodeMalformed(
        { code: 'SIM-00001', format: 'thingsboard' },
        'air-quality',
        sample,
        now,
        rng,
      );
      expect(parseThingsBoardTelemetry(Buffer.from(tb.payload)).ok).toBe(false);
      const fw = encodeMalformed(
        { code: 'SIM-00001', format: 'fiware', apikey: 'K' },
        'air-quality',
        sample,
        now,
        rng,
      );
      expect(parseFiwareMeasures(Buffer.from(fw.payload)).ok).toBe(false);
      const sm = encodeMalformed({ code: 'SIM-00001', format: 'senml' }, 'air-quality', sample, now, rng);
      expect(parseSenml(Buffer.from(sm.payload), now).ok).toBe(false);
    }
  });

  it('addresses embedded and external brokers', () => {
    expect(topicFor({ code: 'A', format: 'thingsboard', token: 't', external: true })).toBe(
      'v1/devices/t/telemetry',
    );
    expect(topicFor({ code: 'A', format: 'senml', token: 't' })).toBe('v1/devices/me/senml');
    expect(usernameFor({ code: 'A', format: 'fiware', apikey: 'k', token: 't' })).toBe('k');
    expect(usernameFor({ code: 'A', format: 'senml', token: 't' })).toBe('t');
  });

  it('plans a stable profile and format mix', () => {
    const plans = Array.from({ length: 1000 }, (_, i) => planDevice(i + 1));
    expect(plans[0]!.code).toBe('SIM-00001');
    expect(planDevice(7)).toEqual(planDevice(7));
    expect(new Set(plans.map((p) => p.profile))).toEqual(new Set(simulatedProfiles));
    expect(plans.filter((p) => p.format === 'fiware')).toHaveLength(250);
  });
});
