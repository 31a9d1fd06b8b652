import { latLngToCell } from 'h3-js';
import type { Transaction } from 'kysely';
import type { RequestContext } from '../../platform/auth/actor.js';
import type { FieldCipher } from '../../platform/crypto/field-cipher.js';
import type { DB } from '../../platform/db/schema.js';
import type { BuildingsRepository } from './buildings.repository.js';
import { BUILDING_CELL_RESOLUTION } from './buildings.service.js';
import { idNumberIndexes, sealResident, type ResidentFields } from './resident-sealing.js';
import type { ResidentsRepository } from './residents.repository.js';
import type { ResidentsService } from './residents.service.js';

export interface SeedBuilding {
  code: string;
  name: string;
  address: string;
  gridId: string;
  lat: number;
  lng: number;
  floors: number | null;
}

export interface SeedResident {
  fields: ResidentFields;
  orgUnitId: string;
  buildingId: string;
  /** The flat within the building; residents of one flat share a household. */
  unitNo: string;
}

/**
 * Writing a whole registry at once, for loaders that build a district in one transaction (the
 * demo). Personal fields are sealed here, as on every other path in; the audit entry is the
 * registry's own.
 */
export class RegistrySeeding {
  constructor(
    private readonly buildings: BuildingsRepository,
    private readonly residentsRepo: ResidentsRepository,
    private readonly residents: ResidentsService,
    private readonly cipher: FieldCipher,
  ) {}

  insertBuildingWithin(trx: Transaction<DB>, b: SeedBuilding): Promise<string> {
    return this.buildings.insert(trx, {
      code: b.code,
      name: b.name,
      address: b.address,
      grid_id: b.gridId,
      lat: b.lat,
      lng: b.lng,
      h3: latLngToCell(b.lat, b.lng, BUILDING_CELL_RESOLUTION),
      floors: b.floors,
    });
  }

  /** Sealed, in batches of 500, each audited as one batch. */
  async insertResidentsWithin(
    trx: Transaction<DB>,
    ctx: RequestContext,
    rows: readonly SeedResident[],
  ): Promise<void> {
    const households = new Map<string, string>();
    const sealed = [];
    for (const r of rows) {
      const key = `${r.buildingId}|${r.unitNo}`;
      let household = households.get(key);
      if (!household) {
        household = await this.residentsRepo.householdId(trx, r.buildingId, r.unitNo);
        households.set(key, household);
      }
      sealed.push(
        sealResident(this.cipher, r.fields, {
          orgUnitId: r.orgUnitId,
          buildingId: r.buildingId,
          householdId: household,
        }),
      );
    }
    for (let i = 0; i < sealed.length; i += 500)
      await this.residents.insertSealed(trx, ctx, sealed.slice(i, i + 500));
  }

  /** The resident with this identity-card number (by its blind index), for linking an account. */
  async residentIdByIdNumberWithin(trx: Transaction<DB>, idNumber: string): Promise<string | null> {
    const r = await trx
      .selectFrom('residents')
      .select('id')
      .where('id_number_hash', 'in', idNumberIndexes(this.cipher, idNumber))
      .executeTakeFirst();
    return r?.id ?? null;
  }
}
