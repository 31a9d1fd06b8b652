import type { BoundaryGeometry } from '@civitas/contracts/common';
import {
  orgUnitActionsFor,
  retireBlockers,
  type OrgUnitImpact,
  type UnitRecordCount,
} from '@civitas/contracts/org-lifecycle';
import type { Kysely, Transaction } from 'kysely';
import { assertCovers, grantCovering } from '../../platform/auth/access.js';
import type { Actor, RequestContext } from '../../platform/auth/actor.js';
import type { AuditLog } from '../../platform/audit/audit-log.js';
import type { DB } from '../../platform/db/schema.js';
import { badRequest, conflict, forbidden, notFound } from '../../platform/errors/errors.js';
import { cellsCovering, unionOf } from './org-geometry.js';
import { assertValidBoundary, OrgGeometryGuard } from './org-geometry-guard.js';
import type { UnitRecordHolders } from './org-unit-records.js';
import { assertActive } from './org-unit-status.js';
import { presentOrgUnit } from './orgs.presenter.js';
import type { OrgsRepository } from './orgs.repository.js';
import type { OrgsService } from './orgs.service.js';
import type { OrgUnitRow } from './orgs.tables.js';

type Ctx = RequestContext & { actor: Actor };

/**
 * Retiring and merging units (ADR 0043). A unit is never deleted: it retires, keeping its row
 * for history, once nothing active points at it; a merge first moves everything that points at
 * it (children here, other modules' records through their registered holders) to a sibling of
 * the same type, whose boundary becomes the union of both, all in one transaction.
 */
