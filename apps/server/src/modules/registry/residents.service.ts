import type {
  CreateResident,
  ResidentListQuery,
  RevealableField,
  UpdateResident,
} from '@civitas/contracts/registry';
import type { Kysely, Transaction } from 'kysely';
import { assertCovers, scopePaths } from '../../platform/auth/access.js';
import type { Actor, RequestContext } from '../../platform/auth/actor.js';
import type { AuditLog } from '../../platform/audit/audit-log.js';
import type { FieldCipher } from '../../platform/crypto/field-cipher.js';
import type { DB } from '../../platform/db/schema.js';
import type { NewResident } from './registry.tables.js';
import { badRequest, conflict, notFound } from '../../platform/errors/errors.js';
import type { OrgsService } from '../orgs/orgs.service.js';
import type { BuildingsRepository } from './buildings.repository.js';
import { birthDateOf, idNumberProblem } from './id-number.js';
import { AAD, idNumberIndexes, sealResident, type ResidentFields } from './resident-sealing.js';
import { AccessEpochProbe } from '../identity/session-cache.js';
import { ResidentPageCache } from './resident-page-cache.js';
import {
  COUNT_CAP,
  type ResidentFilter,
  type ResidentsRepository,
  type SealedRow,
} from './residents.repository.js';
import { presentResident, writeItems } from './registry.presenter.js';

type Ctx = RequestContext & { actor: Actor };

