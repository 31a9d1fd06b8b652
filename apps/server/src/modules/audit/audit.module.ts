import { defineModule } from '../../platform/module/module.js';
import { AuditRepository } from './audit.repository.js';
import { registerAuditRoutes } from './audit.routes.js';

/**
 * Reading the audit log. The log itself (audit_log, audit_head, the keyed chain and its
 * checkpoints) is platform machinery every module writes through; this module only serves it.
 */
export const auditModule = defineModule()({
  name: 'audit',
  needs: {},
  tables: [],
  reads: ['org_units', 'users'],
  publishes: [],
  subscribes: [],
  create: () => ({}),
  routes: (app, _s, host) => registerAuditRoutes(app, new AuditRepository(host.db), host.audit),
});
