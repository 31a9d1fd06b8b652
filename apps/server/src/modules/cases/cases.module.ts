import { defineModule } from '../../platform/module/module.js';
import { caseUnitRecords } from './cases-unit-records.js';
import type { NotificationsService } from '../notifications/notifications.service.js';
import type { OrgsService } from '../orgs/orgs.service.js';
import type { StaffDirectory } from '../identity/staff-directory.js';
import type { UsersService } from '../identity/users.service.js';
import { CaseAssignees } from './desk/case-assignees.js';
import { CaseAttachmentsRepository } from './attachments/case-attachments.repository.js';
import { registerCaseAttachmentRoutes } from './attachments/case-attachments.routes.js';
import { CaseAttachmentsService } from './attachments/case-attachments.service.js';
import { createCaseCenter } from './case-center.js';
import type { Clock } from './case-clock.js';
import { registerCaseConfigRoutes } from './config/case-config.routes.js';
import { CaseContactRepository } from './desk/case-contact.repository.js';
import { CaseContacts } from './desk/case-contact.js';
import { registerCaseDeskRoutes } from './desk/case-desk.routes.js';
import { registerCaseRoutes } from './cases.routes.js';
import { withCaseTables } from './cases.tables.js';

/**
 * The case center: one workflow for everything that needs a human response (resident reports,
 * patrol findings, sensor alarms, Open311), routed down the tree, with deadlines, attachments,
 * sealed contacts and the desk's views.
 */
export const casesModule = defineModule<{
  orgs: OrgsService;
  users: UsersService;
  staffDirectory: StaffDirectory;
  notifications: NotificationsService;
}>()({
  name: 'cases',
  needs: { orgs: true, users: true, staffDirectory: true, notifications: true },
  tables: ['cases', 'case_events', 'case_followers', 'case_categories', 'routing_rules', 'case_attachments'],
  // Display names of reporters, assignees and uploaders are joined in the list queries.
  reads: ['org_units', 'users'],
  publishes: ['case.created', 'case.changed'],
  subscribes: ['alarm.raised'],
  create: (host, { orgs, users, staffDirectory, notifications }) => {
    const center = createCaseCenter({
      db: host.db,
      orgs,
      staff: staffDirectory,
      notifications,
      audit: host.audit,
      bus: host.bus,
      logger: host.logger,
      reminderLeadPercent: host.config.CASE_REMINDER_LEAD_PERCENT,
      clock: host.clock,
    });
    const { casesRepo, caseConfig, cases, caseActions, caseDeadlines, caseEffects } = center;
    orgs.unitRecords.register(caseUnitRecords(() => caseConfig.rulesChanged()));
    const db = withCaseTables(host.db);
    const attachmentsRepo = new CaseAttachmentsRepository(db);
    return {
      cases,
      caseActions,
      caseConfig,
      caseDeadlines,
      caseAttachments: new CaseAttachmentsService(
        db,
        attachmentsRepo,
        casesRepo,
        cases,
        caseEffects,
        host.fileStore,
        host.clock,
        { maxBytes: host.config.ATTACHMENT_MAX_BYTES },
      ),
      caseContacts: new CaseContacts(casesRepo, new CaseContactRepository(), host.cipher, host.audit),
      caseAssignees: new CaseAssignees(cases, users),
      /** Where attachment rows point at stored files (the orphan sweep keeps those). */
      caseFileReferences: attachmentsRepo,
      /**
       * The same workflow on another clock, for writing history as it would have happened (the
       * demo's past cases): each step's timeline, deadlines, audit rows and notifications are
       * those live use writes. It consumes no bus events and runs no jobs.
       */
      casesOnClock: (clock: Clock) => {
        const { cases: onClock, actions } = center.onClock(clock);
        return {
          cases: onClock,
          actions,
          /** Whether a case from this channel with this source reference exists already. */
          written: (channel: string, sourceRef: string) => casesRepo.sourceRefTaken(channel, sourceRef),
        };
      },
    };
  },
  routes: (app, s, host) => {
    registerCaseConfigRoutes(app, s.caseConfig);
    registerCaseRoutes(app, s.cases, s.caseActions, s.caseContacts);
    registerCaseAttachmentRoutes(app, s.caseAttachments, { maxBytes: host.config.ATTACHMENT_MAX_BYTES });
    registerCaseDeskRoutes(app, s.caseAssignees, s.caseContacts);
  },
  // Reminders before a case's deadline, escalation up the tree after it (case-deadlines.job.ts).
  jobs: (s, host) => [
    {
      name: 'cases.deadlines',
      everyMs: host.config.CASE_DEADLINE_INTERVAL_SECONDS * 1000,
      run: () => s.caseDeadlines.run(),
    },
  ],
  fileReferences: (s) => [s.caseFileReferences],
});
