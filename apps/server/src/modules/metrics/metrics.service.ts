import type { CaseMetrics, CaseMetricsQuery } from '@civitas/contracts/metrics';
import { MAX_METRICS_DAYS } from '@civitas/contracts/metrics';
import { assertCovers, scopePaths } from '../../platform/auth/access.js';
import type { Actor } from '../../platform/auth/actor.js';
import type { OrgUnitRow } from '../orgs/orgs.service.js';
import { badRequest, notFound } from '../../platform/errors/errors.js';
import type { CaseConfigService } from '../cases/config/case-config.service.js';
import type { Clock } from '../cases/case-clock.js';
import type { CaseService } from '../cases/cases.service.js';
import type { CaseFiguresGrouping, CategoryRow } from '../cases/cases.types.js';
import type { OrgsService } from '../orgs/orgs.service.js';
import type { MetricsRepository } from './metrics.repository.js';
import { emptyFigures, figuresOf, presentCategory, presentUnit } from './metrics.presenter.js';

const DAY = 86_400_000;
const DEFAULT_DAYS = 30;

/**
 * Governance metrics of the case center: who may see which unit's figures, the period and the
 * grouping; the figures themselves come from the case center (CaseService.figures), one query
 * over the cases and the facts the workflow keeps from their timeline (docs/metrics.md). Scoped by `metrics.read` grants: a unit's figures cover its
 * whole subtree, so reading them needs a grant on the unit or above it.
 */
export class MetricsService {
  constructor(
    private readonly repo: MetricsRepository,
    /** The figures are the case center's: asked for through its service. */
    private readonly cases: CaseService,
    private readonly orgs: OrgsService,
    private readonly caseConfig: CaseConfigService,
    private readonly clock: Clock,
  ) {}

  async caseMetrics(actor: Actor, q: CaseMetricsQuery): Promise<CaseMetrics> {
    const unit = await this.unitFor(actor, q.unitId);
    const asOf = this.clock.now();
    const to = q.to ? new Date(q.to) : asOf;
    const from = q.from ? new Date(q.from) : new Date(to.getTime() - DEFAULT_DAYS * DAY);
    if (from >= to) throw badRequest('bad_period', 'from: must be before to');
    if (to.getTime() - from.getTime() > MAX_METRICS_DAYS * DAY)
      throw badRequest('bad_period', `from/to: a period may span at most ${MAX_METRICS_DAYS} days`);

    const categories = await this.caseConfig.categories();
    const chosen = q.category ? categories.find((c) => c.code === q.category) : undefined;
    if (q.category && !chosen)
      throw badRequest('unknown_category', `category: there is no case category "${q.category}"`);
    const below = chosen ? subtreeOf(categories, chosen.id) : null;

    let grouping: CaseFiguresGrouping = { kind: 'none' };
    let children: OrgUnitRow[] = [];
    let groupCategories: CategoryRow[] = [];
    if (q.groupBy === 'unit') {
      grouping = { kind: 'unit', parentPath: unit.path };
      children = await this.repo.children(unit.id);
    } else if (q.groupBy === 'month') grouping = { kind: 'month' };
    else if (q.groupBy === 'category') {
      groupCategories = categories.filter((c) => c.parent_id === (chosen?.id ?? null));
      grouping = { kind: 'category', groupOf: groupOfCategory(categories, chosen?.id ?? null, below) };
    }

    const rows = await this.cases.figures({
      unitPath: unit.path,
      from,
      to,
      asOf,
      categoryIds: below,
      grouping,
    });
    const totalRow = rows.find((r) => r.is_total);
    const byKey = new Map(rows.filter((r) => !r.is_total).map((r) => [r.grp ?? '', r]));
    const figures = (key: string) => {
      const r = byKey.get(key);
      return r ? figuresOf(r) : emptyFigures();
    };
    const direct = (figs: CaseMetrics['total']) => ({
      key: 'direct',
      unit: q.groupBy === 'unit' ? presentUnit(unit) : null,
      category: q.groupBy === 'category' && chosen ? presentCategory(chosen) : null,
      month: null,
      direct: true,
      figures: figs,
    });

    let groups: CaseMetrics['groups'] = [];
    if (q.groupBy === 'unit') {
      groups = children.map((u) => ({
        key: u.id,
        unit: presentUnit(u),
        category: null,
        month: null,
        direct: false,
        figures: figures(u.id),
      }));
      // Cases placed on the unit itself (a point inside no child) keep the drill-down summing up.
      if (byKey.has('')) groups.push(direct(figures('')));
    } else if (q.groupBy === 'category') {
      groups = groupCategories.map((c) => ({
        key: c.id,
        unit: null,
        category: presentCategory(c),
        month: null,
        direct: false,
        figures: figures(c.id),
      }));
      if (chosen && byKey.has(chosen.id)) groups.push(direct(figures(chosen.id)));
    } else if (q.groupBy === 'month') {
      groups = [...byKey.keys()].sort().map((m) => ({
        key: m,
        unit: null,
        category: null,
        month: m,
        direct: false,
        figures: figures(m),
      }));
    }

    return {
      unit: presentUnit(unit),
      category: chosen ? presentCategory(chosen) : null,
      from: from.toISOString(),
      to: to.toISOString(),
      asOf: asOf.toISOString(),
      groupBy: q.groupBy,
      total: totalRow ? figuresOf(totalRow) : emptyFigures(),
      groups,
    };
  }

  /**
   * The unit asked for, which the actor's metrics grants must cover (404 otherwise: a unit outside
   * one's tree is not shown to exist), or the unit of the actor's single top grant.
   */
  private async unitFor(actor: Actor, unitId: string | undefined): Promise<OrgUnitRow> {
    if (!unitId) {
      const grants = actor.grants.filter((g) => scopePaths(actor, 'metrics.read').includes(g.orgUnitPath));
      const ids = [...new Set(grants.map((g) => g.orgUnitId))];
      if (ids.length !== 1)
        throw badRequest('unit_required', 'unitId: you hold metrics grants on several units; choose one');
      unitId = ids[0]!;
    }
    const unit = await this.orgs.findById(unitId);
    if (!unit) throw notFound('Org unit');
    assertCovers(actor, 'metrics.read', unit.path, 'Org unit');
    return unit;
  }
}

/** A category and every category below it. */
function subtreeOf(all: CategoryRow[], rootId: string): string[] {
  const ids = [rootId];
  for (let i = 0; i < ids.length; i++) for (const c of all) if (c.parent_id === ids[i]) ids.push(c.id);
  return ids;
}

/**
 * Maps each category in scope to its group: the child of the chosen category (or the top-level
 * category) it sits under; categories filed under the chosen one itself map to the chosen id.
 */
function groupOfCategory(all: CategoryRow[], chosenId: string | null, inScope: string[] | null) {
  const byId = new Map(all.map((c) => [c.id, c]));
  const out = new Map<string, string>();
  for (const c of all) {
    if (inScope && !inScope.includes(c.id)) continue;
    if (c.id === chosenId) {
      out.set(c.id, c.id);
      continue;
    }
    let node = c;
    while (node.parent_id !== chosenId) {
      const parent = node.parent_id ? byId.get(node.parent_id) : undefined;
      if (!parent) break;
      node = parent;
    }
    if (node.parent_id === chosenId) out.set(c.id, node.id);
  }
  return out;
}
