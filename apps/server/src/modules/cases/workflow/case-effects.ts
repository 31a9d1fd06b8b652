import type { CaseEventAction, CaseState } from '@civitas/contracts/cases';
import type { Kysely, Transaction } from 'kysely';
import type { Grant, RequestContext } from '../../../platform/auth/actor.js';
import type { AuditLog } from '../../../platform/audit/audit-log.js';
import type { EventBus } from '../../../platform/bus/event-bus.js';
import type { NotificationsService } from '../../notifications/notifications.service.js';
import { caseMessages, type CaseMessage } from './case-messages.js';
import './case-events.js';
import type { CaseDetailRow, CasesRepository } from '../cases.repository.js';
import type { StaffDirectory } from '../../identity/staff-directory.js';
import type { CaseWritesRepository } from './case-writes.repository.js';
import { baseTx, type CaseDB } from '../cases.tables.js';

/** The reads of a case that show personal data (docs/cases.md, "Audited reads"). */
export type CaseLook =
  | { action: 'case.read'; detail?: { view: 'staff' | 'public'; repeat?: true } }
  | { action: 'case.timeline.read'; detail?: { view: 'staff' | 'public' } }
  | { action: 'case.attachment.read'; detail: { attachmentId: string; purpose: string } }
  | { action: 'open311.request.read'; detail?: Record<string, never> };
export interface CaseEventInput {
  action: CaseEventAction;
  from: CaseState | null;
  to: CaseState | null;
  visibility: 'public' | 'internal';
  note?: string | null;
  data?: Record<string, unknown>;
  grant?: Grant | undefined;
  /** The role shown for the actor when no grant applies (the reporter). */
  role?: string;
  at: Date;
  /** false: the timeline only; the audit entry of the same action already holds this event. */
  audit?: boolean;
  /** Added to the audit entry's detail (facts of companion events that take no audit entry). */
  auditDetail?: Record<string, unknown>;
}

/**
 * What every change to a case leaves behind, in the same transaction: the timeline event, the
 * audit row and the notifications; and after commit, the bus event.
 */
export class CaseEffects {
  /** Audit entries held back until the end of a transaction opened by `transaction`. */
  private readonly deferred = new WeakMap<Transaction<CaseDB>, (() => Promise<void>)[]>();

  constructor(
    private readonly repo: CasesRepository,
    private readonly writes: CaseWritesRepository,
    private readonly staff: StaffDirectory,
    private readonly notifications: NotificationsService,
    private readonly audit: AuditLog,
    private readonly bus: EventBus,
  ) {}

  /**
   * A transaction whose audit entries (from `record`) are appended after `fn`, as its last
   * writes. Appending takes the audit chain head's row lock until commit, so every case write in
   * the installation queues on it: held only for the append and the commit, not for the timeline,
   * notification and follower statements, concurrent intakes and actions overlap (ADR 0013's
   * group commit does the same for reads of personal data). The entries still commit with the
   * change, or not at all.
   */
  transaction<T>(db: Kysely<CaseDB>, fn: (trx: Transaction<CaseDB>) => Promise<T>): Promise<T> {
    return db.transaction().execute(async (trx) => {
      const pending: (() => Promise<void>)[] = [];
      this.deferred.set(trx, pending);
      try {
        const out = await fn(trx);
        for (const append of pending) await append();
        return out;
      } finally {
        this.deferred.delete(trx);
      }
    });
  }

  record(trx: Transaction<CaseDB>, ctx: RequestContext, c: CaseDetailRow, e: CaseEventInput) {
    return this.recordAll(trx, ctx, c, [e]);
  }

  /** Several events of one action (intake: create and route), written in one statement. */
  async recordAll(trx: Transaction<CaseDB>, ctx: RequestContext, c: CaseDetailRow, events: CaseEventInput[]) {
    await this.writes.addEvents(
      trx,
      events.map((e) => ({
        case_id: c.id,
        at: e.at,
        actor_id: ctx.actor?.userId ?? null,
        actor_name: ctx.actor?.displayName ?? 'system',
        actor_role: e.grant?.role ?? e.role ?? (ctx.actor ? null : 'system'),
        action: e.action,
        from_state: e.from,
        to_state: e.to,
        visibility: e.visibility,
        note: e.note ?? null,
        data: e.data ?? {},
      })),
    );
    for (const e of events) {
      if (e.audit === false) continue;
      const append = () =>
        this.audit.append(baseTx(trx), ctx, {
          action: `case.${e.action}`,
          targetType: 'case',
          targetId: c.id,
          targetUnitId: c.org_unit_id,
          ...(e.grant ? { grant: e.grant } : {}),
          detail: { ref: c.ref, from: e.from, to: e.to, ...(e.data ?? {}), ...(e.auditDetail ?? {}) },
        });
      const pending = this.deferred.get(trx);
      if (pending) pending.push(append);
      else await append();
    }
  }

