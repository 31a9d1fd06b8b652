/**
 * Provisioning of simulated devices through the Civitas HTTP API, as an administrator would do it:
 * sign in, find where to place devices (inside grid boundaries), register `SIM-00001`... with a
 * profile mix, and collect their credentials. A device token is shown only once, so devices left
 * from an earlier run get a new one (token rotation); a FIWARE API key is shown only once too, so
 * FIWARE devices of an earlier run are registered again under this run's API key group.
 */
import bbox from '@turf/bbox';
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import centroid from '@turf/centroid';
import type { SimFormat } from './encoders.js';
import { type SimulatedProfile, canSimulate, simulatedProfiles } from './models.js';
import { Prng, hashString } from './prng.js';
import type { SimDevice } from './simulator.js';

type Geometry =
  { type: 'Polygon'; coordinates: number[][][] } | { type: 'MultiPolygon'; coordinates: number[][][][] };

interface OrgUnit {
  id: string;
  code: string;
  type: string;
  depth: number;
  boundary: Geometry | null;
}

interface ApiDevice {
  id: string;
  code: string;
  profileCode: string;
  apiKeyGroupId: string | null;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

/** A signed-in session against the Civitas API (cookie plus CSRF token for writes). */
export class CivitasApi {
  private cookie = '';
  private csrf = '';

  constructor(private readonly baseUrl: string) {}

