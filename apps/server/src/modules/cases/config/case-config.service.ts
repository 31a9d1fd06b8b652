import type {
  CategoryInput,
  CategoryPatch,
  RoutingRuleInput,
  RoutingRulePatch,
} from '@civitas/contracts/cases';
import type { Kysely, Transaction } from 'kysely';
import { assertCovers, grantsFor, scopePaths } from '../../../platform/auth/access.js';
import type { Actor, RequestContext } from '../../../platform/auth/actor.js';
import type { AuditLog } from '../../../platform/audit/audit-log.js';
import type { OrgUnitRow } from '../../orgs/orgs.service.js';
import { badRequest, conflict, forbidden, notFound } from '../../../platform/errors/errors.js';
import { Cache } from '../../../platform/cache/cache.js';
import type { OrgsService } from '../../orgs/orgs.service.js';
import type { CaseConfigRepository, RuleWithUnits } from './case-config.repository.js';
import { handlerRoleFor, ruleTargetAllowed } from '../workflow/case-policy.js';
import { presentCategory, presentRule } from '../cases.presenter.js';
import { baseTx, type CaseDB } from '../cases.tables.js';
import type { CategoryRow } from '../cases.types.js';

type Ctx = RequestContext & { actor: Actor };

/**
 * How long a process reuses the categories and routing rules it read, in ms. Changes made through
 * this process apply at once; changes made through another process (several servers on one
 * database) within this time. Every intake reads both, and they change a few times a year.
 */
export const CASE_CONFIG_TTL_MS = 5_000;

interface ConfigSnapshot {
  categories: CategoryRow[];
  rules: RuleWithUnits[];
}

export interface RouteDecision {
  /** The deepest unit containing the point: where the case is. */
  location: OrgUnitRow;
  unit: OrgUnitRow;
  role: string;
  department: string | null;
  ruleId: string | null;
}

/**
 * The configuration the case center runs on: the bilingual category tree and the routing rules,
 * and the routing decision itself (FixMyStreet's lesson: area plus category decide the recipient).
 */
export class CaseConfigService {
  private readonly snapshot: Cache<0, ConfigSnapshot>;

  constructor(
    private readonly db: Kysely<CaseDB>,
    private readonly repo: CaseConfigRepository,
    private readonly orgs: OrgsService,
    private readonly audit: AuditLog,
    ttlMs: number = CASE_CONFIG_TTL_MS,
  ) {
    this.snapshot = new Cache({ ttlMs, maxEntries: 1 });
  }

  /** Categories and rules as read at most `ttlMs` ago (or since this process last changed them). */
  private config(): Promise<ConfigSnapshot> {
    return this.snapshot.load(0, async () => {
      const [categories, rules] = await Promise.all([this.repo.categories(), this.repo.allRules()]);
      return { categories, rules };
    });
  }

  /** A change to categories or rules: afterwards the next read goes to the database. */
  private async write<T>(fn: (trx: Transaction<CaseDB>) => Promise<T>): Promise<T> {
    try {
      return await this.db.transaction().execute(fn);
    } finally {
      this.snapshot.clear();
    }
  }

  /** Rules changed outside this service (a unit merge moved them): the next read goes to the database. */
  rulesChanged(): void {
    this.snapshot.clear();
  }

  async categories() {
    return (await this.config()).categories;
  }

  async activeCategoryByCode(code: string): Promise<CategoryRow> {
    const c = (await this.config()).categories.find((x) => x.code === code);
    if (!c || !c.active)
      throw badRequest('unknown_category', `category: there is no active case category "${code}"`);
    return c;
  }

  categoryById(id: string) {
    return this.repo.categoryById(id);
  }

  /** The category and every category below it, for "category=road_facility" list filters. */
  async withDescendants(code: string): Promise<string[]> {
    const all = (await this.config()).categories;
    const root = all.find((c) => c.code === code);
    if (!root) throw badRequest('unknown_category', `category: there is no case category "${code}"`);
    const ids = [root.id];
    for (let i = 0; i < ids.length; i++) for (const c of all) if (c.parent_id === ids[i]) ids.push(c.id);
    return ids;
  }

  /** Categories are installation-wide: only a configure grant on a root unit may change them. */
  private rootGrant(actor: Actor) {
    const g = grantsFor(actor, 'case.configure').find((x) => x.orgUnitPath.split('/').length === 3);
    if (!g) throw forbidden('Only a district-level administrator can change case categories.');
    return g;
  }

