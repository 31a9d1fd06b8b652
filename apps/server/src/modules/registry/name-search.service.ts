import {
  RESIDENT_SEARCH_MAX,
  type ResidentNameSearchRequest,
  type ResidentSearchResponse,
} from '@civitas/contracts/registry';
import type { Actor, RequestContext } from '../../platform/auth/actor.js';
import type { AuditLog } from '../../platform/audit/audit-log.js';
import type { FieldCipher } from '../../platform/crypto/field-cipher.js';
import type { RateCounter } from '../../platform/rate-limit/rate-counter.js';
import type { OrgsService } from '../orgs/orgs.service.js';
import { presentResident } from './registry.presenter.js';
import { nameQueryIndexes } from './resident-sealing.js';
import type { ResidentsRepository } from './residents.repository.js';
import { SearchLimit, type SearchLimits } from './search-limit.js';
import { searchScope } from './search-scope.js';

type Ctx = RequestContext & { actor: Actor };

/**
 * Search by name over sealed names (ADR 0045): the query's keyed digest is matched against each
 * resident's indexed name forms, within the caller's `resident.read` area. Results are masked
 * as the list is; the caller learns that a masked record bears the name they typed, which is
 * why every search is audited (hits and misses) and counted against a per-user limit.
 */
export class NameSearchService {
  private readonly limit: SearchLimit;

  constructor(
    private readonly repo: ResidentsRepository,
    private readonly orgs: OrgsService,
    private readonly cipher: FieldCipher,
    private readonly audit: AuditLog,
    rate: RateCounter,
    limits: SearchLimits,
  ) {
    this.limit = new SearchLimit(rate, audit, limits, {
      key: 'name_search',
      code: 'name_search_limited',
      what: 'searches by name',
    });
  }

  async search(ctx: Ctx, q: ResidentNameSearchRequest): Promise<ResidentSearchResponse> {
    const where = await searchScope(this.orgs, ctx.actor, 'resident.read', q.unitId);
    await this.limit.take(ctx, { via: 'name' });
    const units = await this.orgs.unitsUnder(where.paths, ctx.actor.accessEpoch);
    const rows = await this.repo.findByName(
      nameQueryIndexes(this.cipher, q.name),
      units,
      RESIDENT_SEARCH_MAX + 1,
    );
    const found = rows.slice(0, RESIDENT_SEARCH_MAX);
    const ids = found.map((r) => r.id);
    // Durable before the answer; never the name searched, in clear or as its digest (a digest
    // in the audit log would let whoever reads the log test names against it).
    await this.audit.record(ctx, {
      action: 'resident.search',
      targetType: 'resident',
      ...(ids.length === 1 ? { targetId: ids[0] } : {}),
      targetUnitId: where.unitId,
      grant: where.grant,
      detail: {
        via: 'name',
        matched: ids.length,
        ids,
        truncated: rows.length > RESIDENT_SEARCH_MAX,
        ...(q.unitId ? { unitId: q.unitId } : {}),
      },
    });
    return { items: found.map(presentResident), truncated: rows.length > RESIDENT_SEARCH_MAX };
  }
}
