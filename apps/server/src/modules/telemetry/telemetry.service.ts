import type { z } from 'zod';
import type { seriesQuery } from '@civitas/contracts/devices';
import type { Actor } from '../../platform/auth/actor.js';
import { badRequest } from '../../platform/errors/errors.js';
import type { DevicesService } from '../devices/devices.service.js';
import type { TelemetryRepository } from './telemetry.repository.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const MAX_RAW_POINTS = 10_000;

/** Series and latest-state reads, each checked against the caller's units like every record. */
export class TelemetryService {
  constructor(
    private readonly repo: TelemetryRepository,
    private readonly devices: DevicesService,
  ) {}

  /**
   * Raw readings of one metric, newest last, at most `limit`; for callers that already checked the
   * actor may read the device (NGSI-LD temporal retrieval).
   */
  rawReadings(deviceId: string, metric: string, from: Date, to: Date, limit: number) {
    return this.repo.raw(deviceId, metric, from, to, limit);
  }

  /**
   * `auto` picks the finest store that keeps a chart readable: raw up to 6 hours, 1-minute rollups
   * up to 7 days, hourly up to 90 days, then daily (folded from hourly).
   */
  async series(actor: Actor, deviceId: string, q: z.infer<typeof seriesQuery>) {
    const device = await this.devices.get(actor, deviceId);
    const from = new Date(q.from);
    const to = new Date(q.to);
    const span = to.getTime() - from.getTime();
    if (span <= 0) throw badRequest('bad_range', 'to: must be after from');
    if (span > 3660 * DAY) throw badRequest('bad_range', 'to: the range may span at most ten years');
    const bucket =
      q.bucket !== 'auto'
        ? q.bucket
        : span <= 6 * HOUR
          ? 'raw'
          : span <= 7 * DAY
            ? '1m'
            : span <= 90 * DAY
              ? '1h'
              : '1d';
    if (bucket === 'raw') {
      const rows = await this.repo.raw(device.id, q.metric, from, to, MAX_RAW_POINTS);
      return {
        deviceId,
        metric: q.metric,
        bucket,
        points: rows.map((r) => ({ ts: r.ts.toISOString(), value: r.num, text: r.txt, outlier: r.outlier })),
      };
    }
    const rows =
      bucket === '1d'
        ? await this.repo.daily(device.id, q.metric, from, to)
        : await this.repo.rollup(
            bucket === '1m' ? 'telemetry_1m' : 'telemetry_1h',
            device.id,
            q.metric,
            from,
            to,
          );
    return {
      deviceId,
      metric: q.metric,
      bucket,
      points: rows.map((r) => ({
        ts: r.bucket.toISOString(),
        value: r.count > 0 ? r.sum / r.count : null,
        min: r.min,
        max: r.max,
        count: r.count,
      })),
    };
  }

  async latestOfDevice(actor: Actor, deviceId: string) {
    const device = await this.devices.get(actor, deviceId);
    const rows = await this.repo.latest([device.id]);
    return { deviceId: device.id, code: device.code, metrics: rows.map(presentState) };
  }

  /** Latest state of every device in a unit's subtree (the caller's whole scope when no unit is given). */
  async latestOfUnit(actor: Actor, unitId: string | undefined, limit: number, offset: number) {
    // The device registry's own list: the caller's device.read scope, the unit (which they must see).
    const { rows, total } = await this.devices.list(actor, { unitId, limit, offset });
    const state = await this.repo.latest(rows.map((d) => d.id));
    const byDevice = new Map<string, typeof state>();
    for (const s of state) byDevice.set(s.device_id, [...(byDevice.get(s.device_id) ?? []), s]);
    return {
      total,
      items: rows.map((d) => ({
        deviceId: d.id,
        code: d.code,
        profileCode: d.profile_code,
        location: { type: 'Point' as const, coordinates: [d.lng, d.lat] as [number, number] },
        connectivity: d.connectivity,
        metrics: (byDevice.get(d.id) ?? []).map(presentState),
      })),
    };
  }

  async events(actor: Actor, deviceId: string, from: Date, to: Date) {
    const device = await this.devices.get(actor, deviceId);
    return this.repo.events(device.id, from, to, 500);
  }
}

function presentState(s: {
  metric: string;
  ts: Date;
  num: number | null;
  txt: string | null;
  outlier: boolean;
}) {
  return { metric: s.metric, ts: s.ts.toISOString(), value: s.num ?? s.txt, outlier: s.outlier };
}
