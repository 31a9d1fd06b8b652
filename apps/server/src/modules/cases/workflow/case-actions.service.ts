import type { CaseAction, CaseState } from '@civitas/contracts/cases';
import { rolePermissions, type Role } from '@civitas/contracts/roles';
import type { Kysely, Transaction } from 'kysely';
import type { Actor, Grant, RequestContext } from '../../../platform/auth/actor.js';
import {
  AppError,
  badRequest,
  conflict,
  forbidden,
  notFound,
  refused,
} from '../../../platform/errors/errors.js';
import type { OrgUnitRow } from '../../orgs/orgs.service.js';
import type { OrgsService } from '../../orgs/orgs.service.js';
import { HOUR, type Clock } from '../case-clock.js';
import type { CaseEffects } from './case-effects.js';
import { caseMessages } from './case-messages.js';
import { readGrant } from './case-policy.js';
import { rightTo } from './case-offers.js';
import { CaseHandover, type Outcome } from './case-handover.js';
import { nextState, resolutionStates, responseStates, workflow } from './case-workflow.js';
import { presentCase, presentPublicCase } from '../cases.presenter.js';
import type { CaseDetailRow, CasesRepository } from '../cases.repository.js';
import type { StaffDirectory } from '../../identity/staff-directory.js';
import type { CasePatch, CaseWritesRepository } from './case-writes.repository.js';
import { scopeOf } from '../cases.service.js';
import { baseTx, type CaseDB } from '../cases.tables.js';

type Ctx = RequestContext & { actor: Actor };
type Units = { parent: OrgUnitRow | undefined; target: OrgUnitRow | undefined };
type Tx = Transaction<CaseDB>;

/**
 * Every action on a case: one transaction that locks the row, checks who may act, checks the
 * version and the state machine (case-workflow.ts), applies the change and leaves the timeline
 * event, audit row and notifications behind. Refusals change nothing.
 */
export class CaseActionsService {
  constructor(
    private readonly db: Kysely<CaseDB>,
    private readonly repo: CasesRepository,
    private readonly writes: CaseWritesRepository,
    private readonly staff: StaffDirectory,
    private readonly orgs: OrgsService,
    private readonly effects: CaseEffects,
    private readonly clock: Clock,
    private readonly handover = new CaseHandover(repo, writes, effects),
  ) {}

  async act(ctx: Ctx, id: string, a: CaseAction): Promise<CaseDetailRow> {
    const now = this.clock.now();
    // Org units an action moves the case to are looked up before the row is locked: the orgs
    // service reads outside this transaction, and the version check below proves nothing moved.
    const seen = await this.repo.find(id);
    if (!seen) throw notFound('Case');
    this.authorize(ctx.actor, seen, a);
    const units = await this.unitsFor(seen, a);
    const { before, to } = await this.effects.transaction(this.db, async (trx) => {
      const c = await this.repo.findForUpdate(trx, id);
      if (!c) throw notFound('Case');
      const grant = this.authorize(ctx.actor, c, a);
      if (c.version !== a.version || c.version !== seen.version) throw this.stale(ctx.actor, c);
      const next = nextState(
        { state: c.state as CaseState, pausedFrom: c.paused_from as CaseState | null },
        a.action,
      );
      if (next === null)
        throw conflict('illegal_transition', `${a.action}: not allowed while the case is ${c.state}`, {
          state: c.state,
          allowedFrom: workflow[a.action].from,
        });
      const out = await this.outcome(trx, ctx, c, a, grant, units, now);
      const patch: CasePatch = { ...out.patch };
      if (next !== c.state) patch.state = next;
      // Leaving pending_info by any way (resume, merge) ends the pause.
      if (c.state === 'pending_info' && next !== 'pending_info')
        Object.assign(patch, { paused_from: null, paused_at: null });
      if (!(await this.writes.update(trx, id, a.version, patch, now))) throw this.stale(ctx.actor, c);
      const after = (await this.repo.find(id, trx))!;
      await this.effects.record(trx, ctx, after, {
        action: a.action,
        from: c.state as CaseState,
        to: next,
        visibility: out.visibility ?? 'public',
        note: out.note ?? null,
        data: out.data ?? {},
        grant,
        ...(grant ? {} : { role: 'resident' }),
        at: now,
      });
      if (next !== c.state) await this.effects.notifyReporters(trx, after, next, now);
      await out.after?.(trx, after);
      return { before: c, to: next };
    });
    const row = (await this.repo.find(id))!;
    if (to !== before.state) this.effects.changed(row, a.action, before.state as CaseState, to, now);
    return row;
  }

