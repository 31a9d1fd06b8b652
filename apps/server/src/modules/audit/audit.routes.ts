import { auditEntry, auditQuery, auditVerifyResult } from '@civitas/contracts/audit';
import { z } from 'zod';
import { scopePaths } from '../../platform/auth/access.js';
import type { AuditLog } from '../../platform/audit/audit-log.js';
import { rowFields } from '../../platform/audit/audit-verify.js';
import type { App } from '../../platform/http/http-server.js';
import type { AuditRepository } from './audit.repository.js';

const tags = ['audit'];

export function registerAuditRoutes(app: App, repo: AuditRepository, log: AuditLog): void {
  app.get(
    '/api/v1/audit',
    {
      config: { access: 'audit.read' },
      schema: {
        tags,
        summary: 'Query the audit log, newest first',
        querystring: auditQuery,
        response: { 200: z.object({ items: z.array(auditEntry), nextBeforeSeq: z.number().nullable() }) },
      },
    },
    async (req) => {
      const paths = scopePaths(req.actor!, 'audit.read');
      const rootScope = paths.some((p) => p.split('/').length === 3);
      const rows = await repo.query(req.query, paths, rootScope);
      const items = rows.map((r) => ({ ...rowFields(r), at: r.at.toISOString(), hash: r.hash }));
      const last = items[items.length - 1];
      return { items, nextBeforeSeq: items.length === req.query.limit && last ? last.seq : null };
    },
  );

  app.get(
    '/api/v1/audit/verify',
    {
      config: { access: 'audit.read' },
      // Walks every row of a chain that grows with each audited read; each statement is short
      // (pages of 5,000), but the whole walk may outlast REQUEST_TIMEOUT_MS on a large install.
      handlerTimeout: 600_000,
      schema: {
        tags,
        summary:
          'Recompute the keyed hash chain, compare it with the signed checkpoints kept outside the database, and report the first broken row',
        response: { 200: auditVerifyResult },
      },
    },
    async (req) => {
      const result = await log.verify();
      await log.record(req.ctx, {
        action: 'audit.verify',
        detail: {
          ok: result.ok,
          checked: result.checked,
          problem: result.problem,
          checkpoints: result.checkpoints.total,
        },
      });
      return result;
    },
  );
}
