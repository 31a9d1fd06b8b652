import {
  openCaseStates,
  type CaseChannel,
  type CaseListQuery,
  type CategoryAttribute,
  type CreateCase,
} from '@civitas/contracts/cases';
import { getHexagonEdgeLengthAvg, gridDisk, latLngToCell, UNITS } from 'h3-js';
import type { Kysely, Transaction } from 'kysely';
import { assertCovers, grantsFor } from '../../platform/auth/access.js';
import type { Actor, RequestContext } from '../../platform/auth/actor.js';
import { badRequest, notFound } from '../../platform/errors/errors.js';
import type { OrgsService } from '../orgs/orgs.service.js';
import type { CaseConfigService } from './case-config.service.js';
import type { CaseEffects } from './case-effects.js';
import type { AlarmRaised } from './case-events.js';
import { caseMessages } from './case-messages.js';
import { isReporter, readGrant, type CaseScope } from './case-policy.js';
import { HOUR, type Clock } from './case-clock.js';
import type { CaseDetailRow, CasesRepository } from './cases.repository.js';
import type { CaseDB } from './cases.tables.js';

/** Resolution 10 (~15,000 m² cells): fine enough for a 30 m duplicate radius, coarse enough for 5 km. */
export const CASE_CELL_RESOLUTION = 10;

export interface IntakeInput {
  channel: CaseChannel;
  category: string;
  title: string;
  description: string;
  lat: number;
  lng: number;
  address: string | null;
  attributes: Record<string, unknown>;
  sourceRef: string | null;
  reporterId: string | null;
}

export type CaseView = 'staff' | 'public';

/**
 * Work a channel adds to the intake transaction (Open311 writes its request row here), so the
 * case and the channel's record commit or fail together. Throwing rolls the case back.
 */
export type IntakeHook = (trx: Transaction<CaseDB>, created: CaseDetailRow) => Promise<void>;

export const scopeOf = (c: CaseDetailRow): CaseScope => ({
  unitPath: c.unit_path,
  responsiblePath: c.resp_path,
  responsibleDepartment: c.responsible_department,
  reporterId: c.reporter_id,
});

/**
 * The one way in for cases (conventions: "one way in for data"): the web, staff entry, Open311,
 * other systems and sensor alarms all end in `intake`. Also the reads: staff see cases in their
 * units, residents the cases they reported or follow.
 */
export class CaseService {
  constructor(
    private readonly db: Kysely<CaseDB>,
    private readonly repo: CasesRepository,
    private readonly config: CaseConfigService,
    private readonly orgs: OrgsService,
    private readonly effects: CaseEffects,
    private readonly clock: Clock,
  ) {}

  /** A report through the REST API: a resident's own report, or staff entering one (hotline, patrol…). */
  async create(ctx: RequestContext & { actor: Actor }, input: CreateCase, hook?: IntakeHook) {
    const resident = grantsFor(ctx.actor, 'case.read').length === 0;
    if (resident && input.channel !== 'resident_report')
      throw badRequest(
        'channel_not_allowed',
        `channel: residents report as resident_report, not ${input.channel}`,
      );
    if (!resident && input.channel === 'resident_report')
      throw badRequest(
        'channel_not_allowed',
        'channel: staff enter cases as hotline, walk_in, patrol or external_api',
      );
    const [lng, lat] = input.location.coordinates;
    return this.intake(
      ctx,
      {
        channel: input.channel,
        category: input.category,
        title: input.title,
        description: input.description,
        lat,
        lng,
        address: input.address,
        attributes: input.attributes,
        sourceRef: input.sourceRef,
        reporterId: resident ? ctx.actor.userId : null,
      },
      resident ? null : ctx.actor,
      hook,
    );
  }

  /** The entry point of the rules and alarms issue; idempotent per alarm id. */
  createFromAlarm(alarm: AlarmRaised) {
    return this.intake(
      { actor: null, requestId: `alarm-${alarm.alarmId}`, ip: '127.0.0.1' },
      {
        channel: 'sensor_alarm',
        category: alarm.category,
        title: alarm.title,
        description: alarm.description ?? '',
        lat: alarm.lat,
        lng: alarm.lng,
        address: null,
        attributes: alarm.deviceId ? { deviceId: alarm.deviceId } : {},
        sourceRef: alarm.alarmId,
        reporterId: null,
      },
      null,
    );
  }

