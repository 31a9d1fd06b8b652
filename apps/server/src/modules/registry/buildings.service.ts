import type { CreateBuilding } from '@civitas/contracts/registry';
import { latLngToCell } from 'h3-js';
import type { Kysely } from 'kysely';
import { assertCovers, scopePaths } from '../../platform/auth/access.js';
import type { Actor, RequestContext } from '../../platform/auth/actor.js';
import type { AuditLog } from '../../platform/audit/audit-log.js';
import type { BoundaryGeometry } from '@civitas/contracts/common';
import type { DB } from '../../platform/db/schema.js';
import { badRequest, conflict, notFound } from '../../platform/errors/errors.js';
import { contains } from '../orgs/org-geometry.js';
import type { OrgsService } from '../orgs/orgs.service.js';
import type { BuildingsRepository } from './buildings.repository.js';

/** Resolution 11 (~2,000 m²) places a building within its block for "nearby" queries. */
export const BUILDING_CELL_RESOLUTION = 11;

type Ctx = RequestContext & { actor: Actor };

export class BuildingsService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly repo: BuildingsRepository,
    private readonly orgs: OrgsService,
    private readonly audit: AuditLog,
  ) {}

  /** Buildings in the caller's area, or under `unitId` (a unit out of scope: 404 as orgs.get says). */
  async list(actor: Actor, limit: number, offset: number, unitId?: string) {
    if (!unitId) return this.repo.list(scopePaths(actor, 'building.read'), limit, offset);
    const unit = await this.orgs.get(actor, unitId);
    assertCovers(actor, 'building.read', unit.path, 'Org unit');
    return this.repo.list([unit.path], limit, offset);
  }

  async get(actor: Actor, id: string) {
    const b = await this.repo.findById(id);
    if (!b) throw notFound('Building');
    assertCovers(actor, 'building.read', b.unit_path, 'Building');
    return b;
  }

  async households(actor: Actor, buildingId: string) {
    const b = await this.get(actor, buildingId);
    return this.repo.households(b.id);
  }

  /** The grid comes from the location unless given; a given grid must contain the location. */
  async create(ctx: Ctx, input: CreateBuilding) {
    const [lng, lat] = input.location.coordinates;
    const grid = input.gridId
      ? await this.orgs.forNewRecords(input.gridId)
      : await this.orgs.deepestContaining(lat, lng, 'grid');
    if (!grid) {
      throw badRequest(
        'location_outside_units',
        'location: the point lies outside every grid of this installation',
      );
    }
    if (grid.type !== 'grid') throw badRequest('grid_not_found', 'gridId: not a grid');
    if (grid.boundary && !contains(grid.boundary as BoundaryGeometry, lat, lng)) {
      throw badRequest('location_outside_grid', 'location: the point lies outside the given grid');
    }
    const grant = assertCovers(ctx.actor, 'building.write', grid.path, 'Grid', false);
    if (await this.repo.codeExists(input.code))
      throw conflict('code_taken', `code: building ${input.code} already exists`);
    const id = await this.db.transaction().execute(async (trx) => {
      const newId = await this.repo.insert(trx, {
        code: input.code,
        name: input.name,
        address: input.address,
        grid_id: grid.id,
        lat,
        lng,
        h3: latLngToCell(lat, lng, BUILDING_CELL_RESOLUTION),
        floors: input.floors,
      });
      await this.audit.append(trx, ctx, {
        action: 'building.create',
        targetType: 'building',
        targetId: newId,
        targetUnitId: grid.id,
        grant,
        detail: { code: input.code },
      });
      return newId;
    });
    return (await this.repo.findById(id))!;
  }
}
