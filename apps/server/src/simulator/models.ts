/**
 * Device behaviour for the simulator: each profile gets a model that turns simulated time into
 * plausible readings (daily curves, weather, state such as a bin's filling level) plus the rare
 * events the profile declares. Everything draws from a seeded Prng, so one seed gives one history.
 */
import { builtinProfiles } from '../modules/devices/builtin-profiles.js';
import { Prng, hashString } from './prng.js';

export type SampleValue = number | string;

/** What a device reports at one instant: metric values keyed by metric key, and events. */
export interface Sample {
  values: Record<string, SampleValue>;
  events: string[];
}

export interface DeviceModel {
  readonly profile: string;
  /** The device's reading at simulated time `t` (epoch ms); calls must come in time order. */
  sample(t: number): Sample;
}

export interface ModelOptions {
  /** Offset of local time from UTC, for the daily curves (default: this process's zone). */
  utcOffsetMinutes?: number;
  /** Probability that a sample carries one value beyond the profile's range (default 0.005). */
  spikeRate?: number;
}

/** The profiles the simulator knows how to play, in the order of the default mix. */
export const simulatedProfiles = [
  'air-quality',
  'noise',
  'water-level',
  'waste-bin',
  'streetlight',
  'parking-spot',
  'sos-wearable',
  'smoke-detector',
  'water-quality',
  'electricity-meter',
] as const;
export type SimulatedProfile = (typeof simulatedProfiles)[number];

const HOUR = 3_600_000;

/** Hour of the day in [0, 24) at `t`, local to the offset. */
export function hourOfDay(t: number, utcOffsetMinutes: number): number {
  const h = (t + utcOffsetMinutes * 60_000) / HOUR;
  return ((h % 24) + 24) % 24;
}

/** A Gaussian bump around `center` (hours) that wraps around midnight. */
export function bump(h: number, center: number, width: number): number {
  let d = Math.abs(h - center);
  if (d > 12) d = 24 - d;
  return Math.exp(-(d * d) / (2 * width * width));
}

/** 1 in the daytime, 0 at night, with smooth dawn (6-8 h) and dusk (21-23 h). */
export function dayness(h: number): number {
  const up = 1 / (1 + Math.exp(-(h - 7) * 2.5));
  const down = 1 / (1 + Math.exp((h - 22) * 2.5));
  return up * down;
}

/** Traffic rush hours: peaks at 8 h and 18 h. */
export const rush = (h: number) => bump(h, 8, 1.2) + bump(h, 18, 1.5);
/** Night-time temperature inversion that traps pollutants near the ground (22-6 h). */
export const inversion = (h: number) => bump(h, 2.5, 2.8);

/**
 * District-wide weather, the same for every device of a seed: each 3-hour slot has a 20 % chance
 * of a rain episode with its own intensity (mm/h) and shape.
 */
export class Weather {
  constructor(private readonly seed: number) {}

  rain(t: number): number {
    const slot = Math.floor(t / (3 * HOUR));
    const rng = new Prng(hashString(`${this.seed}:rain:${slot}`));
    if (!rng.chance(0.2)) return 0;
    const peak = rng.range(2, 25);
    const within = (t - slot * 3 * HOUR) / (3 * HOUR);
    return peak * Math.sin(Math.PI * within) ** 2;
  }
}

const round = (v: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
};
const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/** A mean-reverting random walk (Ornstein-Uhlenbeck), for slowly wandering noise. */
class Drift {
  private x = 0;
  constructor(
    private readonly rng: Prng,
    private readonly sd: number,
    private readonly halfLifeMs = 20 * 60_000,
  ) {}
  step(dt: number): number {
    const keep = dt <= 0 ? 1 : Math.pow(0.5, dt / this.halfLifeMs);
    this.x = this.x * keep + this.rng.normal(0, this.sd * Math.sqrt(1 - keep * keep));
    return this.x;
  }
}

interface Ctx {
  rng: Prng;
  weather: Weather;
  hour: (t: number) => number;
}

