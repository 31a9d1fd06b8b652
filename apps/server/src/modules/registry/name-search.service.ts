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
import { nameQueryIndexes } from './resident-sealing.js';
import type { ResidentsRepository } from './residents.repository.js';
import { SearchLimit, type SearchLimits } from './search-limit.js';
import { answerSearch, searchScope } from './search-scope.js';

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
    // A digest of the name in the audit log would let whoever reads the log test names against it.
    return answerSearch(this.audit, ctx, where, rows, {
      action: 'resident.search',
      detail: { via: 'name' },
      unitId: q.unitId,
    });
  }
}
