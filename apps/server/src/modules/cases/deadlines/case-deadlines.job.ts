import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { CaseActionsService } from '../workflow/case-actions.service.js';
import type { Clock } from '../case-clock.js';
import type { CaseEffects } from '../workflow/case-effects.js';
import { caseMessages } from '../workflow/case-messages.js';
import type { CasesRepository } from '../cases.repository.js';
import type { CaseDB } from '../cases.tables.js';
import type { CaseDeadlinesRepository } from './case-deadlines.repository.js';

/**
 * The case center's clock work: reminders shortly before a deadline, and escalation one level up
 * the tree once it has passed. Time comes from the injected clock, so tests move it instead of
 * waiting. Safe to run in several processes: reminders are claimed by an UPDATE, escalation
 * re-checks each case under its row lock.
 */
export class CaseDeadlineJob {
  constructor(
    private readonly db: Kysely<CaseDB>,
    private readonly repo: CasesRepository,
    private readonly deadlines: CaseDeadlinesRepository,
    private readonly actions: CaseActionsService,
    private readonly effects: CaseEffects,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly opts: { reminderLeadPercent: number; batch?: number },
  ) {}

  async run(): Promise<{ reminded: number; escalated: number }> {
    const now = this.clock.now();
    const reminded = await this.db.transaction().execute(async (trx) => {
      const due = await this.deadlines.claimReminders(trx, now, this.opts.reminderLeadPercent);
      for (const d of due) {
        const c = (await this.repo.find(d.id, trx))!;
        const deadline = d.kind === 'response' ? c.response_due_at : c.resolution_due_at;
        const m = caseMessages.reminder(c, d.kind === 'response' ? 'response' : 'resolution', deadline);
        if (c.assignee_id && d.kind === 'resolution')
          await this.effects.send(trx, [c.assignee_id], 'case.reminder', c.id, m, now);
        else
          await this.effects.notifyStaffAt(
            trx,
            c.responsible_unit_id,
            [c.responsible_role],
            c.responsible_department,
            'case.reminder',
            c.id,
            m,
            now,
          );
      }
      return due.length;
    });
    let escalated = 0;
    for (const { id } of await this.deadlines.overdue(now, this.opts.batch ?? 500)) {
      try {
        if (await this.actions.autoEscalate(id, now)) escalated++;
      } catch (e) {
        this.log.warn({ err: e, caseId: id }, 'case escalation failed');
      }
    }
    if (reminded + escalated > 0) this.log.info({ reminded, escalated }, 'case deadlines applied');
    return { reminded, escalated };
  }
}