type Behaviour = (t: number, dt: number) => Sample;

function battery(rng: Prng) {
  let level = rng.range(0.55, 1);
  const drainPerHour = rng.range(0.00005, 0.0004);
  return (dt: number) => {
    level = Math.max(0.01, level - (drainPerHour * dt) / HOUR);
    return round(level, 3);
  };
}

const behaviours: Record<SimulatedProfile, (c: Ctx) => Behaviour> = {
  'air-quality': ({ rng, weather, hour }) => {
    const base = rng.range(12, 35);
    const drift = new Drift(rng, 0.25);
    const tempMean = rng.range(8, 22);
    return (t, dt) => {
      const h = hour(t);
      const r = rush(h);
      const inv = inversion(h);
      const washout = 1 / (1 + weather.rain(t) / 4);
      const noise = Math.exp(drift.step(dt));
      const pm25 = base * (1 + 0.9 * r + 0.8 * inv) * washout * noise;
      const temperature = tempMean + 5 * Math.cos(((h - 14) / 24) * 2 * Math.PI) + rng.normal(0, 0.3);
      const raining = weather.rain(t) > 0.5;
      return {
        values: {
          pm25: round(pm25, 1),
          pm10: round(pm25 * rng.range(1.4, 1.9), 1),
          no2: round((18 + 45 * r + 10 * inv) * noise, 1),
          o3: round(Math.max(2, 25 + 75 * bump(h, 15, 2.5) - 12 * r + rng.normal(0, 3)), 1),
          co: round((0.35 + 0.9 * r + 0.35 * inv) * noise, 2),
          so2: round(4 + 4 * r + rng.range(0, 2), 1),
          temperature: round(temperature, 1),
          relativeHumidity: round(
            clamp(
              raining ? rng.range(88, 98) : 62 - 0.9 * (temperature - tempMean) * 4 + rng.normal(0, 2),
              5,
              100,
            ),
            1,
          ),
        },
        events: [],
      };
    };
  },
  noise: ({ rng, hour }) => {
    const loud = rng.range(-4, 6);
    return (t) => {
      const h = hour(t);
      const laeq = 37 + loud + 24 * dayness(h) + 6 * rush(h) + rng.normal(0, 1.5);
      return { values: { LAeq: round(laeq, 1), LAmax: round(laeq + rng.range(6, 22), 1) }, events: [] };
    };
  },
  'water-level': ({ rng, weather }) => {
    const base = rng.range(0.3, 2.5);
    let level = base;
    const bat = battery(rng);
    return (t, dt) => {
      const hours = dt / HOUR;
      // Rain raises the level; the excess drains away with a half-life of about three hours.
      level += weather.rain(t) * 0.04 * hours - (level - base) * (1 - Math.pow(0.5, hours / 3));
      return {
        values: { waterLevel: round(level + rng.normal(0, 0.005), 3), batteryLevel: bat(dt) },
        events: [],
      };
    };
  },
  'waste-bin': ({ rng, hour }) => {
    let fill = rng.range(0, 0.6);
    const perHour = rng.range(0.02, 0.07);
    const emptyAt = rng.range(0.75, 0.95);
    const bat = battery(rng);
    return (t, dt) => {
      const h = hour(t);
      const events: string[] = [];
      // Filling follows people's day; collection rounds run 6-18 h.
      fill = Math.min(1, fill + perHour * (0.15 + 1.6 * dayness(h)) * (dt / HOUR) * rng.range(0.5, 1.5));
      if (fill >= emptyAt && h >= 6 && h < 18 && rng.chance(0.3)) {
        events.push('emptied');
        fill = rng.range(0, 0.04);
      }
      if (rng.chance(0.12 * dayness(h) + 0.01))
        events.push(rng.chance(0.82) ? 'sortCorrect' : 'sortIncorrect');
      return {
        values: {
          fillingLevel: round(fill, 3),
          temperature: round(14 + 8 * dayness(h) + rng.normal(0, 1), 1),
          batteryLevel: bat(dt),
        },
        events,
      };
    };
  },
  streetlight: ({ rng, hour }) => {
    const watts = rng.pick([60, 90, 120, 150]);
    const defective = rng.chance(0.02);
    return (t) => {
      const h = hour(t);
      const dark = h >= 18.5 || h < 6.2;
      const deep = h >= 1 && h < 5;
      const state = dark ? (deep ? 'low' : 'on') : 'off';
      const illum = defective ? 0 : state === 'on' ? 1 : state === 'low' ? 0.4 : 0;
      return {
        values: {
          powerState: state,
          status: defective ? 'defectiveLamp' : 'ok',
          illuminanceLevel: illum,
          powerConsumption: round(illum > 0 ? watts * illum * rng.range(0.95, 1.05) : rng.range(0, 1.5), 1),
        },
        events: [],
      };
    };
  },
  'parking-spot': ({ rng, hour }) => {
    let occupied = rng.chance(0.5);
    const bat = battery(rng);
    return (t, dt) => {
      const h = hour(t);
      const busy = clamp(0.2 + 0.55 * bump(h, 11, 3) + 0.5 * bump(h, 20, 2.5), 0, 0.95);
      if (rng.chance(0.25)) occupied = rng.chance(busy);
      return { values: { status: occupied ? 'occupied' : 'free', batteryLevel: bat(dt) }, events: [] };
    };
  },
  'sos-wearable': ({ rng, hour }) => {
    const bat = battery(rng);
    const resting = rng.range(55, 72);
    let warned = false;
    return (t, dt) => {
      const h = hour(t);
      const level = bat(dt);
      const events: string[] = [];
      if (rng.chance(0.0006)) events.push('sos');
      if (rng.chance(0.0004)) events.push('fall');
      if (level < 0.15 && !warned) {
        warned = true;
        events.push('lowBattery');
      }
      return {
        values: {
          batteryLevel: level,
          rssi: Math.round(rng.normal(-78, 6)),
          heartRate: Math.round(resting + 18 * dayness(h) + rng.normal(0, 4)),
        },
        events,
      };
    };
  },
  'smoke-detector': ({ rng }) => {
    const bat = battery(rng);
    let smoke = 0;
    return (_t, dt) => {
      const events: string[] = [];
      if (rng.chance(0.0008)) events.push('test');
      if (smoke === 0 && rng.chance(0.0002)) {
        events.push('smoke');
        smoke = rng.range(20, 60);
      } else smoke *= 0.5;
      if (smoke < 0.5) smoke = 0;
      return {
        values: { batteryLevel: bat(dt), smokeDensity: round(smoke + Math.abs(rng.normal(0, 0.3)), 2) },
        events,
      };
    };
  },
  'water-quality': ({ rng, weather, hour }) => {
    const ph = rng.range(6.9, 7.6);
    const cond = rng.range(350, 700);
    let turbid = rng.range(1, 4);
    return (t, dt) => {
      const h = hour(t);
      const baseTurbid = 2 + weather.rain(t) * 3;
      turbid += (baseTurbid - turbid) * (1 - Math.pow(0.5, dt / HOUR));
      const temperature = 16 + 3 * Math.cos(((h - 15) / 24) * 2 * Math.PI) + rng.normal(0, 0.1);
      return {
        values: {
          pH: round(ph + rng.normal(0, 0.05), 2),
          turbidity: round(Math.max(0.1, turbid + rng.normal(0, 0.2)), 2),
          conductivity: Math.round(cond * (1 - weather.rain(t) / 100) + rng.normal(0, 5)),
          O2: round(10.5 - 0.2 * temperature + rng.normal(0, 0.1), 2),
          temperature: round(temperature, 2),
        },
        events: [],
      };
    };
  },
  'electricity-meter': ({ rng, hour }) => {
    let energy = rng.range(1_000, 50_000);
    const scale = rng.range(0.6, 2);
    return (t, dt) => {
      const h = hour(t);
      const power = Math.max(
        0.05,
        scale * (0.3 + 1.6 * bump(h, 19.5, 2) + 0.7 * bump(h, 7.5, 1.2)) + rng.normal(0, 0.05),
      );
      energy += (power * dt) / HOUR;
      return { values: { energy: round(energy, 3), power: round(power, 3) }, events: [] };
    };
  },
};