export class OrgLifecycleService {
  private readonly geometry: OrgGeometryGuard;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly repo: OrgsRepository,
    private readonly orgs: OrgsService,
    private readonly holders: UnitRecordHolders,
    private readonly audit: AuditLog,
  ) {
    this.geometry = new OrgGeometryGuard(repo);
  }

  /** Counts per kind of what points at the unit, and what the caller may do to it. */
  async impact(actor: Actor, id: string): Promise<OrgUnitImpact> {
    const unit = await this.orgs.get(actor, id);
    const counts = await this.db.transaction().execute((trx) => this.counts(trx, unit));
    const parent = unit.parent_id ? await this.repo.findById(unit.parent_id) : undefined;
    return {
      unit: presentOrgUnit(unit),
      counts,
      actions: orgUnitActionsFor({
        status: unit.status === 'retired' ? 'retired' : 'active',
        hasParent: parent !== undefined,
        writesUnit: grantCovering(actor, 'org.write', unit.path) !== undefined,
        writesParent: parent !== undefined && grantCovering(actor, 'org.write', parent.path) !== undefined,
        counts,
      }),
    };
  }

  async retire(ctx: Ctx, id: string, version: number): Promise<OrgUnitRow> {
    const unit = await this.repo.findById(id);
    if (!unit) throw notFound('Org unit');
    const grant = assertCovers(ctx.actor, 'org.write', unit.path, 'Org unit');
    assertActive(unit);
    return this.orgs.changing(() =>
      this.db.transaction().execute(async (trx) => {
        await this.repo.lock(trx, id);
        const counts = await this.counts(trx, unit);
        const blockers = retireBlockers(counts);
        if (blockers.length > 0) {
          throw conflict(
            'unit_has_records',
            `${unit.type} ${unit.code} still has ${blockers.map((b) => `${b.count} ${b.kind}`).join(', ')}; move or merge them first`,
            { counts: blockers },
          );
        }
        const retired = await this.repo.retire(trx, id, version, null);
        if (!retired) throw staleVersion(await this.repo.findById(id, trx));
        // Its area no longer answers "which unit contains this point"; the boundary stays as history.
        await this.repo.replaceCells(trx, id, []);
        await this.audit.append(trx, ctx, {
          action: 'org.retire',
          targetType: 'org_unit',
          targetId: id,
          targetUnitId: id,
          grant,
          detail: { code: unit.code, kept: counts.filter((c) => c.count > 0) },
        });
        return retired;
      }),
    );
  }

  async merge(
    ctx: Ctx,
    id: string,
    input: { intoId: string; version: number; intoVersion: number },
  ): Promise<{ unit: OrgUnitRow; into: OrgUnitRow; moved: UnitRecordCount[] }> {
    const unit = await this.repo.findById(id);
    if (!unit) throw notFound('Org unit');
    assertCovers(ctx.actor, 'org.write', unit.path, 'Org unit');
    const into = await this.repo.findById(input.intoId);
    if (!into || grantCovering(ctx.actor, 'org.read', into.path) === undefined)
      throw badRequest('merge_target_not_found', 'intoId: no such org unit');
    if (into.id === unit.id) throw badRequest('merge_into_self', 'intoId: a unit cannot merge into itself');
    assertActive(unit);
    assertActive(into);
    if (unit.parent_id === null || into.parent_id !== unit.parent_id || into.type !== unit.type) {
      throw badRequest(
        'merge_not_sibling',
        `intoId: ${unit.type} ${unit.code} can merge only into a ${unit.type} under the same parent, not ${into.type} ${into.code}`,
      );
    }
    const parent = (await this.repo.findById(unit.parent_id))!;
    // The parent's set of children changes: the caller must hold the unit's parent, not just the two.
    const grant = grantCovering(ctx.actor, 'org.write', parent.path);
    if (!grant) throw forbidden('Merging units needs org.write on the unit above them.');
    const area = mergedBoundary(unit, into);
    if (area) assertValidBoundary(area);
    let moved: UnitRecordCount[] = [];
    const result = await this.orgs.changing(() =>
      this.db.transaction().execute(async (trx) => {
        await this.repo.lock(trx, parent.id);
        // The unit retires first, so the sibling check of the new area no longer sees it.
        const retired = await this.repo.retire(trx, unit.id, input.version, into.id);
        if (!retired) throw staleVersion(await this.repo.findById(unit.id, trx));
        const grown = await this.repo.update(trx, into.id, input.intoVersion, area ? { boundary: area } : {});
        if (!grown) throw staleVersion(await this.repo.findById(into.id, trx));
        if (area) {
          await this.geometry.assertPlacement(
            trx,
            { id: into.id, code: into.code, type: into.type, boundary: area },
            parent,
          );
          await this.repo.replaceCells(trx, into.id, cellsCovering(area));
        }
        await this.repo.replaceCells(trx, unit.id, []);
        const children = await this.repo.children(unit.id, trx);
        for (const child of children) await this.repo.move(trx, child, grown);
        // Retired children move too (their paths follow), but only active ones are counted, as in
        // the impact the confirmation showed.
        moved = [
          { kind: 'children', count: children.filter((c) => c.status === 'active').length },
          ...(await this.holders.moveAll(trx, unit.id, into.id)),
        ];
        await this.audit.append(trx, ctx, {
          action: 'org.merge',
          targetType: 'org_unit',
          targetId: unit.id,
          targetUnitId: into.id,
          grant,
          detail: { code: unit.code, into: into.code, moved: moved.filter((m) => m.count > 0) },
        });
        return {
          unit: (await this.repo.findById(unit.id, trx))!,
          into: (await this.repo.findById(into.id, trx))!,
        };
      }),
    );
    this.holders.committed();
    return { ...result, moved };
  }

  private async counts(trx: Transaction<DB>, unit: OrgUnitRow): Promise<UnitRecordCount[]> {
    return [
      { kind: 'children', count: await this.repo.countChildren(unit.id, trx) },
      ...(await this.holders.count(trx, unit.id)),
    ];
  }
}

/** Both areas; a side without a boundary adds none (the target keeps its own, or none). */
function mergedBoundary(unit: OrgUnitRow, into: OrgUnitRow): BoundaryGeometry | null {
  const a = unit.boundary as BoundaryGeometry | null;
  const b = into.boundary as BoundaryGeometry | null;
  if (a && b) return unionOf(a, b);
  return null;
}

function staleVersion(current: OrgUnitRow | undefined) {
  return conflict('stale_version', 'The unit was changed by someone else; reload and try again.', {
    current: current ? presentOrgUnit(current) : null,
  });
}
