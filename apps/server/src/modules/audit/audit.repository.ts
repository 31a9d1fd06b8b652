import type { AuditQuery } from '@civitas/contracts/audit';
import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.js';

export class AuditRepository {
  constructor(private readonly db: Kysely<DB>) {}

  /**
   * Newest first, cursor-paged by sequence number. `paths` limits entries to targets inside the
   * auditor's subtree; entries without a unit (sign-ins, system events) are shown to any auditor
   * whose scope includes a root district (empty `rootScope` hides them).
   */
  async query(q: AuditQuery, paths: string[], rootScope: boolean) {
    let sel = this.db
      .selectFrom('audit_log as a')
      .leftJoin('org_units as u', 'u.id', 'a.target_unit_id')
      .selectAll('a');
    sel = sel.where((eb) =>
      eb.or([
        ...paths.map((p) => eb('u.path', 'like', `${p}%`)),
        ...(rootScope ? [eb('a.target_unit_id', 'is', null)] : []),
      ]),
    );
    if (q.actorId) sel = sel.where('a.actor_id', '=', q.actorId);
    if (q.action) sel = sel.where('a.action', '=', q.action);
    if (q.targetType) sel = sel.where('a.target_type', '=', q.targetType);
    if (q.targetId) sel = sel.where('a.target_id', '=', q.targetId);
    if (q.from) sel = sel.where('a.at', '>=', new Date(q.from));
    if (q.to) sel = sel.where('a.at', '<', new Date(q.to));
    if (q.beforeSeq !== undefined) sel = sel.where('a.seq', '<', q.beforeSeq);
    return sel.orderBy('a.seq', 'desc').limit(q.limit).execute();
  }
}
