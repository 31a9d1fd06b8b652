import type { ResidentDuplicateGroup } from '@civitas/contracts/registry';
import { scopePaths } from '../../platform/auth/access.js';
import type { Actor, RequestContext } from '../../platform/auth/actor.js';
import type { AuditLog } from '../../platform/audit/audit-log.js';
import type { OrgsService } from '../orgs/orgs.service.js';
import { presentResident } from './registry.presenter.js';
import type { ResidentsRepository } from './residents.repository.js';

/**
 * Residents registered more than once under one ID number. A worker registering someone who is
 * already on another unit's register is not told so (that would say where a person is registered
 * to someone who cannot see it, ADR 0021); the second record is accepted, and it shows here to
 * whoever can see every record of the group, e.g. the street office after a move between two of
 * its communities, who then has the old record corrected.
 */
export class ResidentDuplicatesService {
  constructor(
    private readonly repo: ResidentsRepository,
    private readonly orgs: OrgsService,
    private readonly audit: AuditLog,
  ) {}

  async list(
    ctx: RequestContext & { actor: Actor },
    limit: number,
    offset: number,
  ): Promise<ResidentDuplicateGroup[]> {
    const paths = scopePaths(ctx.actor, 'resident.read');
    const units = paths.length === 0 ? [] : await this.orgs.unitsUnder(paths, ctx.actor.accessEpoch);
    const rows = await this.repo.duplicateGroups(units, limit, offset);
    const groups = new Map<string, ResidentDuplicateGroup>();
    for (const r of rows) {
      const key = r.id_number_hash!;
      const group = groups.get(key) ?? { idNumber: r.id_number_mask ?? '', residents: [] };
      group.residents.push(presentResident(r));
      groups.set(key, group);
    }
    // A masked list like any other: the look is logged with the residents it showed. An empty
    // answer showed nobody.
    if (rows.length > 0)
      await this.audit.record(ctx, {
        action: 'resident.list',
        targetType: 'resident',
        targetUnitId: ctx.actor.grants[0]?.orgUnitId ?? null,
        detail: { ids: rows.map((r) => r.id), duplicates: true },
      });
    return [...groups.values()];
  }
}