/** People of the registry. Lists and details are masked; every look is audited. */
export class ResidentsService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly repo: ResidentsRepository,
    private readonly buildings: BuildingsRepository,
    private readonly orgs: OrgsService,
    private readonly cipher: FieldCipher,
    private readonly audit: AuditLog,
  ) {
    this.epoch = new AccessEpochProbe(() => repo.readEpoch());
  }

  private readonly pages = new ResidentPageCache();
  // Concurrent list requests share one read of the registry epoch, each strictly after it arrived.
  private readonly epoch: AccessEpochProbe;

  async list(ctx: Ctx, q: ResidentListQuery) {
    let paths = scopePaths(ctx.actor, 'resident.read');
    if (q.unitId) {
      const unit = await this.orgs.get(ctx.actor, q.unitId);
      assertCovers(ctx.actor, 'resident.read', unit.path, 'Org unit');
      paths = [unit.path];
    }
    await this.checkPlaceFilter(ctx.actor, q);
    // The epoch is read after this request arrived and before any row is read, so a page kept
    // under it is never older than what this request may be answered with (ResidentPageCache).
    const [units, epoch] = await Promise.all([
      paths.length === 0 ? Promise.resolve([]) : this.orgs.unitsUnder(paths, ctx.actor.accessEpoch),
      this.epoch.current(),
    ]);
    const filter: ResidentFilter = {
      units,
      flag: q.flag,
      buildingId: q.buildingId,
      householdId: q.householdId,
      limit: q.limit,
      offset: q.offset,
    };
    const key = JSON.stringify([
      units,
      filter.flag,
      filter.buildingId,
      filter.householdId,
      q.limit,
      q.offset,
    ]);
    const [page, n] = await Promise.all([
      this.pages.get(key, epoch) ??
        this.repo.page(filter).then((rows) => {
          const built = { ids: rows.map((r) => r.id), itemsJson: writeItems(rows.map(presentResident)) };
          this.pages.offer(key, epoch, built);
          return built;
        }),
      this.repo.count(filter, epoch),
    ]);
    // Every page read is logged, from memory or not, and the answer waits until the row is durable.
    await this.audit.record(ctx, {
      action: 'resident.list',
      targetType: 'resident',
      targetUnitId: q.unitId ?? ctx.actor.grants[0]?.orgUnitId ?? null,
      detail: {
        ids: page.ids,
        filter: { unitId: q.unitId, flag: q.flag, buildingId: q.buildingId, householdId: q.householdId },
      },
    });
    return { page, total: Math.min(n, COUNT_CAP), totalExact: n <= COUNT_CAP };
  }

  /**
   * A building or household filter must name a place of the caller's area: one elsewhere answers
   * 404 as if it did not exist, rather than an empty page that would confirm it does.
   */
  private async checkPlaceFilter(actor: Actor, q: ResidentListQuery): Promise<void> {
    if (q.buildingId) {
      const b = await this.buildings.findById(q.buildingId);
      if (!b) throw notFound('Building');
      assertCovers(actor, 'resident.read', b.unit_path, 'Building');
    }
    if (q.householdId) {
      const h = await this.buildings.findHousehold(q.householdId);
      if (!h) throw notFound('Household');
      assertCovers(actor, 'resident.read', h.unit_path, 'Household');
    }
  }

  async get(ctx: Ctx, id: string) {
    const row = await this.repo.findById(id);
    if (!row) throw notFound('Resident');
    const grant = assertCovers(ctx.actor, 'resident.read', row.unit_path, 'Resident');
    await this.audit.record(ctx, {
      action: 'resident.read',
      targetType: 'resident',
      targetId: id,
      targetUnitId: row.org_unit_id,
      grant,
    });
    return presentResident(row);
  }

  /** The one way to see a plain personal value: explicit, with a reason, and logged before it is shown. */
  async reveal(ctx: Ctx, id: string, field: RevealableField, reason: string): Promise<string | null> {
    const row = await this.repo.findSealed(id);
    if (!row) throw notFound('Resident');
    const grant = assertCovers(ctx.actor, 'resident.reveal', row.unit_path, 'Resident');
    const value = field === 'birthDate' ? row.birth_date : this.open(row, field);
    await this.audit.record(ctx, {
      action: 'resident.reveal',
      targetType: 'resident',
      targetId: id,
      targetUnitId: row.org_unit_id,
      grant,
      detail: { field, reason },
    });
    return value;
  }

  private open(row: SealedRow, field: Exclude<RevealableField, 'birthDate'>): string | null {
    const sealed = field === 'name' ? row.name_enc : field === 'phone' ? row.phone_enc : row.id_number_enc;
    return sealed ? this.cipher.decrypt(sealed, AAD[field]) : null;
  }

  /**
   * Refuses an ID number another resident of the caller's own area holds, naming that resident.
   * A holder outside the area does not count: answering differently for it would tell the caller
   * that the person is registered somewhere they cannot see (ADR 0021). Such a record is kept as
   * a duplicate for whoever can see both (`ResidentDuplicatesService`).
   */
  private async refuseIdNumberHeldInArea(actor: Actor, idNumber: string, except?: string) {
    const hashes = idNumberIndexes(this.cipher, idNumber);
    const paths = scopePaths(actor, 'resident.read');
    const units = paths.length === 0 ? [] : await this.orgs.unitsUnder(paths, actor.accessEpoch);
    const held = await this.repo.idNumberHolders(hashes, units);
    const holder = hashes.map((h) => held.get(h)).find((h) => h !== undefined);
    if (holder && holder !== except) throw idNumberTaken(holder);
  }

  async create(ctx: Ctx, input: CreateResident) {
    const fields = checkFields(input);
    const place = await this.placeFor(input.buildingId, input.gridId);
    const grant = assertCovers(ctx.actor, 'resident.write', place.gridPath, 'Grid', false);
    if (fields.idNumber) await this.refuseIdNumberHeldInArea(ctx.actor, fields.idNumber);
    const id = await this.db
      .transaction()
      .execute(async (trx) => {
        const householdId =
          place.buildingId && input.unitNo
            ? await this.repo.householdId(trx, place.buildingId, input.unitNo)
            : null;
        const [newId] = await this.insertSealed(
          trx,
          ctx,
          [
            sealResident(this.cipher, fields, {
              orgUnitId: place.gridId,
              buildingId: place.buildingId,
              householdId,
            }),
          ],
          grant,
        );
        return newId!;
      })
      .catch(onSameUnitDuplicate);
    return presentResident((await this.repo.findById(id))!);
  }

  async update(ctx: Ctx, id: string, patch: UpdateResident) {
    const current = await this.repo.findById(id);
    if (!current) throw notFound('Resident');
    const grant = assertCovers(ctx.actor, 'resident.write', current.unit_path, 'Resident');
    const set: Partial<NewResident> = {};
    if (patch.name !== undefined)
      Object.assign(
        set,
        pick(sealOne(this.cipher, { name: patch.name }), ['name_enc', 'name_mask', 'name_index']),
      );
    if (patch.phone !== undefined) {
      Object.assign(
        set,
        patch.phone
          ? pick(sealOne(this.cipher, { phone: patch.phone }), ['phone_enc', 'phone_mask', 'phone_hash'])
          : { phone_enc: null, phone_mask: null, phone_hash: null },
      );
    }
    if (patch.idNumber !== undefined) {
      if (patch.idNumber) {
        checkFields({
          ...patch,
          name: 'x',
          idNumber: patch.idNumber,
          birthDate: patch.birthDate ?? current.birth_date,
        });
        await this.refuseIdNumberHeldInArea(ctx.actor, patch.idNumber, id);
      }
      Object.assign(
        set,
        patch.idNumber
          ? pick(sealOne(this.cipher, { idNumber: patch.idNumber }), [
              'id_number_enc',
              'id_number_mask',
              'id_number_hash',
            ])
          : { id_number_enc: null, id_number_mask: null, id_number_hash: null },
      );
    }
    if (patch.birthDate !== undefined) set.birth_date = patch.birthDate;
    if (patch.gender !== undefined) set.gender = patch.gender;
    if (patch.flags) {
      set.elderly_living_alone = patch.flags.elderlyLivingAlone;
      set.disability = patch.flags.disability;
      set.child = patch.flags.child;
      set.needs_assistance = patch.flags.needsAssistance;
    }
    await this.db.transaction().execute(async (trx) => {
      const done = await this.repo.update(trx, id, patch.version, set).catch(onSameUnitDuplicate);
      if (!done) {
        const now = await this.repo.findById(id, trx);
        throw conflict('stale_version', 'The resident was changed by someone else; reload and try again.', {
          current: now ? presentResident(now) : null,
        });
      }
      await this.audit.append(trx, ctx, {
        action: 'resident.update',
        targetType: 'resident',
        targetId: id,
        targetUnitId: current.org_unit_id,
        grant,
        detail: { fields: Object.keys(patch).filter((k) => k !== 'version') },
      });
    });
    return presentResident((await this.repo.findById(id))!);
  }

  /** Inserts sealed rows and their audit entry in the caller's transaction (create, import, demo). */
  async insertSealed(
    trx: Transaction<DB>,
    ctx: RequestContext,
    rows: NewResident[],
    grant?: Actor['grants'][number],
  ) {
    const ids = await this.repo.insertMany(trx, rows);
    await this.audit.append(trx, ctx, {
      action: rows.length === 1 ? 'resident.create' : 'resident.create_batch',
      targetType: 'resident',
      targetId: rows.length === 1 ? ids[0] : undefined,
      targetUnitId: rows[0]?.org_unit_id ?? null,
      ...(grant ? { grant } : {}),
      detail: { ids },
    });
    return ids;
  }

  private async placeFor(buildingId: string | null, gridId: string | undefined) {
    if (buildingId) {
      const b = await this.buildings.findById(buildingId);
      if (!b) throw badRequest('building_not_found', 'buildingId: no such building');
      if (gridId && gridId !== b.grid_id)
        throw badRequest('grid_mismatch', 'gridId: the building lies in another grid');
      return { gridId: b.grid_id, gridPath: b.unit_path, buildingId: b.id };
    }
    if (!gridId) throw badRequest('place_required', 'gridId: give a building or a grid');
    const grid = await this.orgs.forNewRecords(gridId);
    if (!grid || grid.type !== 'grid') throw badRequest('grid_not_found', 'gridId: no such grid');
    return { gridId: grid.id, gridPath: grid.path, buildingId: null };
  }
}