/**
 * Any other built-in profile (gateway, pipe pressure, access gate, camera analytics...): each
 * numeric metric wanders around a point in the lower part of its range, text metrics mostly keep
 * their first allowed value, and one of the profile's events now and then.
 */
function genericBehaviour(code: string): ((c: Ctx) => Behaviour) | null {
  const profile = builtinProfiles.find((p) => p.code === code);
  if (!profile) return null;
  return ({ rng, hour }) => {
    const walks = profile.metrics.map((m) => ({ m, drift: new Drift(rng, 0.05) }));
    return (t, dt) => {
      const values: Record<string, SampleValue> = {};
      for (const { m, drift } of walks) {
        if (m.type === 'number') {
          const span = m.max - m.min;
          const v = m.min + span * clamp(0.35 + 0.1 * dayness(hour(t)) + drift.step(dt), 0.01, 0.99);
          values[m.key] = round(v, span <= 2 ? 3 : 1);
        } else if (m.type === 'text') {
          const options = m.values ?? ['ok'];
          values[m.key] = rng.chance(0.97) ? options[0]! : rng.pick(options);
        }
      }
      const events = profile.events.length > 0 && rng.chance(0.01) ? [rng.pick(profile.events)] : [];
      return { values, events };
    };
  };
}

/** True if the simulator can play devices of this profile (all built-in profiles). */
export function canSimulate(profile: string): boolean {
  return (
    (simulatedProfiles as readonly string[]).includes(profile) ||
    builtinProfiles.some((p) => p.code === profile)
  );
}

