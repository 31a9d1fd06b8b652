import {
  openCaseStates,
  type CaseChannel,
  type CaseListQuery,
  type CreateCase,
} from '@civitas/contracts/cases';
import type { CategoryAttribute } from '@civitas/contracts/cases';
import type { Kysely, Transaction } from 'kysely';
import { assertCovers, grantsFor } from '../../platform/auth/access.js';
import type { Actor, RequestContext } from '../../platform/auth/actor.js';
import { badRequest, notFound } from '../../platform/errors/errors.js';
import type { OrgsService } from '../orgs/orgs.service.js';
import type { CaseConfigService } from './config/case-config.service.js';
import type { CaseEffects } from './workflow/case-effects.js';
import type { AlarmRaised } from './workflow/case-events.js';
import { checkAttributes, sameSubmission, SourceTaken, submitterOf } from './intake/case-intake-checks.js';
import { takeIn } from './intake/case-intake.js';
import { isReporter, readGrant, type CaseScope } from './workflow/case-policy.js';
import { cellsAround, haversineM, publicDistance, publicSlackM } from './location/case-public-location.js';
import type { Clock } from './case-clock.js';
import { withTitle, type CaseTitleCode } from './case-titles.js';
import type { CaseDetailRow, CasesRepository } from './cases.repository.js';
import type { CaseInboxRepository } from './inbox/case-inbox.repository.js';
import type { CaseWritesRepository } from './workflow/case-writes.repository.js';
import type { DB } from '../../platform/db/schema.js';
import type { CaseDB } from './cases.tables.js';
import type { CaseFiguresRepository } from './figures/case-figures.repository.js';
import type { CaseFiguresFilter, CaseFiguresRow, PublicCaseFilter, PublicCaseRow } from './cases.types.js';

type Ctx = RequestContext & { actor: Actor };

export interface IntakeInput {
  channel: CaseChannel;
  category: string;
  /** A person's title, or the code of the title the system writes from the category (ADR 0048). */
  title: string | { code: CaseTitleCode };
  description: string;
  lat: number;
  lng: number;
  address: string | null;
  attributes: Record<string, unknown>;
  sourceRef: string | null;
  reporterId: string | null;
  /**
   * Whose `sourceRef` this is (ADR 0020): a channel adapter names its submitter (`alarm`, an
   * Open311 key); otherwise the signed-in actor (`user:<id>`), or `system` without one.
   */
  submitter?: string;
}

/** What intake did: took a new case in, or found the one this submitter already sent under the key. */
export interface IntakeResult {
  row: CaseDetailRow;
  repeated: boolean;
}

export type CaseView = 'staff' | 'public';

/**
 * Work a channel adds to the intake transaction (Open311 writes its request row here), so the
 * case and the channel's record commit or fail together. Throwing rolls the case back. The
 * transaction is the platform's: a channel sees its own tables on it with `withTables`.
 */
