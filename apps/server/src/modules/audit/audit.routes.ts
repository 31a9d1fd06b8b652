import { auditEndpoints as e } from '@civitas/contracts/endpoints/audit';
import { AUDIT_EXPORT_MAX, type AuditEntry } from '@civitas/contracts/audit';
import { grantCovering, scopePaths } from '../../platform/auth/access.js';
import type { Actor } from '../../platform/auth/actor.js';
import type { AuditLog } from '../../platform/audit/audit-log.js';
import { rowFields } from '../../platform/audit/audit-verify.js';
import type { App } from '../../platform/http/http-server.js';
import { route } from '../../platform/http/route.js';
import { auditCsv } from './audit-csv.js';
import type { AuditRepository } from './audit.repository.js';

type Row = Awaited<ReturnType<AuditRepository['query']>>[number];

function present(r: Row): AuditEntry {
  const name = (zh: string | null, en: string | null) => (zh && en ? { 'zh-CN': zh, en } : null);
  return {
    ...rowFields(r),
    at: r.at.toISOString(),
    hash: r.hash,
    actorDisplayName: r.actor_display_name,
    actorUnitName: name(r.actor_unit_zh, r.actor_unit_en),
    targetUnitName: name(r.target_unit_zh, r.target_unit_en),
  };
}

/** The auditor's subtrees; entries without a unit only for a scope that holds a whole district. */
function scopeOf(actor: Actor) {
  const paths = scopePaths(actor, 'audit.read');
  return { paths, rootScope: paths.some((p) => p.split('/').length === 3) };
}

export function registerAuditRoutes(app: App, repo: AuditRepository, log: AuditLog): void {
  route(app, e.list, 'audit.read', async (req) => {
    const { paths, rootScope } = scopeOf(req.actor);
    const items = (await repo.query(req.query, paths, rootScope)).map(present);
    const last = items[items.length - 1];
    return { items, nextBeforeSeq: items.length === req.query.limit && last ? last.seq : null };
  });

  route(app, e.export, 'audit.read', async (req, reply) => {
    const { lang, ...filter } = req.query;
    const { paths, rootScope } = scopeOf(req.actor);
    const items = (await repo.query({ ...filter, limit: AUDIT_EXPORT_MAX }, paths, rootScope)).map(present);
    // Who took which part of the log away is itself part of the log, written before the file
    // leaves; it sits on the exporter's unit, so auditors of that unit see it.
    const grant = paths[0] === undefined ? undefined : grantCovering(req.actor, 'audit.read', paths[0]);
    await log.record(req.ctx, {
      action: 'audit.export',
      targetType: 'audit_log',
      ...(grant ? { grant, targetUnitId: grant.orgUnitId } : {}),
      detail: { filter, rows: items.length, truncated: items.length === AUDIT_EXPORT_MAX },
    });
    const day = new Date().toISOString().slice(0, 10);
    return reply
      .header('Content-Type', 'text/csv; charset=utf-8')
      .header('Content-Disposition', `attachment; filename="audit-${day}.csv"`)
      .header('Cache-Control', 'private, no-store')
      .header('X-Content-Type-Options', 'nosniff')
      .send(auditCsv(items, lang));
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