  /**
   * Every channel ends here. `staff` is the person entering the case, whose report scope must
   * cover the place; residents and systems may report anywhere inside the installation.
   */
  async intake(
    ctx: RequestContext,
    input: IntakeInput,
    staff: Actor | null,
    hook?: IntakeHook,
  ): Promise<CaseDetailRow> {
    const category = await this.config.activeCategoryByCode(input.category);
    // A sensor alarm carries the device that raised it; nobody else may set attributes the category lacks.
    const systemKeys = input.channel === 'sensor_alarm' ? ['deviceId'] : [];
    checkAttributes(category.attributes as CategoryAttribute[], input.attributes, systemKeys);
    if (input.sourceRef) {
      const existing = await this.repo.findBySource(input.channel, input.sourceRef);
      if (existing) return existing;
    }
    const route = await this.config.route(category, input.lat, input.lng);
    const grant = staff
      ? assertCovers(staff, 'case.report', route.location.path, 'Org unit', false)
      : undefined;
    const now = this.clock.now();
    const created = await this.effects.transaction(this.db, async (trx) => {
      const inserted = await this.repo.insertDetail(
        trx,
        {
          channel: input.channel,
          source_ref: input.sourceRef,
          category_id: category.id,
          title: input.title,
          description: input.description,
          address: input.address,
          lat: input.lat,
          lng: input.lng,
          h3: latLngToCell(input.lat, input.lng, CASE_CELL_RESOLUTION),
          org_unit_id: route.location.id,
          attributes: input.attributes,
          state: 'submitted',
          paused_from: null,
          paused_at: null,
          reporter_id: input.reporterId,
          created_by: ctx.actor?.userId ?? null,
          responsible_unit_id: route.unit.id,
          responsible_department: route.department,
          responsible_role: route.role,
          assignee_id: null,
          supervised_by_unit_id: null,
          supervised_at: null,
          supervision_note: null,
          response_due_at: new Date(now.getTime() + category.response_hours * HOUR),
          resolution_due_at: new Date(now.getTime() + category.resolution_hours * HOUR),
          responded_at: null,
          resolved_at: null,
          closed_at: null,
          resolution_note: null,
          rejection_reason: null,
          duplicate_of: null,
          satisfaction: null,
          created_at: now,
          updated_at: now,
        },
        {
          category,
          location: route.location,
          holder: route.unit,
          // Residents report for themselves: the reporter is the actor.
          reporterName: input.reporterId ? (ctx.actor?.displayName ?? null) : null,
        },
      );
      const newId = inserted.id;
      // Someone reporting for another person: the reporter's name is read, not assumed.
      const c =
        input.reporterId && input.reporterId !== ctx.actor?.userId
          ? (await this.repo.find(newId, trx))!
          : inserted;
      if (input.reporterId) await this.repo.follow(trx, newId, [input.reporterId], 'reporter');
      const role = input.reporterId ? 'resident' : undefined;
      const routeData = {
        unitId: route.unit.id,
        role: route.role,
        department: route.department,
        ruleId: route.ruleId,
      };
      // One timeline entry per fact (create, route), one audit entry per intake: the audit chain
      // is appended under a lock on its head, so each append serialises every intake.
      await this.effects.recordAll(trx, ctx, c, [
        {
          action: 'create',
          from: null,
          to: 'submitted',
          visibility: 'public',
          data: { channel: input.channel, category: category.code },
          grant,
          ...(role ? { role } : {}),
          at: now,
          auditDetail: { route: routeData },
        },
        {
          action: 'route',
          from: null,
          to: null,
          visibility: 'internal',
          data: routeData,
          grant,
          at: now,
          audit: false,
        },
      ]);
      await this.effects.notifyStaffAt(
        trx,
        route.unit.id,
        [route.role],
        route.department,
        'case.routed',
        newId,
        caseMessages.routed(c.ref, c.title),
        now,
        ctx.actor?.accessEpoch ?? null,
      );
      await this.effects.notifyReporters(trx, c, 'submitted', now, true);
      if (hook) await hook(trx, c);
      return c;
    });
    this.effects.created(created);
    return created;
  }

  /** A case and how the actor may see it; 404 when not at all (existence is not revealed). */
  async get(actor: Actor, id: string): Promise<{ row: CaseDetailRow; view: CaseView }> {
    const row = await this.repo.find(id);
    if (!row) throw notFound('Case');
    const view = await this.viewOf(actor, row);
    if (!view) throw notFound('Case');
    return { row, view };
  }

