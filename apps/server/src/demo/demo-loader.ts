import type { Role } from '@civitas/contracts/roles';
import type { RequestContext } from '../platform/auth/actor.js';
import type { OrgUnitRow } from '../modules/orgs/orgs.service.js';
import { hashPassword } from '../modules/identity/password.js';
import type { Services } from '../services.js';
import { generateDemoDistrict, type DemoDistrict } from './demo-district.js';
import { demoDevices } from './demo-devices.js';
import { seedDemoCases } from './demo-cases.js';

export interface DemoSummary {
  loadedNow: boolean;
  logins: { username: string; role: Role; unit: string }[];
  counts: { units: number; buildings: number; residents: number; devices: number; cases: number };
}

const LOADED_KEY = 'demo_loaded';
const CASES_KEY = 'demo_cases_loaded';

/** Loads the demo district once per database; later starts only report the logins. */
export async function ensureDemo(services: Services, password: string): Promise<DemoSummary> {
  const demo = generateDemoDistrict();
  let loadedNow = false;
  if (!(await services.settings.get(LOADED_KEY))) {
    try {
      await loadDemo(services, demo, password);
      loadedNow = true;
    } catch (e) {
      // Another process loading at the same moment wins the unique codes; that is fine.
      if (!(await services.settings.get(LOADED_KEY))) throw e;
    }
  }
  // The case history goes through the case service, one transaction per step as in live use, so
  // it follows the district's transaction. A start interrupted while seeding resumes here: cases
  // already written (by source ref) are skipped.
  let cases = 0;
  if (!(await services.settings.get(CASES_KEY))) {
    cases = await seedDemoCases(services, demo, new Date());
    await services.settings.setIfAbsent(CASES_KEY, new Date().toISOString());
  }
  return summarize(demo, loadedNow, cases);
}

/** One transaction: a half-loaded demo never exists. */
export async function loadDemo(services: Services, demo: DemoDistrict, password: string): Promise<void> {
  const ctx: RequestContext = { actor: null, requestId: 'demo-load', ip: '127.0.0.1' };
  const passwordHash = await hashPassword(password);
  const { db } = services.database;
  await db.transaction().execute(async (trx) => {
    const units = new Map<string, OrgUnitRow>();
    for (const u of demo.units) {
      const parent = u.parentCode ? units.get(u.parentCode) : undefined;
      const row = await services.orgs.insertUnit(
        trx,
        ctx,
        { code: u.code, type: u.type, name: u.name, parentId: parent?.id ?? null, boundary: u.boundary },
        parent,
      );
      units.set(u.code, row);
    }
    const buildingIds = new Map<string, { id: string; gridId: string; lat: number; lng: number }>();
    for (const b of demo.buildings) {
      const gridId = units.get(b.gridCode)!.id;
      const id = await services.registrySeeding.insertBuildingWithin(trx, {
        code: b.code,
        name: b.name,
        address: b.address,
        gridId,
        lat: b.lat,
        lng: b.lng,
        floors: b.floors,
      });
      buildingIds.set(b.code, { id, gridId, lat: b.lat, lng: b.lng });
    }
    // Credentials are issued by the demo simulator when it starts (see demo-simulator.ts).
    await services.deviceSeeding.insertWithin(
      trx,
      demoDevices(demo).map((dd) => {
        const b = buildingIds.get(dd.buildingCode)!;
        return {
          code: dd.code,
          name: dd.name,
          profile: dd.profile,
          orgUnitId: b.gridId,
          lat: b.lat + dd.dLat,
          lng: b.lng + dd.dLng,
          installDate: '2025-06-01',
        };
      }),
    );
    await services.registrySeeding.insertResidentsWithin(
      trx,
      ctx,
      demo.residents.map((r) => {
        const building = buildingIds.get(r.buildingCode)!;
        return {
          fields: {
            name: r.name,
            phone: r.phone,
            idNumber: r.idNumber,
            birthDate: r.birthDate,
            gender: r.gender,
            flags: r.flags,
          },
          orgUnitId: building.gridId,
          buildingId: building.id,
          unitNo: r.unitNo,
        };
      }),
    );
    for (const u of demo.users) {
      const residentId = u.residentIdNumber
        ? await services.registrySeeding.residentIdByIdNumberWithin(trx, u.residentIdNumber)
        : null;
      await services.users.insertWithin(
        trx,
        ctx,
        {
          username: u.username,
          displayName: u.displayName,
          kind: u.kind,
          passwordHash,
          residentId,
          grants: [{ role: u.role, orgUnitId: units.get(u.unitCode)!.id, department: u.department }],
        },
        { demo: true },
      );
    }
    await services.settings.setIfAbsent(LOADED_KEY, new Date().toISOString(), trx);
  });
  services.orgs.placesChanged();
}

function summarize(demo: DemoDistrict, loadedNow: boolean, cases = 0): DemoSummary {
  // Grids repeat names ("Grid 1") across communities, so a grid is shown with its parent.
  const byCode = new Map(demo.units.map((u) => [u.code, u]));
  const label = (code: string) => {
    const u = byCode.get(code);
    if (!u) return code;
    const p = u.type === 'grid' && u.parentCode ? byCode.get(u.parentCode) : undefined;
    return p
      ? `${p.name['zh-CN']}${u.name['zh-CN']} ${p.name.en}, ${u.name.en}`
      : `${u.name['zh-CN']} ${u.name.en}`;
  };
  const names = new Map(demo.units.map((u) => [u.code, label(u.code)]));
  return {
    loadedNow,
    logins: demo.users.map((u) => ({
      username: u.username,
      role: u.role,
      unit: names.get(u.unitCode) ?? u.unitCode,
    })),
    counts: {
      units: demo.units.length,
      buildings: demo.buildings.length,
      residents: demo.residents.length,
      devices: demoDevices(demo).length,
      cases,
    },
  };
}

export function demoBanner(s: DemoSummary, password: string): string {
  const width = Math.max(...s.logins.map((l) => l.username.length));
  const lines = s.logins.map((l) => `    ${l.username.padEnd(width)}  ${l.role.padEnd(18)}  ${l.unit}`);
  return [
    '',
    s.loadedNow
      ? `  Demo district loaded: ${s.counts.units} units, ${s.counts.buildings} buildings, ${s.counts.residents} residents, ${s.counts.devices} devices, ${s.counts.cases} cases.`
      : '  Demo district (already loaded).',
    `  Demo logins (password: ${password}):`,
    ...lines,
    '',
  ].join('\n');
}
