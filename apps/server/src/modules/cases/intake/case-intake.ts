import { latLngToCell } from 'h3-js';
import type { Kysely } from 'kysely';
import type { Grant, RequestContext } from '../../../platform/auth/actor.js';
import type { Clock } from '../case-clock.js';
import { HOUR } from '../case-clock.js';
import type { RouteDecision } from '../config/case-config.service.js';
import type { CaseEffects } from '../workflow/case-effects.js';
import { SourceTaken } from './case-intake-checks.js';
import { caseMessages } from '../workflow/case-messages.js';
import { CASE_CELL_RESOLUTION } from '../location/case-public-location.js';
import type { CaseDetailRow, CasesRepository } from '../cases.repository.js';
import type { CaseWritesRepository } from '../workflow/case-writes.repository.js';
import type { IntakeHook, IntakeInput } from '../cases.service.js';
import type { Titled } from '../case-titles.js';
import { baseTx, type CaseDB } from '../cases.tables.js';
import type { CategoryRow } from '../cases.types.js';

export interface IntakeDeps {
  readonly db: Kysely<CaseDB>;
  readonly repo: CasesRepository;
  readonly writes: CaseWritesRepository;
  readonly effects: CaseEffects;
  readonly clock: Clock;
}

/** A case intake has checked and routed, ready to be written. */
export interface NewCase {
  input: Titled<IntakeInput>;
  /** The owner of `input.sourceRef` (null without one). */
  submitter: string | null;
  category: CategoryRow;
  route: RouteDecision;
  /** The staff grant that let someone enter it; none for residents and systems. */
  grant: Grant | undefined;
  hook: IntakeHook | undefined;
}

/**
 * Writes one new case and what it leaves behind (timeline, notifications, audit, the channel's
 * hook) in one transaction, then announces it on the bus. Throws `SourceTaken` when the
 * submitter's idempotency key was taken meanwhile; nothing is written then.
 */
export async function takeIn(
  deps: IntakeDeps,
  ctx: RequestContext,
  { input, submitter, category, route, grant, hook }: NewCase,
): Promise<CaseDetailRow> {
  const now = deps.clock.now();
  const created = await deps.effects.transaction(deps.db, async (trx) => {
    const inserted = await deps.writes.insertDetail(
      trx,
      {
        channel: input.channel,
        source_ref: input.sourceRef,
        source_submitter: submitter,
        category_id: category.id,
        title: input.title,
        title_code: input.titleCode,
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
    if (!inserted) throw new SourceTaken();
    const newId = inserted.id;
    // Someone reporting for another person: the reporter's name is read, not assumed.
    const c =
      input.reporterId && input.reporterId !== ctx.actor?.userId
        ? (await deps.repo.find(newId, trx))!
        : inserted;
    if (input.reporterId) await deps.writes.follow(trx, newId, [input.reporterId], 'reporter');
    const role = input.reporterId ? 'resident' : undefined;
    const routeData = {
      unitId: route.unit.id,
      role: route.role,
      department: route.department,
      ruleId: route.ruleId,
    };
    // One timeline entry per fact (create, route), one audit entry per intake: the audit chain
    // is appended under a lock on its head, so each append serialises every intake.
    await deps.effects.recordAll(trx, ctx, c, [
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
    await deps.effects.notifyStaffAt(
      trx,
      route.unit.id,
      [route.role],
      route.department,
      'case.routed',
      newId,
      caseMessages.routed(c),
      now,
      ctx.actor?.accessEpoch ?? null,
    );
    await deps.effects.notifyReporters(trx, c, 'submitted', now, true);
    if (hook) await hook(baseTx(trx), c);
    return c;
  });
  deps.effects.created(created);
  return created;
}
