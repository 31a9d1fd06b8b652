import type { CaseAction } from '@civitas/contracts/cases';
import type { Transaction } from 'kysely';
import type { Actor, RequestContext } from '../../../platform/auth/actor.js';
import type { OrgUnitRow } from '../../orgs/orgs.service.js';
import { badRequest, conflict, forbidden } from '../../../platform/errors/errors.js';
import { HOUR } from '../case-clock.js';
import type { CaseEffects } from './case-effects.js';
import { caseMessages } from './case-messages.js';
import { handleGrant, handlerRoleFor, readGrant } from './case-policy.js';
import type { CaseDetailRow, CasesRepository } from '../cases.repository.js';
import type { CasePatch, CaseWritesRepository } from './case-writes.repository.js';
import { scopeOf } from '../cases.service.js';
import type { CaseDB } from '../cases.tables.js';

type Tx = Transaction<CaseDB>;
type Ctx = RequestContext & { actor: Actor };

/** What one action does beyond the state change; the actions service applies it. */
export interface Outcome {
  patch: CasePatch;
  visibility?: 'public' | 'internal';
  note?: string | null;
  data?: Record<string, unknown>;
  after?: (trx: Tx, c: CaseDetailRow) => Promise<void>;
}

const supervisorRoles = ['community_admin', 'street_officer', 'district_commander'] as const;

/**
 * The actions that hand a case to someone else: transfer to a unit or department, escalation up
 * the tree, and merging into another case. Each returns the change for the actions service to
 * apply under its lock and version check.
 */
export class CaseHandover {
  constructor(
    private readonly repo: CasesRepository,
    private readonly writes: CaseWritesRepository,
    private readonly effects: CaseEffects,
  ) {}

  transfer(
    actor: Actor,
    c: CaseDetailRow,
    a: Extract<CaseAction, { action: 'transfer' }>,
    unit: OrgUnitRow | undefined,
    now: Date,
  ): Outcome {
    if (!unit) throw badRequest('unit_not_found', 'toUnitId: no such org unit');
    // A case may move to a unit on its own line of the tree or within the actor's own reach.
    if (
      !c.unit_path.startsWith(unit.path) &&
      !handleGrant(actor, { ...scopeOf(c), responsiblePath: unit.path })
    )
      throw forbidden(`transfer: ${unit.code} is neither above the case location nor within your units`);
    const department =
      a.toDepartment === undefined
        ? a.toRole && a.toRole !== 'department_staff'
          ? null
          : c.category_department
        : a.toDepartment;
    const role = a.toRole ?? (department ? 'department_staff' : handlerRoleFor(unit.type));
    if (role === 'department_staff' && !department)
      throw badRequest('department_required', 'toDepartment: say which department takes the case');
    if (
      unit.id === c.responsible_unit_id &&
      department === c.responsible_department &&
      role === c.responsible_role
    )
      throw badRequest('transfer_to_same', 'transfer: the case is already held there');
    return {
      patch: {
        responsible_unit_id: unit.id,
        responsible_department: role === 'department_staff' ? department : null,
        responsible_role: role,
        assignee_id: null,
        response_due_at: new Date(now.getTime() + c.response_hours * HOUR),
        response_reminded: false,
      },
      data: { toUnitId: unit.id, toDepartment: department, toRole: role, reason: a.reason },
      after: (t, row) =>
        this.effects.notifyStaffAt(
          t,
          unit.id,
          [role],
          row.responsible_department,
          'case.transferred',
          row.id,
          caseMessages.transferred(row),
          now,
        ),
    };
  }

  /**
   * One level up the tree (grid → community → street/township → district). The new level gets a
   * fresh response window; a missed resolution deadline gets a fresh resolution window too, and the
   * miss stays on the timeline for the metrics.
   */
  escalation(
    c: CaseDetailRow,
    parent: OrgUnitRow | undefined,
    reason: string | null,
    automatic: boolean,
    now: Date,
  ): Outcome {
    if (!parent)
      throw badRequest(
        'already_at_top',
        `escalate: case ${c.ref} is already held by ${c.resp_code}, the top of the tree`,
      );
    const role = handlerRoleFor(parent.type);
    const resolutionMissed = c.resolution_due_at < now;
    return {
      patch: {
        responsible_unit_id: parent.id,
        responsible_department: null,
        responsible_role: role,
        assignee_id: null,
        escalation_level: c.escalation_level + 1,
        response_due_at: new Date(now.getTime() + c.response_hours * HOUR),
        response_reminded: false,
        ...(resolutionMissed
          ? {
              resolution_due_at: new Date(now.getTime() + c.resolution_hours * HOUR),
              resolution_reminded: false,
            }
          : {}),
      },
      data: {
        automatic,
        fromUnitId: c.responsible_unit_id,
        toUnitId: parent.id,
        reason,
        missedDeadline: automatic ? (resolutionMissed ? 'resolution' : 'response') : null,
      },
      after: (t, row) =>
        this.effects.notifyStaffAt(
          t,
          parent.id,
          [role, ...supervisorRoles],
          null,
          'case.escalated',
          row.id,
          caseMessages.escalated(row, automatic),
          now,
        ),
    };
  }

  /** Merge into another open case: both reporters follow the survivor and both hear of it. */
  async merge(
    trx: Tx,
    ctx: Ctx,
    c: CaseDetailRow,
    intoId: string,
    note: string | null,
    now: Date,
  ): Promise<Outcome> {
    if (intoId === c.id) throw badRequest('merge_into_self', 'into: a case cannot be merged into itself');
    const target = await this.repo.findForUpdate(trx, intoId);
    if (!target || !readGrant(ctx.actor, scopeOf(target)))
      throw badRequest('merge_target_not_found', 'into: no such case in your units');
    if (
      !['submitted', 'accepted', 'assigned', 'in_progress', 'pending_info', 'reopened'].includes(target.state)
    )
      throw conflict(
        'merge_target_closed',
        `into: case ${target.ref} is ${target.state}; merge into an open case`,
      );
    return {
      patch: { duplicate_of: target.id },
      note,
      data: { duplicateOf: target.id, intoRef: target.ref },
      after: async (t, row) => {
        const people = new Set(await this.repo.followers(row.id, t));
        if (row.reporter_id) people.add(row.reporter_id);
        if (target.reporter_id) people.add(target.reporter_id);
        await this.writes.follow(t, target.id, [...people], 'merged');
        await this.writes.update(t, target.id, target.version, {}, now);
        await this.effects.record(t, ctx, target, {
          action: 'merged_in',
          from: null,
          to: null,
          visibility: 'public',
          data: { duplicateOf: null, fromCaseId: row.id, fromRef: row.ref },
          grant: handleGrant(ctx.actor, scopeOf(row)),
          at: now,
        });
        const reporters = [row.reporter_id, target.reporter_id].filter((x): x is string => x !== null);
        await this.effects.send(
          t,
          reporters,
          'case.merged',
          target.id,
          caseMessages.merged(row, target.ref),
          now,
        );
      },
    };
  }
}
