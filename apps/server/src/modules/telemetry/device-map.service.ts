import type { z } from 'zod';
import { cellToBoundary, cellToLatLng, cellToParent } from 'h3-js';
import { mapSourceMetrics, primaryMetricOf, primaryValue } from '@civitas/contracts/air-quality';
import type { DeviceMapResponse, MapCell, MapDevice, deviceMapQuery } from '@civitas/contracts/devices';
import { scopePaths } from '../../platform/auth/access.js';
import type { Actor } from '../../platform/auth/actor.js';
import type { OrgsService } from '../orgs/orgs.service.js';
import { DEVICE_CELL_RESOLUTION } from '../devices/devices.service.js';
import type { DeviceMapRepository, MapDeviceRow } from './device-map.repository.js';

/** From this zoom on, single devices are shown (a street block fills the screen). */
export const DEVICE_ZOOM = 16;
/** More devices than this in the box are aggregated even when zoomed in: markers stay cheap. */
export const MAX_DEVICE_MARKERS = 1000;
/** Upper bound of devices read for one map answer; a box holding more is summed over these. */
const MAX_DEVICES_READ = 50_000;

/**
 * H3 resolution whose hexagons are roughly 40–80 screen pixels across at a web-mercator zoom
 * (a res-8 edge is ~460 m, about 26 px at zoom 13 in southern China, so a hexagon ~50 px wide;
 * each step of two zoom levels is about one H3 resolution, whose edge shrinks by √7 ≈ 2.6).
 */
export function resolutionForZoom(zoom: number): number {
  const res = Math.floor(zoom / 2) + 2;
  return Math.min(Math.max(res, 2), DEVICE_CELL_RESOLUTION - 1);
}

/** The device map: single devices when zoomed in, H3 cells otherwise, always within the caller's units. */
export class DeviceMapService {
  constructor(
    private readonly repo: DeviceMapRepository,
    private readonly orgs: OrgsService,
  ) {}

  async map(actor: Actor, q: z.infer<typeof deviceMapQuery>): Promise<DeviceMapResponse> {
    const unitPath = q.unitId ? (await this.orgs.get(actor, q.unitId)).path : undefined;
    const [west, south, east, north] = q.bbox;
    const rows = await this.repo.inBox({
      paths: scopePaths(actor, 'device.read'),
      unitPath,
      profile: q.profile,
      west,
      south,
      east,
      north,
      metrics: mapSourceMetrics,
      limit: MAX_DEVICES_READ,
    });
    const devices = rows.map(toMapDevice);
    if (q.zoom >= DEVICE_ZOOM && devices.length <= MAX_DEVICE_MARKERS) {
      return { mode: 'devices', resolution: null, total: devices.length, cells: [], devices };
    }
    const resolution = resolutionForZoom(q.zoom);
    return {
      mode: 'cells',
      resolution,
      total: devices.length,
      cells: aggregate(rows, devices, resolution),
      devices: [],
    };
  }
}

function toMapDevice(r: MapDeviceRow): MapDevice {
  const latest: Record<string, number | null> = {};
  let ts: string | null = null;
  for (const [metric, s] of Object.entries(r.state ?? {})) {
    latest[metric] = s.v;
    if (!ts || s.ts > ts) ts = s.ts;
  }
  const value = primaryValue(r.profile_code, latest);
  return {
    id: r.id,
    code: r.code,
    name: r.name,
    profileCode: r.profile_code,
    lat: r.lat,
    lng: r.lng,
    connectivity: r.connectivity,
    metric: primaryMetricOf[r.profile_code] ?? null,
    value,
    ts: value === null || ts === null ? null : new Date(ts).toISOString(),
    sources: latest,
  };
}

interface CellSum {
  count: number;
  online: number;
  worstAqi: number | null;
  profiles: Set<string>;
  sum: number;
  n: number;
  max: number | null;
}

/** Sums devices per parent cell; only online devices' values count, a stale reading says nothing now. */
function aggregate(rows: MapDeviceRow[], devices: MapDevice[], resolution: number): MapCell[] {
  const cells = new Map<string, CellSum>();
  rows.forEach((row, i) => {
    const d = devices[i]!;
    const cell = cellToParent(row.h3, resolution);
    let c = cells.get(cell);
    if (!c) {
      c = { count: 0, online: 0, worstAqi: null, profiles: new Set(), sum: 0, n: 0, max: null };
      cells.set(cell, c);
    }
    c.count++;
    c.profiles.add(d.profileCode);
    if (d.connectivity !== 'active') return;
    c.online++;
    if (d.value === null) return;
    if (d.metric === 'aqi') c.worstAqi = Math.max(c.worstAqi ?? 0, d.value);
    c.sum += d.value;
    c.n++;
    c.max = c.max === null ? d.value : Math.max(c.max, d.value);
  });
  return [...cells].map(([h3, c]) => {
    const [lat, lng] = cellToLatLng(h3);
    const single = c.profiles.size === 1 ? [...c.profiles][0]! : null;
    const metric = single ? (primaryMetricOf[single] ?? null) : null;
    return {
      h3,
      lat,
      lng,
      boundary: cellToBoundary(h3, true).map(([x, y]) => [x, y] as [number, number]),
      count: c.count,
      online: c.online,
      worstAqi: c.worstAqi,
      profileCode: single,
      metric,
      meanValue: metric && c.n > 0 ? c.sum / c.n : null,
      maxValue: metric ? c.max : null,
    };
  });
}
