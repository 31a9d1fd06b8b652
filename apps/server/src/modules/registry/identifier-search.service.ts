import {
  RESIDENT_SEARCH_MAX,
  type IdentifierField,
  type ResidentSearchRequest,
  type ResidentSearchResponse,
} from '@civitas/contracts/registry';
import { assertCovers, grantsFor, scopePaths } from '../../platform/auth/access.js';
import type { Actor, Grant, RequestContext } from '../../platform/auth/actor.js';
import type { AuditLog } from '../../platform/audit/audit-log.js';
import type { FieldCipher } from '../../platform/crypto/field-cipher.js';
import { forbidden, tooManyRequests } from '../../platform/errors/errors.js';
import type { RateCount, RateCounter } from '../../platform/rate-limit/rate-counter.js';
import type { OrgsService } from '../orgs/orgs.service.js';
import { presentResident } from './registry.presenter.js';
import { idNumberIndexes, phoneIndexes } from './resident-sealing.js';
import type { ResidentsRepository } from './residents.repository.js';

type Ctx = RequestContext & { actor: Actor };

export interface IdentifierSearchLimits {
  /** Searches one user may make per window, hits and misses alike. */
  limit: number;
  windowMinutes: number;
}

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
    private readonly rate: RateCounter,
    private readonly limits: IdentifierSearchLimits,
  ) {}

  async search(ctx: Ctx, q: ResidentSearchRequest): Promise<ResidentSearchResponse> {
    // Where may this actor search? Checked before anything is counted or looked up: a request
    // refused here learned nothing, so it does not use up the caller's searches.
    const where = await this.scope(ctx.actor, q.unitId);
    const count = await this.rate.hit(this.key(ctx.actor), this.windowSeconds, this.limits.limit);
    if (!count.allowed) {
      await this.alertOnce(ctx, q.field, count);
      throw tooManyRequests(
        'identifier_search_limited',
        `At most ${this.limits.limit} searches by phone or ID number per ${this.limits.windowMinutes} minutes; ` +
          `try again in ${count.retryAfterSeconds} s.`,
        count.retryAfterSeconds,
      );
    }
    const units = await this.orgs.unitsUnder(where.paths, ctx.actor.accessEpoch);
    const hashes =
      q.field === 'phone' ? phoneIndexes(this.cipher, q.value) : idNumberIndexes(this.cipher, q.value);
    const rows = await this.repo.findByIdentifier(q.field, hashes, units, RESIDENT_SEARCH_MAX + 1);
    const found = rows.slice(0, RESIDENT_SEARCH_MAX);
    const ids = found.map((r) => r.id);
    // Written before anything is answered, like a reveal; never the searched value, clear or hashed.
    await this.audit.record(ctx, {
      action: 'resident.reveal',
      targetType: 'resident',
      ...(ids.length === 1 ? { targetId: ids[0] } : {}),
      targetUnitId: where.unitId,
      grant: where.grant,
      detail: {
        via: 'search',
        field: q.field,
        reason: q.reason,
        matched: ids.length,
        ids,
        ...(q.unitId ? { unitId: q.unitId } : {}),
      },
    });
    return { items: found.map(presentResident), truncated: rows.length > RESIDENT_SEARCH_MAX };
  }

  private async scope(
    actor: Actor,
    unitId: string | undefined,
  ): Promise<{ paths: string[]; unitId: string; grant: Grant }> {
    if (unitId) {
      // A unit the caller cannot see answers 404 (orgs.get); one they see without reveal, 403.
      const unit = await this.orgs.get(actor, unitId);
      const grant = assertCovers(actor, 'resident.reveal', unit.path, 'Org unit', false);
      return { paths: [unit.path], unitId: unit.id, grant };
    }
    const grant = grantsFor(actor, 'resident.reveal')[0];
    // The route requires resident.reveal, so a grant exists; this guards a caller outside HTTP.
    if (!grant) throw forbidden();
    return { paths: scopePaths(actor, 'resident.reveal'), unitId: grant.orgUnitId, grant };
  }

  private get windowSeconds(): number {
    return this.limits.windowMinutes * 60;
  }

  private key(actor: Actor): string {
    return `identifier_search:${actor.userId}`;
  }

  /**
   * One `security.alert` row per user and window, however long the burst: the first refusal of a
   * window writes it, later ones find the mark and stay quiet. The mark is a second counter, hit
   * only when an alert is about to be written, so two refusals at once write one row.
   */
  private async alertOnce(ctx: Ctx, field: IdentifierField, count: RateCount): Promise<void> {
    const key = `identifier_search_alert:${ctx.actor.userId}`;
    if (!(await this.rate.peek(key, this.windowSeconds, 1)).allowed) return;
    if ((await this.rate.hit(key, this.windowSeconds, 1)).count !== 1) return;
    await this.audit.record(ctx, {
      action: 'security.alert',
      targetType: 'user',
      targetId: ctx.actor.userId,
      targetUnitId: ctx.actor.grants[0]?.orgUnitId ?? null,
      detail: {
        kind: IDENTIFIER_SEARCH_ALERT,
        field,
        limit: this.limits.limit,
        windowMinutes: this.limits.windowMinutes,
        retryAfterSeconds: count.retryAfterSeconds,
      },
    });
  }
}