export type IntakeHook = (trx: Transaction<DB>, created: CaseDetailRow) => Promise<void>;

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
    private readonly inbox: CaseInboxRepository,
    private readonly writes: CaseWritesRepository,
    private readonly figuresRepo: CaseFiguresRepository,
    private readonly config: CaseConfigService,
    private readonly orgs: OrgsService,
    private readonly effects: CaseEffects,
    private readonly clock: Clock,
  ) {}

  /** A report through the REST API: a resident's own report, or staff entering one (hotline, patrol…). */
  async create(
    ctx: RequestContext & { actor: Actor },
    input: CreateCase,
    hook?: IntakeHook,
  ): Promise<IntakeResult> {
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
    return this.intakeOnce(
      ctx,
      {
        channel: input.channel,
        category: input.category,
        title: input.title ?? { code: 'category' },
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
        // Rendered per reader from the category; the rules' own text stays in the description.
        title: { code: 'sensor_alarm' },
        description: [alarm.title, alarm.description].filter(Boolean).join('\n'),
        lat: alarm.lat,
        lng: alarm.lng,
        address: null,
        attributes: alarm.deviceId ? { deviceId: alarm.deviceId } : {},
        sourceRef: alarm.alarmId,
        reporterId: null,
        // Alarm ids are unique across the rules module, the one source of alarms.
        submitter: 'alarm',
      },
      null,
    );
  }

  /** `intakeOnce` for channels that do not say whether the case was new. */
  async intake(
    ctx: RequestContext,
    input: IntakeInput,
    staff: Actor | null,
    hook?: IntakeHook,
  ): Promise<CaseDetailRow> {
    return (await this.intakeOnce(ctx, input, staff, hook)).row;
  }

  /**
   * Every channel ends here. `staff` is the person entering the case, whose report scope must
   * cover the place; residents and systems may report anywhere inside the installation.
   * A `sourceRef` makes intake idempotent per submitter (ADR 0020): a repeat returns the case this
   * submitter already sent, checked only after the submitter passed every check a new case needs,
   * and another submitter's case is never found.
   */
  async intakeOnce(
    ctx: RequestContext,
    input: IntakeInput,
    staff: Actor | null,
    hook?: IntakeHook,
  ): Promise<IntakeResult> {
    const category = await this.config.activeCategoryByCode(input.category);
    const titled = withTitle(input, category);
    // A sensor alarm carries the device that raised it; nobody else may set attributes the category lacks.
    const systemKeys = input.channel === 'sensor_alarm' ? ['deviceId'] : [];
    checkAttributes(category.attributes as CategoryAttribute[], input.attributes, systemKeys);
    const route = await this.config.route(category, input.lat, input.lng);
    const grant = staff
      ? assertCovers(staff, 'case.report', route.location.path, 'Org unit', false)
      : undefined;
    const key = input.sourceRef
      ? { ref: input.sourceRef, submitter: input.submitter ?? submitterOf(ctx) }
      : null;
    const repeat = async () => {
      const existing = key && (await this.repo.findBySource(input.channel, key.submitter, key.ref));
      return existing ? { row: sameSubmission(existing, titled), repeated: true } : undefined;
    };
    const earlier = await repeat();
    if (earlier) return earlier;
    try {
      return {
        row: await takeIn(
          { db: this.db, repo: this.repo, writes: this.writes, effects: this.effects, clock: this.clock },
          ctx,
          {
            input: titled,
            submitter: key?.submitter ?? null,
            category,
            route,
            grant,
            hook,
          },
        ),
        repeated: false,
      };
    } catch (e) {
      // A concurrent repeat committed first: the unique index kept this one out.
      if (!(e instanceof SourceTaken)) throw e;
      const winner = await repeat();
      if (!winner) throw e;
      return winner;
    }
  }

  /** A case and how the actor may see it; 404 when not at all (existence is not revealed). */
  async get(actor: Actor, id: string): Promise<{ row: CaseDetailRow; view: CaseView }> {
    const row = await this.repo.find(id);
    if (!row) throw notFound('Case');
    const view = await this.viewOf(actor, row);
    if (!view) throw notFound('Case');
    return { row, view };
  }

  /** `get` for a response that shows the case: the look is audited before it is answered. */
  async read(ctx: Ctx, id: string) {
    const seen = await this.get(ctx.actor, id);
    await this.looked(ctx, seen.row, { action: 'case.read', detail: { view: seen.view } });
    return seen;
  }

  /** Audits a look at a case the actor may see, naming the grant that let them (staff). */
  looked(ctx: Ctx, row: CaseDetailRow, look: Parameters<CaseEffects['looked']>[2]) {
    return this.effects.looked(ctx, row, look, readGrant(ctx.actor, scopeOf(row)));
  }

  async viewOf(actor: Actor, row: CaseDetailRow): Promise<CaseView | null> {
    const scope = scopeOf(row);
    if (readGrant(actor, scope)) return 'staff';
    if (isReporter(actor, scope) || (await this.repo.isFollower(row.id, actor.userId))) return 'public';
    return null;
  }

  async list(ctx: Ctx, q: CaseListQuery) {
    const actor = ctx.actor;
    const grants = grantsFor(actor, 'case.read');
    const view: CaseView = grants.length > 0 ? 'staff' : 'public';
    let unitPath: string | undefined;
    if (q.unitId) unitPath = (await this.orgs.get(actor, q.unitId)).path;
    const { limit: _l, ...filter } = q;
    const unit = q.unitId ?? grants[0]?.orgUnitId ?? null;
    const r = await this.inbox.list({
      ...(view === 'staff' ? { grants } : { userId: actor.userId }),
      unitPath,
      states: q.state?.split(','),
      categoryIds: q.category ? await this.config.withDescendants(q.category) : undefined,
      channel: q.channel,
      supervised: q.supervised === undefined ? undefined : q.supervised === 'true',
      overdueAt: q.overdue === 'true' ? this.clock.now() : undefined,
      assigneeId: q.assignedToMe === 'true' ? actor.userId : undefined,
      accessEpoch: actor.accessEpoch,
      // Staff rows carry reporters' names, masked contacts and exact places: the page is audited
      // as it is read. A resident's own list (their reports, those they follow) is judged after.
      ...(view === 'staff'
        ? { onPage: (ids: string[]) => this.effects.lookedAtIds(ctx, ids, unit, filter) }
        : {}),
      limit: q.limit,
      offset: q.offset,
    });
    if (view === 'public') await this.effects.lookedAtList(ctx, r.rows, unit, filter);
    return { ...r, view };
  }

  async timeline(ctx: Ctx, id: string) {
    const { row, view } = await this.get(ctx.actor, id);
    const [events] = await Promise.all([
      this.repo.events(row.id, view === 'staff'),
      this.looked(ctx, row, { action: 'case.timeline.read', detail: { view } }),
    ]);
    return { view, events };
  }

  /** Open cases of the category near a point, within the category's duplicate radius, nearest first. */
  async nearby(
    actor: Actor,
    q: { category: string; lat: number; lng: number; radiusM?: number | undefined },
  ) {
    // Residents (case.report without case.read) see every open case nearby in a minimal form, at
    // the category's own radius and from each case's public point only; staff see the full rows
    // of cases in their units at their exact distance.
    const staff = grantsFor(actor, 'case.read').length > 0;
    const category = await this.config.activeCategoryByCode(q.category);
    const radius = staff ? (q.radiusM ?? category.duplicate_radius_m) : category.duplicate_radius_m;
    const cells = cellsAround(q.lat, q.lng, radius, staff ? 0 : publicSlackM());
    const rows = await this.repo.openInCells(category.id, cells, openCaseStates);
    const items = rows
      .flatMap((r) => {
        if (!staff) {
          const d = publicDistance(r, q.lat, q.lng, radius);
          return d === null ? [] : [{ row: r, distanceM: d }];
        }
        const d = haversineM(q.lat, q.lng, r.lat, r.lng);
        return readGrant(actor, scopeOf(r)) && d <= radius ? [{ row: r, distanceM: d }] : [];
      })
      .sort((a, b) => a.distanceM - b.distanceM);
    const view: CaseView = staff ? 'staff' : 'public';
    return { view, items };
  }

  /**
   * Cases as anyone may see them, for channels that answer without a signed-in actor (Open311
   * GET requests): public columns only; the caller decides which categories stay hidden.
   */
  publicCases(f: PublicCaseFilter): Promise<PublicCaseRow[]> {
    return this.repo.publicCases(f);
  }

  /**
   * The governance figures of a unit's subtree over a period (the metrics module, which checks
   * the reader's metrics grants first): one aggregate row per group and one in total.
   */
  /** Cases by state over the whole installation, for monitoring (no actor: served to the scraper). */
  countByState(): Promise<{ state: string; n: number }[]> {
    return this.repo.countByState();
  }

  figures(f: CaseFiguresFilter): Promise<CaseFiguresRow[]> {
    return this.figuresRepo.figures(f);
  }

  now(): Date {
    return this.clock.now();
  }
}
