import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EventBus, type BusEvents } from '../../platform/bus/event-bus.js';
import { LivePacer } from './live-pacer.js';

type Stored = BusEvents['telemetry.stored'];

const stored = (deviceId: string, values: [string, number][], at = 0): Stored => ({
  deviceId,
  code: deviceId.toUpperCase(),
  orgUnitPath: '/1/',
  readings: values.map(([metric, value], i) => ({
    metric,
    value,
    ts: new Date(at + i).toISOString(),
    outlier: false,
  })),
});

describe('LivePacer', () => {
  let clock = 1_000_000;
  let bus: EventBus;
  let seen: Stored[];
  beforeEach(() => {
    vi.useFakeTimers();
    clock = 1_000_000;
    bus = new EventBus();
    seen = [];
    bus.subscribe('telemetry.stored', (e) => seen.push(e));
  });
  afterEach(() => vi.useRealTimers());
  const advance = (ms: number) => {
    clock += ms;
    vi.advanceTimersByTime(ms);
  };

  it('sends a device first readings at once, merges the rest of the interval into one event', () => {
    const pacer = new LivePacer(bus, { intervalMs: 1000 }, () => clock);
    pacer.add(stored('a', [['pm25', 1]]));
    expect(seen.map((e) => e.readings.map((r) => r.value))).toEqual([[1]]);
    advance(100);
    pacer.add(stored('a', [['pm25', 2]]));
    advance(100);
    pacer.add(
      stored('a', [
        ['pm25', 3],
        ['no2', 30],
      ]),
    );
    expect(seen).toHaveLength(1);
    advance(799);
    expect(seen).toHaveLength(1);
    advance(1);
    expect(seen.map((e) => e.readings.map((r) => `${r.metric}=${r.value}`))).toEqual([
      ['pm25=1'],
      ['pm25=2', 'pm25=3', 'no2=30'],
    ]);
    // Quiet for an interval since the last event: the next readings go out at once again.
    advance(1000);
    pacer.add(stored('a', [['pm25', 4]]));
    expect(seen).toHaveLength(3);
  });

  it('paces each device on its own', () => {
    const pacer = new LivePacer(bus, { intervalMs: 1000 }, () => clock);
    pacer.add(stored('a', [['pm25', 1]]));
    pacer.add(stored('b', [['pm25', 1]]));
    pacer.add(stored('a', [['pm25', 2]]));
    expect(seen.map((e) => e.deviceId)).toEqual(['a', 'b']);
    advance(1000);
    expect(seen.map((e) => e.deviceId)).toEqual(['a', 'b', 'a']);
  });

  it('keeps the latest readings of each metric when a device reports faster than the live view needs', () => {
    const pacer = new LivePacer(bus, { intervalMs: 1000, perMetric: 3 }, () => clock);
    pacer.add(stored('a', [['pm25', 0]]));
    for (let i = 1; i <= 200; i++)
      pacer.add(
        stored('a', [
          ['pm25', i],
          ['rh', 1000 + i],
        ]),
      );
    advance(1000);
    expect(seen).toHaveLength(2);
    expect(seen[1]!.readings.map((r) => `${r.metric}=${r.value}`)).toEqual([
      'pm25=198',
      'rh=1198',
      'pm25=199',
      'rh=1199',
      'pm25=200',
      'rh=1200',
    ]);
  });

  it('sends what is merged when flushed, so a shutdown announces everything stored', () => {
    const pacer = new LivePacer(bus, { intervalMs: 1000 }, () => clock);
    pacer.add(stored('a', [['pm25', 1]]));
    pacer.add(stored('a', [['pm25', 2]]));
    pacer.flush();
    expect(seen.map((e) => e.readings[0]!.value)).toEqual([1, 2]);
    advance(5000);
    expect(seen).toHaveLength(2);
  });
});
