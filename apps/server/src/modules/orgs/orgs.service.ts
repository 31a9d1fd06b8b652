import { randomUUID } from 'node:crypto';
import type { BoundaryGeometry } from '@civitas/contracts/common';
import {
  allowedChildTypes,
  type CreateOrgUnit,
  type OrgUnitType,
  type UpdateOrgUnit,
} from '@civitas/contracts/orgs';
import type { Kysely, Transaction } from 'kysely';
import { assertCovers, scopePaths } from '../../platform/auth/access.js';
import type { Actor, RequestContext } from '../../platform/auth/actor.js';
import type { AuditLog } from '../../platform/audit/audit-log.js';
import type { DB } from '../../platform/db/schema.js';
import type { OrgUnitRow } from './orgs.tables.js';
import { badRequest, conflict, forbidden, notFound } from '../../platform/errors/errors.js';
import { Cache } from '../../platform/cache/cache.js';
import { cellOf, cellsCovering, contains } from './org-geometry.js';
import { assertValidBoundary, OrgGeometryGuard } from './org-geometry-guard.js';
import type { OrgListFilter, OrgsRepository } from './orgs.repository.js';
import { presentOrgUnit } from './orgs.presenter.js';
import { UnitRecordHolders } from './org-unit-records.js';
import { assertActive } from './org-unit-status.js';

/** The module's row types other modules may hold (its tables stay its own, ADR 0030). */
export type { OrgUnitRow } from './orgs.tables.js';

/**
 * How long a process reuses the candidate units of an H3 cell (with their boundaries) for "which
 * units contain this point", in ms. Every case intake, device and building placement asks it.
 * Changes through this process apply at once; boundary edits made through another process within
 * this time.
 */
export const ORG_CELL_TTL_MS = 5_000;
const MAX_CACHED_CELLS = 20_000;

/** The administrative tree: creation, edits, moves, and "which units contain this point". */
export class OrgsService {
  private readonly cells: Cache<string, OrgUnitRow[]>;
  /** Unit ids under scope paths, stamped with the access epoch (migration 0008): a move shows at once. */
  private readonly scopes = new Cache<string, string[]>({ ttlMs: Infinity, maxEntries: 1_000 });
  private readonly geometry: OrgGeometryGuard;
  /**
   * Where modules whose records point at units register to count and move them on retire and
   * merge (ADR 0043): they need this service anyway, so the dependency keeps pointing one way.
   */
  readonly unitRecords = new UnitRecordHolders();

  constructor(
    private readonly db: Kysely<DB>,
    private readonly repo: OrgsRepository,
    private readonly audit: AuditLog,
    cellTtlMs: number = ORG_CELL_TTL_MS,
  ) {
    this.cells = new Cache({ ttlMs: cellTtlMs, maxEntries: MAX_CACHED_CELLS });
    this.geometry = new OrgGeometryGuard(repo);
  }

  /** Loads a unit the actor may read, or 404 (a unit outside one's tree is not shown to exist). */
  async get(actor: Actor, id: string): Promise<OrgUnitRow> {
    const unit = await this.repo.findById(id);
    if (!unit) throw notFound('Org unit');
    assertCovers(actor, 'org.read', unit.path, 'Org unit');
    return unit;
  }

  /** Internal lookups for other services, which authorize against the returned path themselves. */
  /**
   * The area the installation covers, for centring maps before sign-in (residents hold no
   * org.read): the bounding box [west, south, east, north] of the top-level units and its centre.
   * Only the outline's extent is public, never the tree.
   */
  async installationArea(): Promise<{
    bbox: [number, number, number, number];
    center: [number, number];
  } | null> {
    let [w, s, e, n] = [Infinity, Infinity, -Infinity, -Infinity];
    for (const { boundary } of await this.repo.rootBoundaries()) {
      const b = boundary as BoundaryGeometry;
      const rings = b.type === 'Polygon' ? b.coordinates : b.coordinates.flat();
      for (const [lng, lat] of rings.flat()) {
        if (lng === undefined || lat === undefined) continue;
        w = Math.min(w, lng);
        e = Math.max(e, lng);
        s = Math.min(s, lat);
        n = Math.max(n, lat);
      }
    }
    if (!Number.isFinite(w)) return null;
    return { bbox: [w, s, e, n], center: [(w + e) / 2, (s + n) / 2] };
  }

  /**
   * Outlines and names of the live units, for a base map to signed-in users (ADR 0050): the
   * geography a street sign shows, not the codes or who works where.
   */
  async outlines() {
    return (await this.repo.outlines()).map((u) => ({
      id: u.id,
      type: u.type,
      depth: u.depth,
      name: { 'zh-CN': u.name_zh, en: u.name_en },
      boundary: u.boundary as BoundaryGeometry,
    }));
  }