/** Cross-field checks the schema cannot express. */
export function checkFields(input: {
  name: string;
  phone?: string | null;
  idNumber?: string | null;
  birthDate?: string | null;
  gender?: 'male' | 'female' | 'unknown';
  flags?: ResidentFields['flags'];
}): ResidentFields {
  let birthDate = input.birthDate ?? null;
  if (input.idNumber) {
    const problem = idNumberProblem(input.idNumber);
    if (problem)
      throw badRequest('validation_failed', `idNumber: ${problem}`, [
        { path: 'body.idNumber', message: problem },
      ]);
    const embedded = birthDateOf(input.idNumber);
    if (birthDate && birthDate !== embedded) {
      const message = `does not match the birth date in the ID number (${embedded})`;
      throw badRequest('validation_failed', `birthDate: ${message}`, [{ path: 'body.birthDate', message }]);
    }
    birthDate = embedded;
  }
  return {
    name: input.name,
    phone: input.phone ?? null,
    idNumber: input.idNumber ?? null,
    birthDate,
    gender: input.gender ?? 'unknown',
    flags: input.flags ?? {
      elderlyLivingAlone: false,
      disability: false,
      child: false,
      needsAssistance: false,
    },
  };
}

function sealOne(cipher: FieldCipher, f: Partial<ResidentFields>) {
  return sealResident(
    cipher,
    {
      name: f.name ?? '-',
      phone: f.phone ?? null,
      idNumber: f.idNumber ?? null,
      birthDate: null,
      gender: 'unknown',
      flags: { elderlyLivingAlone: false, disability: false, child: false, needsAssistance: false },
    },
    { orgUnitId: '', buildingId: null, householdId: null },
  );
}

function pick<T extends object, K extends keyof T>(o: T, keys: K[]): Pick<T, K> {
  return Object.fromEntries(keys.map((k) => [k, o[k]])) as Pick<T, K>;
}

const idNumberTaken = (existingId?: string) =>
  conflict(
    'id_number_taken',
    'idNumber: a resident of your area already has this ID number',
    existingId ? { existingId } : undefined,
  );

/** Two writers raced to one unit with one ID number: the unit's unique index refused the second. */
function onSameUnitDuplicate(e: unknown): never {
  if (isUniqueViolation(e)) throw idNumberTaken();
  throw e;
}

export function isUniqueViolation(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: string }).code === '23505';
}