  async login(username: string, password: string): Promise<void> {
    const res = await fetch(new URL('/api/v1/auth/login', this.baseUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    const body = (await res.json().catch(() => null)) as {
      status?: string;
      me?: { csrfToken: string };
    } | null;
    if (res.status !== 200 || body?.status !== 'ok' || !body.me)
      throw new ApiError(
        res.status,
        undefined,
        `sign-in as ${username} failed (${res.status}): ${JSON.stringify(body)}`,
      );
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('civitas_session='));
    if (!cookie) throw new ApiError(res.status, undefined, 'sign-in set no session cookie');
    this.cookie = cookie.split(';')[0]!;
    this.csrf = body.me.csrfToken;
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { cookie: this.cookie };
    if (method !== 'GET') headers['x-csrf-token'] = this.csrf;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(new URL(path, this.baseUrl), {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    const json = text ? (JSON.parse(text) as unknown) : null;
    if (res.status >= 300) {
      const err = json as { code?: string; message?: string } | null;
      throw new ApiError(
        res.status,
        err?.code,
        `${method} ${path}: ${res.status} ${err?.message ?? text.slice(0, 200)}`,
      );
    }
    return json as T;
  }

  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }
}

/** The default profile mix, by share of devices. */
export const defaultMix: Record<SimulatedProfile, number> = {
  'air-quality': 0.08,
  noise: 0.08,
  'water-level': 0.06,
  'waste-bin': 0.2,
  streetlight: 0.16,
  'parking-spot': 0.16,
  'sos-wearable': 0.08,
  'smoke-detector': 0.08,
  'water-quality': 0.04,
  'electricity-meter': 0.06,
};

/**
 * Profile and format of the device with this index; independent of the seed, so a re-run meets
 * its earlier devices with the same profile. Half speak ThingsBoard, a quarter FIWARE and SenML.
 */
export function planDevice(index: number, prefix = 'SIM-'): Omit<SimDevice, 'token' | 'apikey'> {
  const rng = new Prng(hashString(`plan:${index}`));
  let x = rng.next();
  let profile: SimulatedProfile = simulatedProfiles[0];
  for (const p of simulatedProfiles) {
    profile = p;
    x -= defaultMix[p];
    if (x < 0) break;
  }
  const formats: SimFormat[] = ['thingsboard', 'thingsboard', 'fiware', 'senml'];
  return {
    code: `${prefix}${String(index).padStart(5, '0')}`,
    profile,
    format: formats[index % 4]!,
  };
}

/** A random point inside the boundary (rejection sampling in its bounding box). */
export function pointInside(boundary: Geometry, rng: Prng): [number, number] {
  const [minX, minY, maxX, maxY] = bbox(boundary);
  for (let i = 0; i < 200; i++) {
    const p: [number, number] = [rng.range(minX, maxX), rng.range(minY, maxY)];
    if (booleanPointInPolygon(p, boundary)) return p;
  }
  return centroid(boundary).geometry.coordinates as [number, number];
}

export interface ProvisionOptions {
  url: string;
  user: string;
  password: string;
  count: number;
  seed: number;
  /** Org unit code to place devices in (its grids, or the unit itself); default: every grid. */
  unit?: string | undefined;
  prefix?: string;
  /** Requests in parallel (default 6). */
  concurrency?: number;
  log?: (line: string) => void;
}

async function listAll<T>(api: CivitasApi, path: string, pageSize: number): Promise<T[]> {
  const out: T[] = [];
  for (;;) {
    const sep = path.includes('?') ? '&' : '?';
    const page = await api.get<{ items: T[]; total: number }>(
      `${path}${sep}limit=${pageSize}&offset=${out.length}`,
    );
    out.push(...page.items);
    if (page.items.length === 0 || out.length >= page.total) return out;
  }
}

/** Where devices go: the grids (with boundaries) of the unit, or of everything the user sees. */
async function placement(api: CivitasApi, unitCode: string | undefined) {
  if (unitCode) {
    const found = await api.get<{ items: OrgUnit[] }>(`/api/v1/org-units?q=${encodeURIComponent(unitCode)}`);
    const unit = found.items.find((u) => u.code === unitCode);
    if (!unit) throw new Error(`--unit ${unitCode}: no such org unit visible to this user`);
    const sub = await api.get<{ items: OrgUnit[] }>(`/api/v1/org-units/${unit.id}/subtree`);
    const grids = sub.items.filter((u) => u.type === 'grid' && u.boundary);
    const areas = grids.length > 0 ? grids : unit.boundary ? [unit] : [];
    if (areas.length === 0)
      throw new Error(`--unit ${unitCode}: neither it nor a grid below it has a boundary`);
    return { areas, groupUnit: unit };
  }
  const grids = (await listAll<OrgUnit>(api, '/api/v1/org-units?type=grid', 500)).filter((u) => u.boundary);
  if (grids.length === 0) throw new Error('no grid with a boundary is visible to this user; pass --unit');
  const all = await listAll<OrgUnit>(api, '/api/v1/org-units', 500);
  const top = all.reduce((a, b) => (b.depth < a.depth ? b : a));
  return { areas: grids, groupUnit: top };
}

async function inParallel<T>(items: T[], concurrency: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

/**
 * Registers (or takes over) `count` simulated devices and returns them with usable credentials.
 */
export async function provisionDevices(opts: ProvisionOptions): Promise<SimDevice[]> {
  const log = opts.log ?? (() => undefined);
  const api = new CivitasApi(opts.url);
  await api.login(opts.user, opts.password);
  const { areas, groupUnit } = await placement(api, opts.unit);
  const plans = Array.from({ length: opts.count }, (_, i) => planDevice(i + 1, opts.prefix));
  let apikey: string | undefined;
  let groupId: string | undefined;
  if (plans.some((p) => p.format === 'fiware')) {
    const group = await api.request<{ id: string; apikey: string }>('POST', '/api/v1/api-key-groups', {
      name: `Simulator ${new Date().toISOString().slice(0, 19)}Z`,
      orgUnitId: groupUnit.id,
    });
    apikey = group.apikey;
    groupId = group.id;
  }
  const rng = new Prng(hashString(`${opts.seed}:placement`));
  const spots = plans.map(() => {
    const area = areas[rng.int(0, areas.length - 1)]!;
    return { area, point: pointInside(area.boundary!, rng) };
  });
  const out: SimDevice[] = [];
  const counts = { created: 0, rotated: 0, recreated: 0, skipped: 0 };
  const create = (plan: (typeof plans)[number], i: number) =>
    api.request<{ token: string }>('POST', '/api/v1/devices', {
      code: plan.code,
      name: `Simulated ${plan.profile} ${plan.code}`,
      profile: plan.profile,
      location: { type: 'Point', coordinates: spots[i]!.point },
      orgUnitId: spots[i]!.area.id,
      apiKeyGroupId: plan.format === 'fiware' ? groupId : null,
    });
  await inParallel(
    plans.map((plan, i) => ({ plan, i })),
    opts.concurrency ?? 6,
    async ({ plan, i }) => {
      try {
        const d = await create(plan, i);
        counts.created++;
        out.push({ ...plan, token: d.token, ...(apikey && plan.format === 'fiware' ? { apikey } : {}) });
        return;
      } catch (e) {
        if (!(e instanceof ApiError && e.code === 'code_taken')) throw e;
      }
      const found = await api.get<{ items: ApiDevice[] }>(
        `/api/v1/devices?q=${encodeURIComponent(plan.code)}&limit=20`,
      );
      const existing = found.items.find((d) => d.code === plan.code);
      if (!existing) throw new Error(`device ${plan.code} exists but is not visible to ${opts.user}`);
      if (plan.format === 'fiware' && existing.apiKeyGroupId !== groupId) {
        // Its API key was shown once, to an earlier run: register it again under this run's key.
        await api.request('DELETE', `/api/v1/devices/${existing.id}`);
        const d = await create(plan, i);
        counts.recreated++;
        out.push({ ...plan, token: d.token, apikey: apikey! });
        return;
      }
      if (!canSimulate(existing.profileCode)) {
        counts.skipped++;
        log(`skipping ${plan.code}: its profile ${existing.profileCode} has no simulator model`);
        return;
      }
      const { token } = await api.request<{ token: string }>('POST', `/api/v1/devices/${existing.id}/token`);
      counts.rotated++;
      out.push({ ...plan, profile: existing.profileCode, token });
    },
  );
  log(
    `devices: ${counts.created} registered, ${counts.rotated} taken over with a new token, ` +
      `${counts.recreated} FIWARE devices registered again under a new API key`,
  );
  return out.sort((a, b) => a.code.localeCompare(b.code));
}
