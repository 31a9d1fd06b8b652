import { describe, expect, it } from 'vitest';
import { profileWrite } from '@civitas/contracts/device-profiles';
import { payloadKeyOf, type ProfileMetric } from '@civitas/contracts/devices';

const metric = (over: Partial<Record<string, unknown>> = {}) => ({
  key: 'soilMoisture',
  name: { 'zh-CN': '土壤湿度', en: 'Soil moisture' },
  type: 'number',
  unit: 'P1',
  min: 0,
  max: 100,
  ...over,
});
const profile = (metrics: unknown[], over: Record<string, unknown> = {}) => ({
  code: 'soil',
  name: { 'zh-CN': '土壤', en: 'Soil' },
  entityType: 'DeviceMeasurement',
  metrics,
  events: [],
  reportingIntervalS: 60,
  inactivityTimeoutS: 600,
  rawRetentionDays: 30,
  rollupRetentionDays: 365,
  ...over,
});
const paths = (input: unknown) => {
  const r = profileWrite.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}`);
};

describe('profileWrite', () => {
  it('accepts a complete profile', () => {
    expect(
      paths(profile([metric(), metric({ key: 'soilTemperature', unit: 'CEL', thingsboardKey: 't' })])),
    ).toEqual([]);
  });

  it('refuses min ≥ max, a malformed unit, a missing name and a duplicate key', () => {
    expect(paths(profile([metric({ min: 5, max: 5 })]))).toEqual(['metrics.0.max']);
    expect(paths(profile([metric({ unit: 'percent' })]))).toEqual(['metrics.0.unit']);
    expect(paths(profile([metric({ name: undefined })]))).toEqual(['metrics.0.name']);
    expect(paths(profile([metric(), metric()]))).toContain('metrics.1.key');
  });

  it('refuses two metrics with one payload key in a format, including a default', () => {
    // soilTemperature's ThingsBoard key is the other metric's key.
    expect(
      paths(profile([metric(), metric({ key: 'soilTemperature', thingsboardKey: 'soilMoisture' })])),
    ).toEqual(['metrics.1.thingsboardKey']);
    expect(paths(profile([metric({ objectId: 'x' }), metric({ key: 'b', objectId: 'x' })]))).toEqual([
      'metrics.1.objectId',
    ]);
  });

  it('refuses an event named like a metric and rollups kept shorter than raw data', () => {
    expect(paths(profile([metric()], { events: ['soilMoisture'] }))).toEqual(['events.0']);
    expect(paths(profile([metric()], { rollupRetentionDays: 7 }))).toEqual(['rollupRetentionDays']);
  });
});

describe('payloadKeyOf', () => {
  it('uses each format’s mapping and falls back to the metric key', () => {
    const m = metric({ thingsboardKey: 'sm', objectId: 'm' }) as ProfileMetric;
    expect([payloadKeyOf(m, 'thingsboard'), payloadKeyOf(m, 'fiware'), payloadKeyOf(m, 'senml')]).toEqual([
      'sm',
      'm',
      'soilMoisture',
    ]);
  });
});
