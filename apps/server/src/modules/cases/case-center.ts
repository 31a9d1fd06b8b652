import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { AuditLog } from '../../platform/audit/audit-log.js';
import type { EventBus } from '../../platform/bus/event-bus.js';
import type { DB } from '../../platform/db/schema.js';
import type { NotificationsService } from '../notifications/notifications.service.js';
import type { StaffDirectory } from '../identity/staff-directory.js';
import type { OrgsService } from '../orgs/orgs.service.js';
import { CaseActionsService } from './workflow/case-actions.service.js';
import { consumeAlarmIntake } from './intake/case-alarm-intake.js';
import { systemClock, type Clock } from './case-clock.js';
import { CaseConfigRepository } from './config/case-config.repository.js';
import { CaseConfigService } from './config/case-config.service.js';
import { CaseDeadlineJob } from './deadlines/case-deadlines.job.js';
import { CaseDeadlinesRepository } from './deadlines/case-deadlines.repository.js';
import { CaseFiguresRepository } from './figures/case-figures.repository.js';
import { CaseInboxRepository } from './inbox/case-inbox.repository.js';
import { CaseWritesRepository } from './workflow/case-writes.repository.js';
import { CaseEffects } from './workflow/case-effects.js';
import { CasesRepository } from './cases.repository.js';
import { CaseService } from './cases.service.js';
import { withCaseTables } from './cases.tables.js';

/** Wires the case center (called once by the composition root, services.ts). */
export function createCaseCenter(deps: {
  db: Kysely<DB>;
  orgs: OrgsService;
  /** Who holds which role where: identity's, asked for routing and notifications. */
  staff: StaffDirectory;
  notifications: NotificationsService;
  audit: AuditLog;
  bus: EventBus;
  logger: Logger;
  clock?: Clock;
  reminderLeadPercent: number;
}) {
  const db = withCaseTables(deps.db);
  const clock = deps.clock ?? systemClock;
  const { notifications } = deps;
  const casesRepo = new CasesRepository(db);
  const caseWrites = new CaseWritesRepository();
  const caseStaff = deps.staff;
  const caseInbox = new CaseInboxRepository(db, casesRepo, caseWrites, (paths, epoch) =>
    deps.orgs.unitsUnder(paths, epoch),
  );
  const caseConfig = new CaseConfigService(db, new CaseConfigRepository(db), deps.orgs, deps.audit);
  // The workflow's services on a clock: the system's for live use, a manual one for writing
  // history as it would have happened (the demo's past cases).
  const onClock = (at: Clock) => {
    const effects = new CaseEffects(casesRepo, caseWrites, caseStaff, notifications, deps.audit, deps.bus);
    return {
      effects,
      cases: new CaseService(
        db,
        casesRepo,
        caseInbox,
        caseWrites,
        new CaseFiguresRepository(db),
        caseConfig,
        deps.orgs,
        effects,
        at,
      ),
      actions: new CaseActionsService(db, casesRepo, caseWrites, caseStaff, deps.orgs, effects, at),
    };
  };
  const { effects, cases, actions: caseActions } = onClock(clock);
  const log = deps.logger.child({ area: 'cases' });
  const caseDeadlines = new CaseDeadlineJob(
    db,
    casesRepo,
    new CaseDeadlinesRepository(db),
    caseActions,
    effects,
    clock,
    log,
    {
      reminderLeadPercent: deps.reminderLeadPercent,
    },
  );
  consumeAlarmIntake(deps.bus, cases, log);
  return {
    notifications,
    casesRepo,
    caseWrites,
    caseStaff,
    caseInbox,
    caseConfig,
    cases,
    caseActions,
    caseDeadlines,
    caseEffects: effects,
    clock,
    onClock,
  };
}
