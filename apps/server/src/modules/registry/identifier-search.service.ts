import {
  RESIDENT_SEARCH_MAX,
  type ResidentSearchRequest,
  type ResidentSearchResponse,
} from '@civitas/contracts/registry';
import type { Actor, RequestContext } from '../../platform/auth/actor.js';
import type { AuditLog } from '../../platform/audit/audit-log.js';
import type { FieldCipher } from '../../platform/crypto/field-cipher.js';
import type { RateCounter } from '../../platform/rate-limit/rate-counter.js';
import type { OrgsService } from '../orgs/orgs.service.js';
import { idNumberIndexes, phoneIndexes } from './resident-sealing.js';
import { SearchLimit, type SearchLimits } from './search-limit.js';
import { answerSearch, searchScope } from './search-scope.js';
import type { ResidentsRepository } from './residents.repository.js';

type Ctx = RequestContext & { actor: Actor };

/** The `detail.kind` of the `security.alert` audit row written when a user reaches the limit. */
export const IDENTIFIER_SEARCH_ALERT = 'identifier_search_limit';

/**
 * Exact search by phone or ID number. Finding the residents behind a value says whose value it
 * is, so this is a reveal in effect (ADR 0021): it takes `resident.reveal` on the units searched
 * and a reason, is audited as a reveal (hits and misses: a miss is information too), and counts
 * against a per-user limit held in the database, so enumerating the hidden digits of a mask is
 * refused long before it gets anywhere.
 */
export class IdentifierSearchService {
  constructor(
    private readonly repo: ResidentsRepository,
    private readonly orgs: OrgsService,
    private readonly cipher: FieldCipher,
    private readonly audit: AuditLog,
    rate: RateCounter,
    limits: SearchLimits,
  ) {
    this.limit = new SearchLimit(rate, audit, limits, {
      key: 'identifier_search',
      code: 'identifier_search_limited',
      what: 'searches by phone or ID number',
    });
  }

  private readonly limit: SearchLimit;

  async search(ctx: Ctx, q: ResidentSearchRequest): Promise<ResidentSearchResponse> {
    const where = await searchScope(this.orgs, ctx.actor, 'resident.reveal', q.unitId);
    await this.limit.take(ctx, { field: q.field });
    const units = await this.orgs.unitsUnder(where.paths, ctx.actor.accessEpoch);
    const hashes =
      q.field === 'phone' ? phoneIndexes(this.cipher, q.value) : idNumberIndexes(this.cipher, q.value);
    const rows = await this.repo.findByIdentifier(q.field, hashes, units, RESIDENT_SEARCH_MAX + 1);
    // Audited like a reveal, with the reason; never the searched value, clear or hashed.
    return answerSearch(this.audit, ctx, where, rows, {
      action: 'resident.reveal',
      detail: { via: 'search', field: q.field, reason: q.reason },
      unitId: q.unitId,
    });
  }
}
