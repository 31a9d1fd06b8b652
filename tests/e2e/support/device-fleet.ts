import type { Page } from 'playwright-core';
import type { OrgUnit } from '@civitas/contracts/orgs';
import type { E2eEnv } from './e2e-env';

type Ring = [number, number][];

/** The outer ring of a unit's boundary ([lng, lat] pairs). */
export function outerRing(unit: OrgUnit): Ring {
  const b = unit.boundary;
  if (!b) throw new Error(`unit ${unit.code} has no boundary`);
  return (b.type === 'Polygon' ? b.coordinates[0] : b.coordinates[0]?.[0]) as Ring;
}

/** Even-odd ray casting; good enough for the demo's small convex-ish grid cells. */
function inside([x, y]: [number, number], ring: Ring): boolean {
  let hit = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) hit = !hit;
  }
  return hit;
}

/** A point inside the unit (the vertex average of its ring, which lies inside a convex cell). */
export function pointIn(unit: OrgUnit): { lat: number; lng: number } {
  const ring = outerRing(unit).slice(0, -1);
  const lng = ring.reduce((s, p) => s + p[0], 0) / ring.length;
  const lat = ring.reduce((s, p) => s + p[1], 0) / ring.length;
  if (!inside([lng, lat], outerRing(unit))) throw new Error(`centre of ${unit.code} is outside it`);
  return { lat, lng };
}

/** mulberry32, so every run places the fleet the same way. */
function rng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const profiles = ['air-quality', 'noise', 'waste-bin', 'water-level'] as const;

export interface FleetDevice {
  code: string;
  profile: (typeof profiles)[number];
  token: string;
  gridCode: string;
}

/**
 * A device CSV for `count` devices spread evenly over the given grids, each with an access token
 * the test knows (the `access_token` column) so it can send readings for them.
 */
export function fleetCsv(
  grids: OrgUnit[],
  count: number,
  prefix: string,
): { csv: string; devices: FleetDevice[] } {
  const random = rng(20_260_401);
  const lines = ['code,name,profile,lat,lng,org_unit_code,access_token'];
  const devices: FleetDevice[] = [];
  for (let i = 0; i < count; i++) {
    const grid = grids[i % grids.length]!;
    const ring = outerRing(grid);
    const lngs = ring.map((p) => p[0]);
    const lats = ring.map((p) => p[1]);
    let point: [number, number];
    do {
      point = [
        Math.min(...lngs) + random() * (Math.max(...lngs) - Math.min(...lngs)),
        Math.min(...lats) + random() * (Math.max(...lats) - Math.min(...lats)),
      ];
    } while (!inside(point, ring));
    const device: FleetDevice = {
      code: `${prefix}-${String(i).padStart(5, '0')}`,
      profile: profiles[i % profiles.length]!,
      token: `${prefix.toLowerCase()}-token-${String(i).padStart(5, '0')}-e2e-fleet`,
      gridCode: grid.code,
    };
    devices.push(device);
    lines.push(
      `${device.code},Fleet ${i},${device.profile},${point[1].toFixed(6)},${point[0].toFixed(6)},${grid.code},${device.token}`,
    );
  }
  return { csv: `${lines.join('\n')}\n`, devices };
}

/** Uploads a device CSV through the import page and waits until the job is done. */
export async function importThroughUi(
  page: Page,
  name: string,
  csv: string,
  timeoutMs = 110_000,
): Promise<void> {
  await page.getByLabel('CSV or Excel file').setInputFiles({
    name,
    mimeType: 'text/csv',
    buffer: Buffer.from(csv, 'utf8'),
  });
  const [started] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/api/v1/devices/import')),
    page.getByRole('button', { name: 'Upload and import' }).click(),
  ]);
  if (started.status() !== 202)
    throw new Error(`import refused: ${started.status()} ${await started.text()}`);
  await page.locator('[data-testid="import-status"][data-status="done"]').waitFor({ timeout: timeoutMs });
}

/** A reading through the HTTP door, as a device would send it. */
export async function ingest(env: E2eEnv, token: string, values: Record<string, number>): Promise<void> {
  const res = await fetch(`${env.server.baseUrl}/api/v1/ingest/${token}/telemetry`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(values),
  });
  if (res.status !== 200) throw new Error(`ingest: HTTP ${res.status} ${await res.text()}`);
}

export const FLEET_SIZE = 5000;
/**
 * About 30 s on an idle two-core machine; at load 25-30 it took over 540 s. A hang guard, not a
 * measure of speed.
 */
export const FLEET_IMPORT_TIMEOUT_MS = 1_200_000;
const fleets = new WeakMap<E2eEnv, Promise<FleetDevice[]>>();

/**
 * 5,000 devices over community 1's grids, imported once per run through the device import page,
 * with readings for a few hundred of them so the map has colours.
 */
export function ensureFleet(env: E2eEnv): Promise<FleetDevice[]> {
  let fleet = fleets.get(env);
  if (!fleet) {
    fleet = (async () => {
      const admin = await env.api('demo-community-1');
      const grids = await admin.get<{ items: OrgUnit[] }>('/org-units?type=grid&limit=50');
      const { csv, devices } = fleetCsv(grids.items, FLEET_SIZE, 'FLEET');
      const page = await env.signedIn('demo-community-1', '/devices/import');
      await importThroughUi(page, 'fleet.csv', csv, FLEET_IMPORT_TIMEOUT_MS);
      await page.close();
      const values: Record<FleetDevice['profile'], (i: number) => Record<string, number>> = {
        'air-quality': (i) => ({ pm25: 10 + ((i * 37) % 260), pm10: 20 + ((i * 53) % 300) }),
        noise: (i) => ({ LAeq: 40 + ((i * 7) % 40) }),
        'waste-bin': (i) => ({ fillingLevel: ((i * 13) % 100) / 100 }),
        'water-level': (i) => ({ waterLevel: ((i * 11) % 40) / 10 }),
      };
      const reporting = devices.filter((_, i) => i % 16 === 0);
      for (let i = 0; i < reporting.length; i += 20) {
        await Promise.all(
          reporting.slice(i, i + 20).map((d, j) => ingest(env, d.token, values[d.profile](i + j))),
        );
      }
      return devices;
    })();
    fleets.set(env, fleet);
  }
  return fleet;
}