  /** The units without a parent: none on an installation not yet set up (`civitas init`). */
  roots(): Promise<{ code: string; type: string }[]> {
    return this.repo.roots();
  }

  findById(id: string): Promise<OrgUnitRow | undefined> {
    return this.repo.findById(id);
  }

  /**
   * A unit new records may attach to: undefined when there is no such unit, a 409 `unit_retired` when
   * it is history (ADR 0043). Every module that places a new record, grant or rule by unit id uses it.
   */
  async forNewRecords(id: string): Promise<OrgUnitRow | undefined> {
    const unit = await this.repo.findById(id);
    if (unit) assertActive(unit);
    return unit;
  }

  /** The direct children of a unit, retired ones included (a caller scoped by grants checks the parent). */
  children(id: string): Promise<OrgUnitRow[]> {
    return this.repo.children(id);
  }

  /** `trx`: inside a transaction (PGlite has one connection: a read outside it would wait forever). */
  findByCode(code: string, trx?: Transaction<DB>): Promise<OrgUnitRow | undefined> {
    return this.repo.findByCode(code, trx);
  }

  list(actor: Actor, f: Omit<OrgListFilter, 'paths'>) {
    return this.repo.list({ ...f, paths: scopePaths(actor, 'org.read') });
  }

  async subtree(actor: Actor, id: string): Promise<OrgUnitRow[]> {
    const unit = await this.get(actor, id);
    return this.repo.subtree(unit.path);
  }

  /**
   * Ids of the units under `paths`, for other modules' scope filters. Reused while the caller's
   * access epoch is current (every unit move or grant change moves it); `null`: read afresh.
   */
  unitsUnder(paths: string[], epoch: number | null): Promise<string[]> {
    if (paths.length === 0) return Promise.resolve([]);
    const read = () => this.repo.idsUnder(paths);
    return epoch === null ? read() : this.scopes.load(paths.join('\n'), read, epoch);
  }

  /** Units whose boundary contains the point, from the district down to the grid. */
  async containing(lat: number, lng: number): Promise<OrgUnitRow[]> {
    const candidates = await this.unitsInCell(cellOf(lat, lng));
    return candidates.filter(
      (u) => u.boundary !== null && contains(u.boundary as BoundaryGeometry, lat, lng),
    );
  }

  private unitsInCell(cell: string): Promise<OrgUnitRow[]> {
    return this.cells.load(cell, () => this.repo.unitsInCell(cell));
  }

  /** The deepest unit containing the point, optionally restricted to one type (e.g. 'grid'). */
  async deepestContaining(lat: number, lng: number, type?: OrgUnitType): Promise<OrgUnitRow | undefined> {
    const units = await this.containing(lat, lng);
    const fit = type ? units.filter((u) => u.type === type) : units;
    return fit[fit.length - 1];
  }

  async create(ctx: RequestContext & { actor: Actor }, input: CreateOrgUnit): Promise<OrgUnitRow> {
    const parent = input.parentId ? await this.repo.findById(input.parentId) : undefined;
    if (input.parentId && !parent) throw badRequest('parent_not_found', 'parentId: no such org unit');
    if (parent) {
      assertCovers(ctx.actor, 'org.write', parent.path, 'Parent org unit', false);
      assertActive(parent);
    } else if (
      !ctx.actor.grants.some((g) => g.role === 'system_admin' && g.orgUnitPath.split('/').length === 3)
    ) {
      // A new root district may only be created by an administrator of an existing root.
      throw forbidden('Only a district-level system administrator can create a new district.');
    }
    return this.changing(() =>
      this.db.transaction().execute((trx) => this.insertUnit(trx, ctx, input, parent)),
    );
  }

  /** Used by the demo loader and the CLI too: no actor checks here, the callers made them. */
  async insertUnit(
    trx: Transaction<DB>,
    ctx: RequestContext,
    input: CreateOrgUnit,
    parent: OrgUnitRow | undefined,
  ): Promise<OrgUnitRow> {
    assertChildType(parent, input.type);
    if (parent) assertActive(parent);
    if (await this.repo.findByCode(input.code, trx)) {
      throw conflict('code_taken', `code: an org unit with code ${input.code} already exists`);
    }
    if (input.boundary) {
      assertValidBoundary(input.boundary);
      if (parent) await this.repo.lock(trx, parent.id);
      await this.geometry.assertPlacement(
        trx,
        { id: null, code: input.code, type: input.type, boundary: input.boundary },
        parent,
      );
    }
    const id = randomUUID();
    const row = await this.repo.insert(trx, {
      id,
      code: input.code,
      type: input.type,
      name_zh: input.name['zh-CN'],
      name_en: input.name.en,
      parent_id: parent?.id ?? null,
      path: `${parent?.path ?? '/'}${id}/`,
      depth: (parent?.depth ?? -1) + 1,
      boundary: input.boundary,
    });
    if (input.boundary) await this.repo.replaceCells(trx, id, cellsCovering(input.boundary));
    await this.audit.append(trx, ctx, {
      action: 'org.create',
      targetType: 'org_unit',
      targetId: id,
      targetUnitId: id,
      detail: { code: input.code, type: input.type, parentId: parent?.id ?? null },
    });
    return row;
  }

