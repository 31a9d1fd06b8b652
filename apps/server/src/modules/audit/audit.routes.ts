import { auditEndpoints as e } from '@civitas/contracts/endpoints/audit';
import { scopePaths } from '../../platform/auth/access.js';
import type { AuditLog } from '../../platform/audit/audit-log.js';
import { rowFields } from '../../platform/audit/audit-verify.js';
import type { App } from '../../platform/http/http-server.js';
import { route } from '../../platform/http/route.js';
import type { AuditRepository } from './audit.repository.js';

export function registerAuditRoutes(app: App, repo: AuditRepository, log: AuditLog): void {
  route(app, e.list, 'audit.read', async (req) => {
    const paths = scopePaths(req.actor, 'audit.read');
    const rootScope = paths.some((p) => p.split('/').length === 3);
    const rows = await repo.query(req.query, paths, rootScope);
    const items = rows.map((r) => ({ ...rowFields(r), at: r.at.toISOString(), hash: r.hash }));
    const last = items[items.length - 1];
    return { items, nextBeforeSeq: items.length === req.query.limit && last ? last.seq : null };
  });

  route(
    app,
    e.verify,
    'audit.read',
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
    // Walks every row of a chain that grows with each audited read; each statement is short
    // (pages of 5,000), but the whole walk may outlast REQUEST_TIMEOUT_MS on a large install.
    { handlerTimeout: 600_000 },
  );
}