  /**
   * The reporter and every follower hear of each state change (issue 4, notifications). A case
   * just taken in has no followers but its reporter (`isNew`), so they are not read.
   */
  async notifyReporters(trx: Transaction<CaseDB>, c: CaseDetailRow, to: CaseState, at: Date, isNew = false) {
    const people = new Set(isNew ? [] : await this.repo.followers(c.id, trx));
    if (c.reporter_id) people.add(c.reporter_id);
    const m = caseMessages.stateChanged(c, to);
    await this.send(trx, [...people], 'case.state', c.id, m, at);
  }

  /** Staff holding one of the roles directly on the unit (department staff: of the department). */
  async notifyStaffAt(
    trx: Transaction<CaseDB>,
    unitId: string,
    roles: readonly string[],
    department: string | null,
    kind: string,
    caseId: string,
    m: CaseMessage,
    at: Date,
    accessEpoch: number | null = null,
  ) {
    const staff = await this.staff.staffAt(unitId, roles, department, baseTx(trx), accessEpoch);
    await this.send(
      trx,
      staff.map((s) => s.id),
      kind,
      caseId,
      m,
      at,
    );
  }

  async send(
    trx: Transaction<CaseDB>,
    userIds: string[],
    kind: string,
    caseId: string,
    m: CaseMessage,
    at: Date,
  ) {
    await this.notifications.send(
      baseTx(trx),
      userIds.map((userId) => ({ userId, kind, caseId, ...m })),
      at,
    );
  }

  /**
   * A look at a case's personal data (ASVS 16.3; ADR 0020): one audit row, group-committed with
   * other reads, and durable before the caller may answer. A reporter reading their own report
   * leaves none, as nobody else's data was shown.
   */
  async looked(ctx: RequestContext, c: CaseDetailRow, look: CaseLook, grant: Grant | undefined) {
    if (c.reporter_id !== null && c.reporter_id === ctx.actor?.userId) return;
    await this.audit.record(ctx, {
      action: look.action,
      targetType: 'case',
      targetId: c.id,
      targetUnitId: c.org_unit_id,
      ...(grant ? { grant } : {}),
      detail: { ref: c.ref, ...look.detail },
    });
  }

  /** A page of cases, like a page of residents: one row naming every case shown but the reader's own. */
  async lookedAtList(ctx: RequestContext, rows: CaseDetailRow[], unitId: string | null, filter: object) {
    const ids = rows
      .filter((c) => c.reporter_id === null || c.reporter_id !== ctx.actor?.userId)
      .map((c) => c.id);
    await this.lookedAtIds(ctx, ids, unitId, filter);
  }

  /**
   * A page of cases named by id before their rows are read (the staff inbox): a staff member's own
   * report on the page is named too, which over-reports a look rather than miss one.
   */
  async lookedAtIds(ctx: RequestContext, ids: string[], unitId: string | null, filter: object) {
    if (ids.length === 0) return;
    await this.audit.record(ctx, {
      action: 'case.list',
      targetType: 'case',
      targetUnitId: unitId,
      detail: { ids, filter },
    });
  }

  changed(c: CaseDetailRow, action: string, from: CaseState, to: CaseState, at: Date) {
    this.bus.publish('case.changed', {
      caseId: c.id,
      ref: c.ref,
      action,
      from,
      to,
      orgUnitPath: c.unit_path,
      responsibleUnitId: c.responsible_unit_id,
      at: at.toISOString(),
    });
  }

  created(c: CaseDetailRow) {
    this.bus.publish('case.created', {
      caseId: c.id,
      ref: c.ref,
      channel: c.channel as never,
      categoryCode: c.category_code,
      orgUnitPath: c.unit_path,
      at: c.created_at.toISOString(),
    });
  }
}