  async createCategory(ctx: Ctx, input: CategoryInput) {
    const grant = this.rootGrant(ctx.actor);
    if (input.parentId && !(await this.repo.categoryById(input.parentId)))
      throw badRequest('parent_not_found', 'parentId: no such case category');
    if (await this.repo.categoryByCode(input.code))
      throw conflict('code_taken', `code: a case category ${input.code} already exists`);
    const row = await this.write(async (trx) => {
      const r = await this.repo.insertCategory(trx, toCategoryRow(input));
      await this.audit.append(baseTx(trx), ctx, {
        action: 'case_category.create',
        targetType: 'case_category',
        targetId: r.id,
        grant,
        detail: { code: input.code },
      });
      return r;
    });
    return presentCategory(row);
  }

  async updateCategory(ctx: Ctx, id: string, patch: CategoryPatch) {
    const grant = this.rootGrant(ctx.actor);
    const current = await this.repo.categoryById(id);
    if (!current) throw notFound('Case category');
    if (patch.parentId) await this.assertNoCycle(id, patch.parentId);
    const set = toCategoryRow({
      ...(presentCategory(current) as CategoryInput),
      ...stripUndefined(patch),
      code: current.code,
    });
    const row = await this.write(async (trx) => {
      const r = await this.repo.updateCategory(trx, id, patch.version, set);
      if (!r) {
        const now = await this.repo.categoryById(id, trx);
        throw conflict('stale_version', 'The category was changed by someone else; reload and try again.', {
          current: now ? presentCategory(now) : null,
        });
      }
      await this.audit.append(baseTx(trx), ctx, {
        action: 'case_category.update',
        targetType: 'case_category',
        targetId: id,
        grant,
        detail: { fields: Object.keys(patch).filter((k) => k !== 'version') },
      });
      return r;
    });
    return presentCategory(row);
  }

  private async assertNoCycle(id: string, parentId: string) {
    const all = new Map((await this.repo.categories()).map((c) => [c.id, c]));
    if (!all.has(parentId)) throw badRequest('parent_not_found', 'parentId: no such case category');
    for (let p: string | null = parentId; p; p = all.get(p)?.parent_id ?? null) {
      if (p === id) throw badRequest('category_cycle', 'parentId: a category cannot sit under itself');
    }
  }

  // ---- routing rules ----

  async rules(actor: Actor) {
    return (await this.repo.rulesUnder(scopePaths(actor, 'case.configure'))).map(presentRule);
  }

  private async ruleInScope(actor: Actor, id: string): Promise<RuleWithUnits> {
    const r = await this.repo.rule(id);
    if (!r) throw notFound('Routing rule');
    assertCovers(actor, 'case.configure', r.unit_path, 'Routing rule');
    return r;
  }

  private async checkRule(actor: Actor, r: RoutingRuleInput) {
    const unit = await this.orgs.forNewRecords(r.orgUnitId);
    if (!unit) throw badRequest('unit_not_found', 'orgUnitId: no such org unit');
    const grant = assertCovers(actor, 'case.configure', unit.path, 'Org unit', false);
    if (r.categoryId && !(await this.repo.categoryById(r.categoryId)))
      throw badRequest('unknown_category', 'categoryId: no such case category');
    const target = r.targetUnitId ? await this.orgs.forNewRecords(r.targetUnitId) : undefined;
    if (r.targetUnitId && !target) throw badRequest('unit_not_found', 'targetUnitId: no such org unit');
    if (target && !ruleTargetAllowed(actor, unit.path, target.path))
      throw forbidden(
        `targetUnitId: ${target.code} is neither ${unit.code} or above it nor within your units`,
      );
    if (r.targetDepartment && r.targetRole !== 'department_staff')
      throw badRequest(
        'department_without_department_role',
        'targetDepartment: only for targetRole department_staff',
      );
    return grant;
  }

  async createRule(ctx: Ctx, input: RoutingRuleInput) {
    const grant = await this.checkRule(ctx.actor, input);
    const id = await this.write(async (trx) => {
      const newId = await this.repo.insertRule(trx, { ...toRuleRow(input), created_by: ctx.actor.userId });
      await this.audit.append(baseTx(trx), ctx, {
        action: 'routing_rule.create',
        targetType: 'routing_rule',
        targetId: newId,
        targetUnitId: input.orgUnitId,
        grant,
        detail: toRuleRow(input),
      });
      return newId;
    });
    return presentRule((await this.repo.rule(id))!);
  }

