// Tops the demo district's residents up to a target count, through the server's own services:
// the same generator for believable people (valid ID numbers, era-appropriate names, households),
// the same sealing (AES-256-GCM ciphertexts, masks, blind indexes under the server's SECRET_KEY)
// and the same insert path with its audit entry (ResidentsService.insertSealed).
import { sql } from 'kysely';
import { Rng } from '../../apps/server/dist/demo/demo-geometry.js';
import { generateDemoDistrict } from '../../apps/server/dist/demo/demo-district.js';
import { Registry, householdResidents } from '../../apps/server/dist/demo/demo-people.js';
import { idNumberIndex, sealResident } from '../../apps/server/dist/modules/registry/resident-sealing.js';

const SEED = 20260419;
/** Residents per transaction; 17 columns × 1,000 rows stays well below PostgreSQL's 65,535 parameters. */
const BATCH = 1000;

/**
 * Flats a building can hold: city towers of 10+ floors get up to 4 entrances and 8 flats a floor,
 * walk-ups 2 entrances; a village house has 1 entrance and at most 2 rooms a floor.
 */
function layoutOf(b) {
  const floors = b.floors ?? 1;
  if (b.rural) return { entrances: 1, floors, perFloor: 2 };
  return { entrances: floors >= 10 ? 4 : 2, floors, perFloor: floors > 3 ? 8 : 2 };
}
const capacityOf = (b) => {
  const l = layoutOf(b);
  return l.entrances * l.floors * l.perFloor;
};

function freeUnitNo(rng, b) {
  const l = layoutOf(b);
  for (let tries = 0; tries < 50; tries++) {
    const room = String(rng.int(1, l.perFloor)).padStart(2, '0');
    const unitNo = `${rng.int(1, l.entrances)}-${rng.int(1, l.floors)}${room}`;
    if (!b.used.has(unitNo)) {
      b.used.add(unitNo);
      return unitNo;
    }
  }
  return null;
}

/** Picks a building with room left, weighted by how many flats are still free. */
function pickBuilding(rng, buildings) {
  const open = buildings.filter((b) => b.used.size < 0.85 * b.capacity);
  if (open.length === 0) throw new Error('the demo buildings are full; lower --residents');
  return rng.weighted(open.map((b) => [b, b.capacity - b.used.size]));
}

/**
 * Inserts residents until the database holds `target` in total. Returns counts and timing.
 * `services` is an opened runtime (openRuntime) on the server's database with the server's key.
 */
export async function seedResidents(services, target, log = () => {}) {
  const started = performance.now();
  const { db } = services.database;
  const before = Number((await sql`select count(*)::int as n from residents`.execute(db)).rows[0].n);
  const need = target - before;
  if (need <= 0) return { before, inserted: 0, after: before, households: 0, seconds: 0 };

  // The demo district is deterministic: regenerate it to know which ID numbers and phone numbers
  // are taken, so the new people are unique across the whole district like real ones.
  const registry = new Registry();
  for (const r of generateDemoDistrict().residents) {
    registry.ids.add(r.idNumber.slice(0, 17));
    if (r.phone) registry.phones.add(r.phone);
  }
  // Belt and braces: the database's own blind indexes of the ID numbers already stored.
  const takenHashes = new Set(
    (await db.selectFrom('residents').select('id_number_hash').execute()).map((r) => r.id_number_hash),
  );

  const rows = await db
    .selectFrom('buildings as b')
    .innerJoin('org_units as g', 'g.id', 'b.grid_id')
    .select(['b.id', 'b.code', 'b.floors', 'b.grid_id', 'g.code as grid_code', 'g.path'])
    .orderBy('b.code')
    .execute();
  const households = await db.selectFrom('households').select(['building_id', 'unit_no']).execute();
  const rural = (gridCode) => /-T\d\d-/.test(gridCode);
  const buildings = rows.map((r) => ({
    ...r,
    rural: rural(r.grid_code),
    used: new Set(households.filter((h) => h.building_id === r.id).map((h) => h.unit_no)),
  }));
  for (const b of buildings) b.capacity = capacityOf(b);

  const rng = new Rng(SEED);
  const ctx = { actor: null, requestId: 'bench-seed', ip: '127.0.0.1' };
  let inserted = 0;
  let householdCount = 0;
  while (inserted < need) {
    // One batch: whole households until about BATCH people, the last one cut to hit the target.
    const batch = [];
    let people = 0;
    while (people < Math.min(BATCH, need - inserted)) {
      const b = pickBuilding(rng, buildings);
      const unitNo = freeUnitNo(rng, b);
      if (!unitNo) continue;
      const place = { buildingCode: b.code, unitNo, gridCode: b.grid_code, rural: b.rural };
      let members = householdResidents(rng, registry, place).filter(
        (m) => !takenHashes.has(idNumberIndex(services.cipher, m.idNumber)),
      );
      members = members.slice(0, need - inserted - people);
      if (members.length === 0) continue;
      batch.push({ building: b, unitNo, members });
      people += members.length;
    }
    await db.transaction().execute(async (trx) => {
      const hh = await trx
        .insertInto('households')
        .values(batch.map((h) => ({ building_id: h.building.id, unit_no: h.unitNo })))
        .returning(['id', 'building_id', 'unit_no'])
        .execute();
      const hhId = new Map(hh.map((h) => [`${h.building_id}|${h.unit_no}`, h.id]));
      const sealed = batch.flatMap((h) =>
        h.members.map((m) =>
          sealResident(
            services.cipher,
            {
              name: m.name,
              phone: m.phone,
              idNumber: m.idNumber,
              birthDate: m.birthDate,
              gender: m.gender,
              flags: m.flags,
            },
            {
              orgUnitId: h.building.grid_id,
              buildingId: h.building.id,
              householdId: hhId.get(`${h.building.id}|${h.unitNo}`),
            },
          ),
        ),
      );
      await services.residents.insertSealed(trx, ctx, sealed);
    });
    inserted += people;
    householdCount += batch.length;
    if (inserted % 20_000 < BATCH || inserted === need) log(`  seeded ${before + inserted} residents`);
  }
  // A bulk load is followed by autovacuum's ANALYZE within a minute in production; do it now so
  // the planner sees 100k residents from the first measured request.
  for (const table of ['residents', 'households', 'audit_log'])
    await sql`vacuum analyze ${sql.table(table)}`.execute(db);
  return {
    before,
    inserted,
    after: before + inserted,
    households: householdCount,
    seconds: (performance.now() - started) / 1000,
  };
}
