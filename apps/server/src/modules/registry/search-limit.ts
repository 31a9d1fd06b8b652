import type { Actor, RequestContext } from '../../platform/auth/actor.js';
import type { AuditLog } from '../../platform/audit/audit-log.js';
import type { CodeWithStatus } from '@civitas/contracts/errors';
import { tooManyRequests } from '../../platform/errors/errors.js';
import type { RateCounter } from '../../platform/rate-limit/rate-counter.js';

type Ctx = RequestContext & { actor: Actor };

export interface SearchLimits {
  /** Searches one user may make per window, hits and misses alike. */
  limit: number;
  windowMinutes: number;
}

/**
 * A per-user budget of searches held in the shared rate counter (ADR 0036), so it holds across
 * processes: identifier searches (ADR 0021) and name searches (ADR 0045) each have one. Past it
 * the search is refused with 429 before any lookup, and the first refusal of a window writes one
 * `security.alert` row: a second counter, hit only when an alert is about to be written, marks
 * it, so a burst (or two refusals at once) writes one row and an enumeration one per window.
 */
export class SearchLimit {
  constructor(
    private readonly rate: RateCounter,
    private readonly audit: AuditLog,
    private readonly limits: SearchLimits,
    private readonly kind: {
      /** Rate-counter key prefix, and the alert's `detail.kind` with `_limit` appended. */
      key: string;
      code: CodeWithStatus<429>;
      /** What is limited, for the English detail: "searches by name". */
      what: string;
    },
  ) {}

  /** Counts one search of this actor, or refuses it (429) once the window's budget is used. */
  async take(ctx: Ctx, alertDetail: Record<string, unknown>): Promise<void> {
    const count = await this.rate.hit(
      `${this.kind.key}:${ctx.actor.userId}`,
      this.windowSeconds,
      this.limits.limit,
    );
    if (count.allowed) return;
    await this.alertOnce(ctx, { ...alertDetail, retryAfterSeconds: count.retryAfterSeconds });
    throw tooManyRequests(
      this.kind.code,
      `At most ${this.limits.limit} ${this.kind.what} per ${this.limits.windowMinutes} minutes; ` +
        `try again in ${count.retryAfterSeconds} s.`,
      count.retryAfterSeconds,
    );
  }

  /** The `detail.kind` of the `security.alert` row written when a user reaches the limit. */
  get alertKind(): string {
    return `${this.kind.key}_limit`;
  }

  private get windowSeconds(): number {
    return this.limits.windowMinutes * 60;
  }

  private async alertOnce(ctx: Ctx, detail: Record<string, unknown>): Promise<void> {
    const key = `${this.kind.key}_alert:${ctx.actor.userId}`;
    if (!(await this.rate.peek(key, this.windowSeconds, 1)).allowed) return;
    if ((await this.rate.hit(key, this.windowSeconds, 1)).count !== 1) return;
    await this.audit.record(ctx, {
      action: 'security.alert',
      targetType: 'user',
      targetId: ctx.actor.userId,
      targetUnitId: ctx.actor.grants[0]?.orgUnitId ?? null,
      detail: {
        kind: this.alertKind,
        ...detail,
        limit: this.limits.limit,
        windowMinutes: this.limits.windowMinutes,
      },
    });
  }
}