  async updateRule(ctx: Ctx, id: string, patch: RoutingRulePatch) {
    const current = await this.ruleInScope(ctx.actor, id);
    const merged: RoutingRuleInput = {
      categoryId: current.category_id,
      orgUnitId: current.org_unit_id,
      targetUnitId: current.target_unit_id,
      targetRole: current.target_role as RoutingRuleInput['targetRole'],
      targetDepartment: current.target_department as RoutingRuleInput['targetDepartment'],
      priority: current.priority,
      note: current.note,
      ...stripUndefined(patch),
    };
    const grant = await this.checkRule(ctx.actor, merged);
    await this.write(async (trx) => {
      if (!(await this.repo.updateRule(trx, id, patch.version, toRuleRow(merged)))) {
        const now = await this.repo.rule(id, trx);
        throw conflict(
          'stale_version',
          'The routing rule was changed by someone else; reload and try again.',
          {
            current: now ? presentRule(now) : null,
          },
        );
      }
      await this.audit.append(baseTx(trx), ctx, {
        action: 'routing_rule.update',
        targetType: 'routing_rule',
        targetId: id,
        targetUnitId: merged.orgUnitId,
        grant,
        detail: toRuleRow(merged),
      });
    });
    return presentRule((await this.repo.rule(id))!);
  }

  async deleteRule(ctx: Ctx, id: string): Promise<void> {
    const r = await this.ruleInScope(ctx.actor, id);
    const grant = assertCovers(ctx.actor, 'case.configure', r.unit_path, 'Routing rule');
    await this.write(async (trx) => {
      await this.repo.deleteRule(trx, id);
      await this.audit.append(baseTx(trx), ctx, {
        action: 'routing_rule.delete',
        targetType: 'routing_rule',
        targetId: id,
        targetUnitId: r.org_unit_id,
        grant,
      });
    });
  }

  /**
   * Decides who takes a case at this point. The most specific rule wins (deepest unit, then exact
   * category over its parents over "any", then priority); without a rule, the grid worker of the
   * grid containing the point.
   */
  async route(category: CategoryRow, lat: number, lng: number): Promise<RouteDecision> {
    const units = await this.orgs.containing(lat, lng);
    const location = units[units.length - 1];
    if (!location)
      throw badRequest(
        'location_outside_units',
        'location: the point lies outside every org unit of this installation; no one is responsible there',
      );
    const grid = [...units].reverse().find((u) => u.type === 'grid') ?? location;
    const lineage = await this.categoryLineage(category);
    // Rules on the location's unit or above it, for the category, a parent category or any.
    const rules = (await this.config()).rules.filter(
      (r) =>
        location.path.startsWith(r.unit_path) && (r.category_id === null || lineage.includes(r.category_id)),
    );
    const specificity = (r: RuleWithUnits) =>
      r.category_id === null ? lineage.length : lineage.indexOf(r.category_id);
    rules.sort(
      (a, b) => b.unit_depth - a.unit_depth || specificity(a) - specificity(b) || b.priority - a.priority,
    );
    const rule = rules[0];
    if (!rule)
      return { location, unit: grid, role: handlerRoleFor(grid.type), department: null, ruleId: null };
    const unit = rule.target_unit_id ? await this.orgs.findById(rule.target_unit_id) : grid;
    if (!unit) throw new Error(`routing rule ${rule.id} points at a missing unit`);
    return {
      location,
      unit,
      role: rule.target_role,
      department:
        rule.target_role === 'department_staff' ? (rule.target_department ?? category.department) : null,
      ruleId: rule.id,
    };
  }

  /** The category followed by its ancestors, nearest first. */
  private async categoryLineage(category: CategoryRow): Promise<string[]> {
    const all = new Map((await this.config()).categories.map((c) => [c.id, c]));
    const out: string[] = [];
    for (
      let c: CategoryRow | undefined = category;
      c && !out.includes(c.id);
      c = c.parent_id ? all.get(c.parent_id) : undefined
    )
      out.push(c.id);
    return out;
  }
}

function toCategoryRow(c: CategoryInput) {
  return {
    code: c.code,
    parent_id: c.parentId,
    name_zh: c.name['zh-CN'],
    name_en: c.name.en,
    department: c.department,
    response_hours: c.responseHours,
    resolution_hours: c.resolutionHours,
    requires_photo: c.requiresPhoto,
    duplicate_radius_m: c.duplicateRadiusM,
    attributes: c.attributes,
    active: c.active,
    sort: c.sort,
  };
}

function toRuleRow(r: RoutingRuleInput) {
  return {
    category_id: r.categoryId,
    org_unit_id: r.orgUnitId,
    target_unit_id: r.targetUnitId,
    target_role: r.targetRole,
    target_department: r.targetDepartment,
    priority: r.priority,
    note: r.note,
  };
}

function stripUndefined<T extends object>(o: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as never;
}