/** Numeric metric ranges of the built-in profiles, for spikes and for tests. */
export const metricRanges = new Map<string, Map<string, { min: number; max: number }>>(
  builtinProfiles.map((p) => [
    p.code,
    new Map(
      p.metrics.flatMap((m) => (m.type === 'number' ? [[m.key, { min: m.min, max: m.max }] as const] : [])),
    ),
  ]),
);

/** Builds the model of one device. `seed` is the run's seed; `code` makes each device distinct. */
export function createModel(
  profile: string,
  seed: number,
  code: string,
  opts: ModelOptions = {},
): DeviceModel {
  const make = (simulatedProfiles as readonly string[]).includes(profile)
    ? behaviours[profile as SimulatedProfile]
    : genericBehaviour(profile);
  if (!make) throw new Error(`the simulator has no model for profile ${profile}`);
  const rng = new Prng(hashString(`${seed}:${code}`));
  const offset = opts.utcOffsetMinutes ?? -new Date().getTimezoneOffset();
  const spikeRate = opts.spikeRate ?? 0.005;
  const behaviour = make({
    rng,
    weather: new Weather(seed),
    hour: (t) => hourOfDay(t, offset),
  });
  const ranges = metricRanges.get(profile) ?? new Map<string, { min: number; max: number }>();
  let last: number | null = null;
  return {
    profile,
    sample(t) {
      const dt = last === null ? 0 : Math.max(0, t - last);
      last = t;
      const s = behaviour(t, dt);
      // A sensor glitch: one value far outside the range the profile allows.
      if (ranges.size > 0 && rng.chance(spikeRate)) {
        const [key, r] = rng.pick([...ranges]);
        if (typeof s.values[key] === 'number') {
          const span = r.max - r.min;
          s.values[key] = round(
            rng.chance(0.8) ? r.max + span * rng.range(0.1, 2) : r.min - span * rng.range(0.1, 1),
            2,
          );
        }
      }
      return s;
    },
  };
}
