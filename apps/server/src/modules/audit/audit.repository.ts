import { AUDIT_FAMILIES } from '@civitas/contracts/audit-vocabulary';
import type { AuditFilter } from '@civitas/contracts/audit';
import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.js';

/** `%` and `_` in what an auditor types match themselves, not any text. */
const likeText = (s: string) => `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export class AuditRepository {
  constructor(private readonly db: Kysely<DB>) {}

  /**
   * Newest first, cursor-paged by sequence number. `paths` limits entries to targets inside the
   * auditor's subtree; entries without a unit (sign-ins, system events) are shown to any auditor
   * whose scope includes a root district (empty `rootScope` hides them). Each row carries the
   * names an auditor reads: the actor's display name and both units' names.
   */
  async query(
    q: AuditFilter & { limit: number; beforeSeq?: number | undefined },
    paths: string[],
    rootScope: boolean,
  ) {
    let sel = this.db
      .selectFrom('audit_log as a')
      .leftJoin('org_units as u', 'u.id', 'a.target_unit_id')
      .leftJoin('org_units as au', 'au.id', 'a.actor_unit_id')
      .leftJoin('users as p', 'p.id', 'a.actor_id')
      .selectAll('a')
      .select([
        'p.display_name as actor_display_name',
        'u.name_zh as target_unit_zh',
        'u.name_en as target_unit_en',
        'au.name_zh as actor_unit_zh',
        'au.name_en as actor_unit_en',
      ]);
    sel = sel.where((eb) =>
      eb.or([
        ...paths.map((p) => eb('u.path', 'like', `${p}%`)),
        ...(rootScope ? [eb('a.target_unit_id', 'is', null)] : []),
      ]),
    );
    if (q.actorId) sel = sel.where('a.actor_id', '=', q.actorId);
    if (q.actor) {
      const text = likeText(q.actor);
      sel = sel.where((eb) =>
        eb.or([eb('a.actor_name', 'ilike', text), eb('p.display_name', 'ilike', text)]),
      );
    }
    if (q.action) sel = sel.where('a.action', '=', q.action);
    if (q.family) {
      const patterns = AUDIT_FAMILIES[q.family].patterns;
      sel = sel.where((eb) => eb.or(patterns.map((p) => eb('a.action', 'like', p))));
    }
    if (q.targetType) sel = sel.where('a.target_type', '=', q.targetType);
    if (q.targetId) sel = sel.where('a.target_id', '=', q.targetId);
    if (q.from) sel = sel.where('a.at', '>=', new Date(q.from));
    if (q.to) sel = sel.where('a.at', '<', new Date(q.to));
    if (q.beforeSeq !== undefined) sel = sel.where('a.seq', '<', q.beforeSeq);
    return sel.orderBy('a.seq', 'desc').limit(q.limit).execute();
  }
}