  async viewOf(actor: Actor, row: CaseDetailRow): Promise<CaseView | null> {
    const scope = scopeOf(row);
    if (readGrant(actor, scope)) return 'staff';
    if (isReporter(actor, scope) || (await this.repo.isFollower(row.id, actor.userId))) return 'public';
    return null;
  }

  async list(actor: Actor, q: CaseListQuery) {
    const grants = grantsFor(actor, 'case.read');
    const view: CaseView = grants.length > 0 ? 'staff' : 'public';
    let unitPath: string | undefined;
    if (q.unitId) unitPath = (await this.orgs.get(actor, q.unitId)).path;
    const r = await this.repo.list({
      ...(view === 'staff' ? { grants } : { userId: actor.userId }),
      unitPath,
      states: q.state?.split(','),
      categoryIds: q.category ? await this.config.withDescendants(q.category) : undefined,
      channel: q.channel,
      supervised: q.supervised === undefined ? undefined : q.supervised === 'true',
      overdueAt: q.overdue === 'true' ? this.clock.now() : undefined,
      assigneeId: q.assignedToMe === 'true' ? actor.userId : undefined,
      accessEpoch: actor.accessEpoch,
      limit: q.limit,
      offset: q.offset,
    });
    return { ...r, view };
  }

  async timeline(actor: Actor, id: string) {
    const { row, view } = await this.get(actor, id);
    return { view, events: await this.repo.events(row.id, view === 'staff') };
  }

  /** Open cases of the category near a point, within the category's duplicate radius, nearest first. */
  async nearby(
    actor: Actor,
    q: { category: string; lat: number; lng: number; radiusM?: number | undefined },
  ) {
    // Residents (case.report without case.read) see every open case nearby in a minimal form, at
    // the category's own radius; staff see the full rows of cases in their units.
    const staff = grantsFor(actor, 'case.read').length > 0;
    const category = await this.config.activeCategoryByCode(q.category);
    const radius = staff ? (q.radiusM ?? category.duplicate_radius_m) : category.duplicate_radius_m;
    // Cell centres of ring k lie at least ~1.5·edge·k away, so this disk covers the whole circle.
    const edge = getHexagonEdgeLengthAvg(CASE_CELL_RESOLUTION, UNITS.m);
    const k = Math.ceil(radius / (1.5 * edge)) + 1;
    const cells = gridDisk(latLngToCell(q.lat, q.lng, CASE_CELL_RESOLUTION), k);
    const rows = await this.repo.openInCells(category.id, cells, openCaseStates);
    const items = rows
      .filter((r) => !staff || readGrant(actor, scopeOf(r)))
      .map((r) => ({ row: r, distanceM: haversineM(q.lat, q.lng, r.lat, r.lng) }))
      .filter((r) => r.distanceM <= radius)
      .sort((a, b) => a.distanceM - b.distanceM);
    const view: CaseView = staff ? 'staff' : 'public';
    return { view, items };
  }

  now(): Date {
    return this.clock.now();
  }
}

/** Attributes must be the category's own, required ones present, list values among the allowed keys. */
function checkAttributes(
  defs: CategoryAttribute[],
  given: Record<string, unknown>,
  systemKeys: readonly string[],
): void {
  const byCode = new Map(defs.map((d) => [d.code, d]));
  for (const key of Object.keys(given)) {
    if (!byCode.has(key) && !systemKeys.includes(key))
      throw badRequest('unknown_attribute', `attributes.${key}: the category has no such attribute`);
  }
  for (const d of defs) {
    const v = given[d.code];
    if (v === undefined || v === '') {
      if (d.required)
        throw badRequest('attribute_required', `attributes.${d.code}: required for this category`);
      continue;
    }
    const allowed = d.values?.map((x) => x.key);
    const values = Array.isArray(v) ? v : [v];
    if (allowed && values.some((x) => !allowed.includes(String(x))))
      throw badRequest('bad_attribute', `attributes.${d.code}: must be one of ${allowed.join(', ')}`);
    if (d.datatype === 'number' && Number.isNaN(Number(v)))
      throw badRequest('bad_attribute', `attributes.${d.code}: must be a number`);
  }
}

export function haversineM(lat1: number, lng1: number, lat2: number, lng2: number): number {
  const rad = Math.PI / 180;
  const a =
    Math.sin(((lat2 - lat1) * rad) / 2) ** 2 +
    Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(((lng2 - lng1) * rad) / 2) ** 2;
  return 2 * 6_371_008.8 * Math.asin(Math.min(1, Math.sqrt(a)));
}
