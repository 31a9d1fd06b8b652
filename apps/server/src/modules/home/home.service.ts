import { openCaseStates, type CaseState } from '@civitas/contracts/cases';
import type { HomeCases, HomeOverview, HomeQuery, HomeUnit } from '@civitas/contracts/home';
import type { Permission } from '@civitas/contracts/roles';
import type { OrgUnitType } from '@civitas/contracts/orgs';
import { grantsFor } from '../../platform/auth/access.js';
import type { Actor } from '../../platform/auth/actor.js';
import { notFound } from '../../platform/errors/errors.js';
import type { Clock } from '../cases/case-clock.js';
import type { OrgsService, OrgUnitRow } from '../orgs/orgs.service.js';
import type { HomeRepository, Reach } from './home.repository.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface HomeSettings {
  dueSoonHours: number;
  targets: { responseOnTimeRate: number; resolutionOnTimeRate: number; satisfactionMean: number };
}

const presentUnit = (u: OrgUnitRow): HomeUnit => ({
  id: u.id,
  code: u.code,
  type: u.type as OrgUnitType,
  name: { 'zh-CN': u.name_zh, en: u.name_en },
});

/**
 * Where the actor's grants of `permission` reach, narrowed to the subtree of `unitPath` when one is
 * chosen: a grant above the unit reaches the unit, a grant inside it reaches as far as it did.
 * Department grants keep their department (they see only the cases their department handles).
 */
export function reachOf(actor: Actor, permission: Permission, unitPath: string | null): Reach[] {
  const reaches = grantsFor(actor, permission).flatMap((g): Reach[] => {
    const department = g.role === 'department_staff' ? (g.department ?? '') : null;
    if (unitPath === null || unitPath.startsWith(g.orgUnitPath))
      return [{ path: unitPath ?? g.orgUnitPath, department }];
    if (g.orgUnitPath.startsWith(unitPath)) return [{ path: g.orgUnitPath, department }];
    return [];
  });
  // A reach inside another of the same department adds nothing.
  return reaches.filter(
    (r, i) =>
      !reaches.some(
        (o, j) =>
          (j < i || o.path !== r.path) &&
          r.path.startsWith(o.path) &&
          (o.department === null || o.department === r.department),
      ),
  );
}

/** The figures of every role's home (issue 11 §2), each section scoped by its own permission. */
export class HomeService {
  constructor(
    private readonly repo: HomeRepository,
    private readonly orgs: OrgsService,
    private readonly clock: Clock,
    private readonly settings: HomeSettings,
  ) {}

  async overview(actor: Actor, q: HomeQuery): Promise<HomeOverview> {
    let unit: OrgUnitRow | null = null;
    if (q.unitId) {
      unit = (await this.orgs.findById(q.unitId)) ?? null;
      // A unit none of the caller's grants touches is not shown to exist.
      const touches =
        unit &&
        actor.grants.some(
          (g) => unit!.path.startsWith(g.orgUnitPath) || g.orgUnitPath.startsWith(unit!.path),
        );
      if (!unit || !touches) throw notFound('Org unit');
    }
    const path = unit?.path ?? null;
    const now = this.clock.now();
    const has = (p: Permission) => actor.permissions.has(p);
    const [cases, residents, devices, trend] = await Promise.all([
      has('case.read') ? this.cases(actor, unit, now) : null,
      has('resident.read')
        ? this.repo.residentCounts(reachOf(actor, 'resident.read', path).map((r) => r.path))
        : null,
      has('device.read')
        ? this.repo.deviceCounts(reachOf(actor, 'device.read', path).map((r) => r.path))
        : null,
      has('metrics.read') ? this.trend(actor, path, now, q.trendDays) : null,
    ]);
    return {
      asOf: now.toISOString(),
      unit: unit ? presentUnit(unit) : null,
      cases,
      residents,
      devices,
      targets: has('metrics.read') ? this.settings.targets : null,
      trend,
    };
  }

  private async cases(actor: Actor, unit: OrgUnitRow | null, now: Date): Promise<HomeCases> {
    const reaches = reachOf(actor, 'case.read', unit?.path ?? null);
    const soon = new Date(now.getTime() + this.settings.dueSoonHours * HOUR);
    const rows = await this.repo.caseCounts(reaches, now, soon, actor.userId);
    const isOpen = (s: string) => (openCaseStates as readonly string[]).includes(s);
    const sum = (pick: (r: (typeof rows)[number]) => number, open = false) =>
      rows.filter((r) => !open || isOpen(r.state)).reduce((a, r) => a + pick(r), 0);
    const byState = Object.fromEntries(openCaseStates.map((s) => [s, 0])) as Record<CaseState, number>;
    for (const r of rows) if (isOpen(r.state)) byState[r.state as CaseState] = r.n;

    // The drill-down: the chosen unit's children, or those of the caller's single top unit; with
    // several top units, those units themselves.
    const tops = unit ? [unit] : await this.topUnits(reaches);
    const groups = tops.length === 1 ? await this.orgs.children(tops[0]!.id) : tops;
    const counts = await this.repo.caseCountsByGroup(
      reaches,
      groups.map((g) => ({ key: g.id, path: g.path })),
      now,
    );
    const byUnit = groups
      .map((g) => ({
        unit: presentUnit(g),
        ...(counts.get(g.id) ?? { open: 0, overdue: 0 }),
        retired: g.status !== 'active',
      }))
      .filter((g) => !g.retired || g.open > 0 || g.overdue > 0)
      .map(({ retired: _r, ...g }) => g);

    return {
      byState,
      open: sum((r) => r.n, true),
      overdue: sum((r) => r.overdue),
      dueSoon: sum((r) => r.due_soon, true),
      dueSoonHours: this.settings.dueSoonHours,
      pendingInfo: byState.pending_info,
      awaitingConfirmation: rows.find((r) => r.state === 'resolved')?.n ?? 0,
      mine: {
        open: sum((r) => r.mine, true),
        overdue: sum((r) => r.mine_overdue),
        dueSoon: sum((r) => r.mine_due_soon, true),
      },
      byUnit,
    };
  }

  private async topUnits(reaches: Reach[]): Promise<OrgUnitRow[]> {
    const paths = [...new Set(reaches.map((r) => r.path))];
    const units = await Promise.all(
      paths.map((p) => this.orgs.findById(p.split('/').filter(Boolean).at(-1) ?? '')),
    );
    return units.filter((u): u is OrgUnitRow => u !== undefined);
  }

  /** Daily reported and resolved cases over the subtree of the chosen unit or the single metrics grant. */
  private async trend(actor: Actor, path: string | null, now: Date, days: number) {
    const reaches = reachOf(actor, 'metrics.read', path);
    if (reaches.length !== 1) return [];
    const start = new Date(Math.floor(now.getTime() / DAY) * DAY - (days - 1) * DAY);
    const rows = new Map((await this.repo.dailyTrend(reaches[0]!.path, start)).map((r) => [r.day, r]));
    return Array.from({ length: days }, (_, i) => {
      const date = new Date(start.getTime() + i * DAY).toISOString().slice(0, 10);
      const r = rows.get(date);
      return { date, reported: r?.reported ?? 0, resolved: r?.resolved ?? 0 };
    });
  }
}