  /**
   * Who may take the action (case-offers.ts, the same decision the presenters list as
   * `allowedActions`): someone who cannot read the case learns nothing more than 404; someone who
   * can hears what they lack, by a code the web words in their language.
   */
  private authorize(actor: Actor, c: CaseDetailRow, a: CaseAction): Grant | undefined {
    const claim = a.action === 'assign' && a.assigneeId === actor.userId;
    const right = rightTo(actor, c, a.action, claim);
    if (right.ok) return right.grant;
    if (right.status === 404) throw notFound('Case');
    const where = `${c.resp_code}${c.responsible_department ? ` (${c.responsible_department})` : ''}`;
    const unit = { unitCode: c.resp_code, unitNameZh: c.resp_name_zh, unitNameEn: c.resp_name_en };
    switch (right.code) {
      case 'case_not_responsible':
        throw refused(
          right.code,
          `${a.action}: you are not responsible for this case; it is held by ${where}`,
          {
            action: a.action,
            ...unit,
          },
        );
      case 'case_claim_not_holder':
        throw refused(
          right.code,
          `assign: only staff of ${where} take its cases themselves; assign someone there`,
          {
            action: a.action,
            ...unit,
          },
        );
      case 'case_reporter_only':
        throw refused(right.code, `${a.action}: only the reporter can ${a.action} the resolution`, {
          action: a.action,
        });
      case 'case_supervisor_only':
        throw refused(
          right.code,
          `${a.action}: supervision (督办) needs a supervising role above ${c.resp_code}`,
          {
            action: a.action,
            ...unit,
          },
        );
    }
  }

  private stale(actor: Actor, c: CaseDetailRow): AppError {
    const current = readGrant(actor, scopeOf(c))
      ? presentCase(c, this.clock.now(), actor)
      : presentPublicCase(c, actor);
    return conflict(
      'stale_version',
      `The case was changed by someone else (now version ${c.version}, ${c.state}); reload and try again.`,
      {
        current,
      },
    );
  }

  private async unitsFor(c: CaseDetailRow, a: CaseAction): Promise<Units> {
    if (a.action === 'escalate') return { parent: await this.parentOf(c), target: undefined };
    if (a.action === 'transfer')
      return {
        parent: undefined,
        target: await this.orgs.forNewRecords(a.toUnitId ?? c.responsible_unit_id),
      };
    return { parent: undefined, target: undefined };
  }

  private parentOf(c: CaseDetailRow): Promise<OrgUnitRow | undefined> {
    return c.resp_parent_id ? this.orgs.findById(c.resp_parent_id) : Promise.resolve(undefined);
  }