  async update(
    ctx: RequestContext & { actor: Actor },
    id: string,
    patch: UpdateOrgUnit,
  ): Promise<OrgUnitRow> {
    const unit = await this.repo.findById(id);
    if (!unit) throw notFound('Org unit');
    const grant = assertCovers(ctx.actor, 'org.write', unit.path, 'Org unit');
    assertActive(unit);
    if (patch.boundary) assertValidBoundary(patch.boundary);
    return this.changing(() =>
      this.db.transaction().execute(async (trx) => {
        const parent = unit.parent_id ? await this.repo.findById(unit.parent_id, trx) : undefined;
        if (patch.boundary && parent) await this.repo.lock(trx, parent.id);
        const updated = await this.repo.update(trx, id, patch.version, {
          ...(patch.name ? { name_zh: patch.name['zh-CN'], name_en: patch.name.en } : {}),
          ...(patch.boundary !== undefined ? { boundary: patch.boundary } : {}),
        });
        if (!updated) throw staleVersion(await this.repo.findById(id, trx));
        if (patch.boundary) {
          const placed = { id, code: updated.code, type: updated.type, boundary: patch.boundary };
          await this.geometry.assertPlacement(trx, placed, parent);
          await this.geometry.assertHoldsDescendants(trx, updated, patch.boundary);
        }
        if (patch.boundary !== undefined) {
          await this.repo.replaceCells(trx, id, patch.boundary ? cellsCovering(patch.boundary) : []);
        }
        await this.audit.append(trx, ctx, {
          action: 'org.update',
          targetType: 'org_unit',
          targetId: id,
          targetUnitId: id,
          grant,
          detail: { fields: Object.keys(patch).filter((k) => k !== 'version') },
        });
        return updated;
      }),
    );
  }

  async move(ctx: RequestContext & { actor: Actor }, id: string, newParentId: string, version: number) {
    const [unit, parent] = await Promise.all([this.repo.findById(id), this.repo.findById(newParentId)]);
    if (!unit) throw notFound('Org unit');
    assertCovers(ctx.actor, 'org.write', unit.path, 'Org unit');
    if (!parent) throw badRequest('parent_not_found', 'newParentId: no such org unit');
    const grant = assertCovers(ctx.actor, 'org.write', parent.path, 'New parent org unit', false);
    assertActive(unit);
    assertActive(parent);
    if (parent.path.startsWith(unit.path)) {
      throw badRequest(
        'move_into_own_subtree',
        'newParentId: a unit cannot move under itself or its descendants',
      );
    }
    assertChildType(parent, unit.type as OrgUnitType);
    if (unit.version !== version) throw staleVersion(unit);
    return this.changing(() =>
      this.db.transaction().execute(async (trx) => {
        if (unit.boundary !== null) {
          await this.repo.lock(trx, parent.id);
          const placed = {
            id,
            code: unit.code,
            type: unit.type,
            boundary: unit.boundary as BoundaryGeometry,
          };
          await this.geometry.assertPlacement(trx, placed, parent);
        }
        await this.repo.move(trx, unit, parent);
        await this.audit.append(trx, ctx, {
          action: 'org.move',
          targetType: 'org_unit',
          targetId: id,
          targetUnitId: id,
          grant,
          detail: { from: unit.parent_id, to: parent.id },
        });
        return (await this.repo.findById(id, trx))!;
      }),
    );
  }

  /** A change to units or boundaries: afterwards (committed or not) point lookups read again. */
  async changing<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } finally {
      this.placesChanged();
    }
  }

  /** For writers that insert units in their own transaction (the demo loader): call after commit. */
  placesChanged(): void {
    this.cells.clear();
  }
}

function assertChildType(parent: OrgUnitRow | undefined, type: OrgUnitType): void {
  if (!parent) {
    if (type !== 'district')
      throw badRequest('bad_unit_type', 'type: a unit without a parent must be a district');
    return;
  }
  const allowed = allowedChildTypes[parent.type as OrgUnitType];
  if (!allowed.includes(type)) {
    throw badRequest(
      'bad_unit_type',
      `type: a ${parent.type} may hold ${allowed.join(' or ') || 'no children'}, not a ${type}`,
    );
  }
}

function staleVersion(current: OrgUnitRow | undefined) {
  return conflict('stale_version', 'The unit was changed by someone else; reload and try again.', {
    current: current ? presentOrgUnit(current) : null,
  });
}
