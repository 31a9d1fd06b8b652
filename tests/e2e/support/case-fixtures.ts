import type { OrgUnit } from '@civitas/contracts/orgs';
import type { ApiSession } from './api-session';

export interface Point {
  lat: number;
  lng: number;
}

/** A point well inside a unit: the mean of its outer ring (the demo grids are convex). */
export async function pointInUnit(api: ApiSession, codeSuffix: string): Promise<Point> {
  const page = await api.get<{ items: OrgUnit[] }>('/org-units?limit=500');
  const unit = page.items.find((u) => u.code.endsWith(codeSuffix));
  if (!unit?.boundary) throw new Error(`no unit ending ${codeSuffix} with a boundary`);
  const ring =
    unit.boundary.type === 'Polygon' ? unit.boundary.coordinates[0]! : unit.boundary.coordinates[0]![0]!;
  const corners = ring.slice(0, -1);
  const lng = corners.reduce((s, p) => s + p[0], 0) / corners.length;
  const lat = corners.reduce((s, p) => s + p[1], 0) / corners.length;
  return { lat: Math.round(lat * 1e6) / 1e6, lng: Math.round(lng * 1e6) / 1e6 };
}

export interface CreatedCase {
  id: string;
  ref: string;
  version: number;
  state: string;
}

/** Staff entry of a case through the API (as a hotline operator would), for test setup. */
export async function createStaffCase(
  api: ApiSession,
  point: Point,
  title: string,
  category = 'other',
): Promise<CreatedCase> {
  const res = await api.request('POST', '/cases', {
    channel: 'hotline',
    category,
    title,
    description: 'created by the e2e suite',
    location: { type: 'Point', coordinates: [point.lng, point.lat] },
    address: null,
    attributes: {},
    sourceRef: null,
  });
  if (res.status !== 201) throw new Error(`create case: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as CreatedCase;
}

export async function actOn(
  api: ApiSession,
  id: string,
  body: Record<string, unknown>,
): Promise<CreatedCase> {
  const res = await api.request('POST', `/cases/${id}/actions`, body);
  if (res.status !== 200) throw new Error(`${String(body.action)}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as CreatedCase;
}