  private async outcome(
    trx: Tx,
    ctx: Ctx,
    c: CaseDetailRow,
    a: CaseAction,
    grant: Grant | undefined,
    units: Units,
    now: Date,
  ): Promise<Outcome> {
    const respWindow = () => new Date(now.getTime() + c.response_hours * HOUR);
    const resWindow = () => new Date(now.getTime() + c.resolution_hours * HOUR);
    switch (a.action) {
      case 'accept':
        return { patch: {}, note: a.note ?? null };
      case 'reject':
        return { patch: { rejection_reason: a.reason }, note: a.reason };
      case 'assign': {
        await this.assertAssignable(trx, c, a.assigneeId);
        return {
          // The first assignment stops the response clock; the pauses before it are kept with it.
          patch: c.responded_at
            ? { assignee_id: a.assigneeId }
            : { assignee_id: a.assigneeId, responded_at: now, response_paused_ms: c.paused_ms },
          data: { assigneeId: a.assigneeId },
          after: (t, row) =>
            this.effects.send(t, [a.assigneeId], 'case.assigned', row.id, caseMessages.assigned(row), now),
        };
      }
      case 'start':
        return { patch: {} };
      case 'pause':
        return { patch: { paused_from: c.state, paused_at: now }, note: a.reason };
      case 'resume': {
        // The clock stood still while waiting on the reporter: both deadlines move by the pause.
        const shift = now.getTime() - (c.paused_at ?? now).getTime();
        return {
          patch: {
            paused_from: null,
            paused_at: null,
            paused_ms: c.paused_ms + shift,
            response_due_at: new Date(c.response_due_at.getTime() + shift),
            resolution_due_at: new Date(c.resolution_due_at.getTime() + shift),
          },
          note: a.note ?? null,
          data: { pausedMs: shift },
        };
      }
      case 'resolve': {
        // Evidence of the repair: the reporter's photos of the problem do not count.
        const evidence = { imagesOnly: true, purpose: 'resolution' as const };
        if (c.requires_photo && (await this.repo.countAttachments(c.id, evidence, trx)) === 0)
          throw badRequest(
            'photo_required',
            `resolve: category ${c.category_code} needs photo evidence; attach a resolution photo to the case before resolving`,
          );
        return {
          patch: { resolution_note: a.note, resolved_at: now, resolve_count: c.resolve_count + 1 },
          note: a.note,
        };
      }
      case 'confirm':
        return {
          patch: { satisfaction: a.satisfaction, closed_at: now },
          note: a.comment ?? null,
          data: { satisfaction: a.satisfaction },
        };
      case 'dispute':
        return {
          patch: {
            satisfaction: a.satisfaction ?? null,
            reopen_count: c.reopen_count + 1,
            resolved_at: null,
            resolution_note: null,
            response_due_at: respWindow(),
            resolution_due_at: resWindow(),
            response_reminded: false,
            resolution_reminded: false,
          },
          note: a.reason,
          data: a.satisfaction ? { satisfaction: a.satisfaction } : {},
        };
      case 'transfer':
        return this.handover.transfer(ctx.actor, c, a, units.target, now);
      case 'escalate':
        return this.handover.escalation(c, units.parent, a.reason, false, now);
      case 'supervise': {
        if (!grant) throw forbidden('supervise: no supervising grant');
        if (c.supervised && c.supervised_by_unit_id === grant.orgUnitId)
          throw conflict('already_supervised', `supervise: your unit already supervises case ${c.ref}`);
        return {
          patch: {
            supervised: true,
            supervised_by_unit_id: grant.orgUnitId,
            supervised_at: now,
            supervision_note: a.note ?? null,
          },
          data: { byUnitId: grant.orgUnitId, note: a.note ?? null },
          after: async (t, row) => {
            const m = caseMessages.supervised(row);
            await this.effects.notifyStaffAt(
              t,
              row.responsible_unit_id,
              [row.responsible_role],
              row.responsible_department,
              'case.supervised',
              row.id,
              m,
              now,
            );
            if (row.assignee_id)
              await this.effects.send(t, [row.assignee_id], 'case.supervised', row.id, m, now);
          },
        };
      }
      case 'merge':
        return this.handover.merge(trx, ctx, c, a.into, a.note ?? null, now);
      case 'comment': {
        const internal = grant ? a.internal : false;
        return { patch: {}, visibility: internal ? 'internal' : 'public', note: a.note };
      }
    }
  }

  /** The assignee must be able to handle the case where it is held (same rules as for actors). */
  private async assertAssignable(trx: Tx, c: CaseDetailRow, userId: string): Promise<void> {
    const grants = await this.staff.grantsOf(userId, baseTx(trx));
    const ok = grants.some(
      (g) =>
        g.kind === 'staff' &&
        g.disabled_at === null &&
        rolePermissions[g.role as Role].includes('case.handle') &&
        c.resp_path.startsWith(g.path) &&
        (g.role !== 'department_staff' || g.department === c.responsible_department),
    );
    if (!ok)
      throw badRequest(
        'assignee_not_responsible',
        `assigneeId: that user cannot handle cases held by ${c.resp_code}`,
      );
  }

  /** The deadline job's escalation: no actor, the same rules, a re-check under the row lock. */
  async autoEscalate(id: string, now: Date): Promise<boolean> {
    const ctx: RequestContext = { actor: null, requestId: 'case-deadlines', ip: '127.0.0.1' };
    const seen = await this.repo.find(id);
    const parent = seen ? await this.parentOf(seen) : undefined;
    if (!seen || !parent) return false;
    const done = await this.effects.transaction(this.db, async (trx) => {
      const c = await this.repo.findForUpdate(trx, id);
      // Changed since it was read: the next run looks again.
      if (!c || c.version !== seen.version) return null;
      const state = c.state as CaseState;
      const overdue =
        (responseStates.includes(state) && c.response_due_at < now) ||
        (resolutionStates.includes(state) && c.resolution_due_at < now);
      const to = nextState({ state, pausedFrom: null }, 'escalate');
      if (!overdue || !to) return null;
      const out = this.handover.escalation(c, parent, null, true, now);
      await this.writes.update(trx, id, c.version, { ...out.patch, state: to }, now);
      const after = (await this.repo.find(id, trx))!;
      await this.effects.record(trx, ctx, after, {
        action: 'escalate',
        from: state,
        to,
        visibility: 'public',
        data: out.data ?? {},
        at: now,
      });
      if (to !== state) await this.effects.notifyReporters(trx, after, to, now);
      await out.after?.(trx, after);
      return { from: state, to };
    });
    if (!done) return false;
    const row = (await this.repo.find(id))!;
    if (done.to !== done.from) this.effects.changed(row, 'escalate', done.from, done.to, now);
    return true;
  }
}
