import { booleanPointInPolygon } from '@turf/boolean-point-in-polygon';
import { centroid } from '@turf/centroid';
import { point, polygon } from '@turf/helpers';
import { beforeAll, describe, expect, it } from 'vitest';
import { boundaryDefect, outsideArea, overlapArea, toleranceM2 } from '../modules/orgs/org-geometry-rules.js';
import { birthDateOf, idNumberProblem } from '../modules/registry/id-number.js';
import { DEMO_SEED, generateDemoDistrict, type DemoDistrict, type DemoUnit } from './demo-district.js';
import { ageOn } from './demo-people.js';

const inside = (unit: DemoUnit, p: [number, number]): boolean =>
  booleanPointInPolygon(point(p), polygon(unit.boundary.coordinates));

/** Twice the signed shoelace area: positive for a counter-clockwise ring. */
function signedArea(ring: [number, number][]): number {
  let sum = 0;
  for (let i = 0; i + 1 < ring.length; i++)
    sum += ring[i]![0] * ring[i + 1]![1] - ring[i + 1]![0] * ring[i]![1];
  return sum;
}

describe('generateDemoDistrict', () => {
  let demo: DemoDistrict;
  const unitsByCode = new Map<string, DemoUnit>();
  const unitOf = (code: string): DemoUnit => {
    const unit = unitsByCode.get(code);
    if (!unit) throw new Error(`no unit ${code}`);
    return unit;
  };

  beforeAll(() => {
    demo = generateDemoDistrict();
    for (const u of demo.units) unitsByCode.set(u.code, u);
  });

  it('is deterministic for a seed and varies with it', () => {
    expect(generateDemoDistrict(DEMO_SEED)).toEqual(demo);
    const other = generateDemoDistrict(DEMO_SEED + 1);
    expect(other.residents.map((r) => r.idNumber)).not.toEqual(demo.residents.map((r) => r.idNumber));
    expect(other.residents.map((r) => r.name)).not.toEqual(demo.residents.map((r) => r.name));
  });

  it('has the administrative tree, parents before children', () => {
    const count = (type: DemoUnit['type']): number => demo.units.filter((u) => u.type === type).length;
    expect(count('district')).toBe(1);
    expect(count('street')).toBe(2);
    expect(count('township')).toBe(1);
    expect(count('community') + count('village')).toBe(6);
    expect(count('village')).toBe(2);
    expect(demo.units.map((u) => u.code)).toEqual(
      expect.arrayContaining([
        'D01',
        'D01-S01',
        'D01-S02',
        'D01-T01',
        'D01-S01-C01',
        'D01-S01-C02',
        'D01-T01-V01',
      ]),
    );
    const seen = new Set<string>();
    for (const u of demo.units) {
      if (u.parentCode !== null) expect(seen.has(u.parentCode), `${u.code} after its parent`).toBe(true);
      seen.add(u.code);
    }
    for (const u of demo.units.filter((x) => x.type === 'community' || x.type === 'village')) {
      const grids = demo.units.filter((g) => g.parentCode === u.code);
      expect(grids.length).toBeGreaterThanOrEqual(2);
      expect(grids.length).toBeLessThanOrEqual(4);
      expect(grids.every((g) => g.type === 'grid')).toBe(true);
    }
    expect(unitOf('D01-T01-V01').type).toBe('village');
    expect(unitOf('D01-T01').parentCode).toBe('D01');
    expect(unitOf('D01').name).toEqual({ 'zh-CN': '宝新区', en: 'Baoxin District' });
  });

  it('has valid, closed, counter-clockwise polygons rounded to 6 decimals', () => {
    for (const u of demo.units) {
      expect(u.boundary.type).toBe('Polygon');
      const outer = u.boundary.coordinates[0]!;
      expect(outer.length).toBeGreaterThanOrEqual(4);
      expect(outer[0]).toEqual(outer[outer.length - 1]);
      expect(signedArea(outer), `${u.code} outer ring is counter-clockwise`).toBeGreaterThan(0);
      for (const [lng, lat] of outer) {
        expect(Math.round(lng * 1e6) / 1e6).toBe(lng);
        expect(Math.round(lat * 1e6) / 1e6).toBe(lat);
        // Shenzhen, [lng, lat] order.
        expect(lng).toBeGreaterThan(113.7);
        expect(lng).toBeLessThan(114);
        expect(lat).toBeGreaterThan(22.5);
        expect(lat).toBeLessThan(22.75);
      }
    }
  });

  it('is about 12 km by 10 km and not a rectangle', () => {
    const outer = unitOf('D01').boundary.coordinates[0]!;
    const widthKm = (Math.max(...outer.map((p) => p[0])) - Math.min(...outer.map((p) => p[0]))) * 102.7;
    const heightKm = (Math.max(...outer.map((p) => p[1])) - Math.min(...outer.map((p) => p[1]))) * 110.6;
    expect(widthKm).toBeGreaterThan(9);
    expect(widthKm).toBeLessThan(15);
    expect(heightKm).toBeGreaterThan(7.5);
    expect(heightKm).toBeLessThan(12.5);
    expect(outer.length).toBeGreaterThan(10);
  });

  it('keeps every child inside its parent', () => {
    for (const child of demo.units.filter((u) => u.parentCode !== null)) {
      const parent = unitOf(child.parentCode!);
      const c = centroid(polygon(child.boundary.coordinates)).geometry.coordinates as [number, number];
      expect(inside(parent, c), `${child.code} centroid inside ${parent.code}`).toBe(true);
      expect(inside(child, c), `${child.code} centroid inside itself`).toBe(true);
      // Vertices on the shared edge may sit a rounding step outside, so nudge them towards the centroid.
      const vertices = child.boundary.coordinates[0]!.slice(0, -1);
      const nudged = vertices.filter((v) =>
        inside(parent, [v[0] + (c[0] - v[0]) * 1e-3, v[1] + (c[1] - v[1]) * 1e-3]),
      );
      expect(nudged.length / vertices.length, `${child.code} vertices inside ${parent.code}`).toBeGreaterThan(
        0.9,
      );
    }
  });

  it('passes the geometry rules the org service applies (ADR 0037), for other seeds too', () => {
    for (const district of [demo, generateDemoDistrict(7)]) {
      const byCode = new Map(district.units.map((u) => [u.code, u]));
      for (const unit of district.units) {
        expect(boundaryDefect(unit.boundary), unit.code).toBeNull();
        if (unit.parentCode === null) continue;
        // Rounding to 6 decimals leaves slivers of some 100 m² along curved edges, well inside.
        const out = outsideArea(unit.boundary, byCode.get(unit.parentCode)!.boundary);
        expect(out.areaM2, `${unit.code} outside its parent`).toBeLessThan(toleranceM2(out.unitM2) / 2);
        for (const sibling of district.units) {
          if (sibling.parentCode !== unit.parentCode || sibling.code <= unit.code) continue;
          const overlap = overlapArea(unit.boundary, sibling.boundary);
          expect(overlap.areaM2, `${unit.code} overlaps ${sibling.code}`).toBeLessThan(
            toleranceM2(overlap.smallerM2) / 2,
          );
        }
      }
    }
  });

  it('places about 300 buildings strictly inside their grids', () => {
    expect(demo.buildings.length).toBeGreaterThanOrEqual(280);
    expect(demo.buildings.length).toBeLessThanOrEqual(320);
    expect(new Set(demo.buildings.map((b) => b.code)).size).toBe(demo.buildings.length);
    for (const b of demo.buildings) {
      const grid = unitOf(b.gridCode);
      expect(grid.type).toBe('grid');
      expect(
        booleanPointInPolygon(point([b.lng, b.lat]), polygon(grid.boundary.coordinates), {
          ignoreBoundary: true,
        }),
        `${b.code} inside ${b.gridCode}`,
      ).toBe(true);
      expect(b.code).toMatch(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/);
      expect(b.address.startsWith('宝新区')).toBe(true);
    }
  });

  it('builds low village houses and taller city blocks', () => {
    const rural = demo.buildings.filter((b) => b.gridCode.startsWith('D01-T01'));
    const urban = demo.buildings.filter((b) => !b.gridCode.startsWith('D01-T01'));
    expect(rural.length).toBeGreaterThan(0);
    expect(rural.every((b) => b.floors >= 1 && b.floors <= 3)).toBe(true);
    expect(urban.every((b) => b.floors >= 6 && b.floors <= 33)).toBe(true);
    const perBuilding = (list: typeof demo.buildings): number => {
      const codes = new Set(list.map((b) => b.code));
      return demo.residents.filter((r) => codes.has(r.buildingCode)).length / list.length;
    };
    expect(perBuilding(rural)).toBeLessThan(perBuilding(urban));
    expect(urban.some((b) => /^新田社区\d+栋$/.test(b.name))).toBe(true);
  });

  it('has about 2,000 residents with a realistic age structure', () => {
    const n = demo.residents.length;
    expect(n).toBeGreaterThanOrEqual(1900);
    expect(n).toBeLessThanOrEqual(2100);
    const ages = demo.residents.map((r) => ageOn(r.birthDate));
    const share = (test: (age: number) => boolean): number => ages.filter(test).length / n;
    expect(share((a) => a >= 60)).toBeGreaterThan(0.15);
    expect(share((a) => a >= 60)).toBeLessThan(0.25);
    expect(share((a) => a < 14)).toBeGreaterThan(0.1);
    expect(share((a) => a < 14)).toBeLessThan(0.2);
    expect(Math.max(...ages)).toBeLessThan(105);
    const males = demo.residents.filter((r) => r.gender === 'male').length / n;
    expect(males).toBeGreaterThan(0.44);
    expect(males).toBeLessThan(0.56);
  });

  it('gives residents valid, unique ID numbers that match birth date and gender', () => {
    const ids = demo.residents.map((r) => r.idNumber);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of demo.residents) {
      expect(idNumberProblem(r.idNumber), r.idNumber).toBeNull();
      expect(birthDateOf(r.idNumber)).toBe(r.birthDate);
      expect(Number(r.idNumber[16]) % 2 === 1).toBe(r.gender === 'male');
    }
  });

  it('gives plausible names and phone numbers', () => {
    for (const r of demo.residents) {
      expect(r.name).toMatch(/^\p{Script=Han}{2,4}$/u);
      if (r.phone !== null) expect(r.phone).toMatch(/^1[358]\d{9}$/);
      if (ageOn(r.birthDate) < 12) expect(r.phone).toBeNull();
    }
    const phones = demo.residents.flatMap((r) => (r.phone ? [r.phone] : []));
    expect(new Set(phones).size).toBe(phones.length);
    const surnames = new Set(demo.residents.map((r) => r.name[0]));
    expect(surnames.size).toBeGreaterThan(30);
    expect(demo.residents.some((r) => r.name.length === 2)).toBe(true);
    expect(demo.residents.some((r) => r.name.length === 3)).toBe(true);
  });

  it('groups residents in households whose building sits in their grid', () => {
    const buildings = new Map(demo.buildings.map((b) => [b.code, b]));
    const households = new Map<string, number>();
    for (const r of demo.residents) {
      expect(buildings.get(r.buildingCode)?.gridCode).toBe(r.gridCode);
      expect(r.unitNo).toMatch(/^\d-\d{3,4}$/);
      const key = `${r.buildingCode}|${r.unitNo}`;
      households.set(key, (households.get(key) ?? 0) + 1);
    }
    const sizes = [...households.values()];
    expect(Math.max(...sizes)).toBeLessThanOrEqual(8);
    expect(sizes.filter((s) => s === 1).length).toBeGreaterThan(0);
    expect(sizes.filter((s) => s >= 3).length).toBeGreaterThan(0);
  });

  it('sets flags consistently with age and household', () => {
    const householdSize = new Map<string, number>();
    for (const r of demo.residents) {
      const key = `${r.buildingCode}|${r.unitNo}`;
      householdSize.set(key, (householdSize.get(key) ?? 0) + 1);
    }
    for (const r of demo.residents) {
      const age = ageOn(r.birthDate);
      expect(r.flags.child).toBe(age < 14);
      const alone = householdSize.get(`${r.buildingCode}|${r.unitNo}`) === 1;
      expect(r.flags.elderlyLivingAlone).toBe(age >= 65 && alone);
      if (r.flags.needsAssistance) expect(age >= 60 || r.flags.disability).toBe(true);
    }
    const disabled = demo.residents.filter((r) => r.flags.disability).length / demo.residents.length;
    expect(disabled).toBeGreaterThan(0.005);
    expect(disabled).toBeLessThan(0.05);
    expect(demo.residents.some((r) => r.flags.elderlyLivingAlone)).toBe(true);
    expect(demo.residents.some((r) => r.flags.needsAssistance)).toBe(true);
  });

  it('has the demo users with the right roles and units', () => {
    const expected: [string, string, string, string | null][] = [
      ['demo-admin', 'system_admin', 'D01', null],
      ['demo-commander', 'district_commander', 'D01', null],
      ['demo-street-1', 'street_officer', 'D01-S01', null],
      ['demo-street-2', 'street_officer', 'D01-S02', null],
      ['demo-township-1', 'street_officer', 'D01-T01', null],
      ['demo-community-1', 'community_admin', 'D01-S01-C01', null],
      ['demo-community-2', 'community_admin', 'D01-S01-C02', null],
      ['demo-village-1', 'community_admin', 'D01-T01-V01', null],
      ['demo-gridworker-1', 'grid_worker', 'D01-S01-C01-G01', null],
      ['demo-gridworker-2', 'grid_worker', 'D01-S01-C01-G02', null],
      ['demo-gridworker-3', 'grid_worker', 'D01-T01-V01-G01', null],
      ['demo-police-1', 'department_staff', 'D01', 'police'],
      ['demo-health-1', 'department_staff', 'D01-S01', 'health'],
      ['demo-auditor', 'auditor', 'D01', null],
      ['demo-resident-1', 'resident', 'D01-S01-C01-G01', null],
    ];
    expect(demo.users.map((u) => u.username).sort()).toEqual(expected.map(([name]) => name).sort());
    for (const [username, role, unitCode, department] of expected) {
      const user = demo.users.find((u) => u.username === username)!;
      expect(user, username).toMatchObject({ role, unitCode, department });
      expect(user.kind).toBe(role === 'resident' ? 'resident' : 'staff');
      expect(user.username).toMatch(/^[a-z0-9][a-z0-9._-]{2,63}$/);
      expect(unitsByCode.has(user.unitCode)).toBe(true);
    }
  });

  it('links the resident user to an adult living in that grid', () => {
    const user = demo.users.find((u) => u.username === 'demo-resident-1')!;
    const resident = demo.residents.find((r) => r.idNumber === user.residentIdNumber);
    expect(resident).toBeDefined();
    expect(resident!.gridCode).toBe(user.unitCode);
    expect(ageOn(resident!.birthDate)).toBeGreaterThanOrEqual(18);
    expect(user.displayName).toBe(resident!.name);
    expect(demo.users.filter((u) => u.residentIdNumber !== undefined)).toHaveLength(1);
  });

  it('holds up for other seeds', () => {
    for (const seed of [1, 2, 3, 42, 12345]) {
      const other = generateDemoDistrict(seed);
      expect(other.units.filter((u) => u.type === 'grid').length).toBeGreaterThanOrEqual(12);
      expect(other.buildings.length).toBeGreaterThanOrEqual(280);
      expect(other.residents.length).toBeGreaterThanOrEqual(1900);
      expect(other.residents.length).toBeLessThanOrEqual(2100);
      const grids = new Map(other.units.map((u) => [u.code, u]));
      for (const b of other.buildings) {
        const grid = grids.get(b.gridCode)!;
        expect(booleanPointInPolygon(point([b.lng, b.lat]), polygon(grid.boundary.coordinates))).toBe(true);
      }
    }
  });
});
