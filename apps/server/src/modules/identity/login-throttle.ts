import type { RequestContext } from '../../platform/auth/actor.js';
import type { AuditLog } from '../../platform/audit/audit-log.js';
import { AppError } from '../../platform/errors/errors.js';
import type { RateCount, RateCounter } from '../../platform/rate-limit/rate-counter.js';
import { loginSource } from './login-source.js';

export interface LoginThrottleSettings {
  /** Attempts per (account, source) per minute before waits start (LOGIN_MAX_FAILURES). */
  maxFailures: number;
  /** Failures per hour from one source over all accounts (LOGIN_SOURCE_MAX_FAILURES). */
  sourceMaxFailures: number;
  /** Failures per hour on one account over all sources (LOGIN_ACCOUNT_MAX_FAILURES). */
  accountMaxFailures: number;
}

/** One admitted attempt: who, from where, and what it cost, for `failed` and `succeeded`. */
export interface LoginAttempt {
  /** The account as counted: its generation and lower-cased name (see `accountId`). */
  account: string;
  /** The name alone, for alerts. */
  username: string;
  source: string;
  tiers: { key: string; limit: number; count: number }[];
}

const HOUR = 3600;
// The allowance per (account, source) steps down as the window grows, so waits grow: N a minute,
// then 2N per quarter hour, then 4N per four hours (≈ 1 attempt per 12 s, 90 s, 12 min).
const LADDER = [
  { window: 60, factor: 1 },
  { window: 15 * 60, factor: 2 },
  { window: 4 * HOUR, factor: 4 },
] as const;

export const loginThrottled = (retryAfterSeconds: number) =>
  new AppError(429, 'login_throttled', 'Too many sign-in attempts from here; wait before trying again.', {
    headers: { 'retry-after': String(Math.max(1, retryAfterSeconds)) },
    body: { retryAfterSeconds: Math.max(1, retryAfterSeconds) },
  });

/**
 * Brute-force and credential-stuffing control for sign-in (ASVS 5.0 V6.1.1, V6.3.1; ADR 0022).
 * Counts live in the shared database counter, so they hold across processes. Nothing here can
 * lock an account: a source that failed waits, growing waits as it goes on; any other source
 * signs in as usual. Usernames that do not exist are counted the same way, so the answers never
 * tell which accounts exist.
 */
export class LoginThrottle {
  constructor(
    private readonly counter: RateCounter,
    private readonly audit: AuditLog,
    private readonly settings: LoginThrottleSettings,
  ) {}

  /**
   * Admits one attempt for (account, source) or refuses it with 429 while that pair must wait.
   * A refused attempt checks nothing and counts nothing. An admitted one is charged before the
   * password is looked at, atomically, so parallel guesses cannot slip past the count. Even the
   * right password is refused during the wait, or the wait would be no throttle at all.
   * `generation` is the account's `login_generation` (0 for names without an account): an
   * administrator's unlock moves it on, which starts every count on the account afresh (ADR 0044).
   */
  async admit(ip: string, username: string, generation = 0): Promise<LoginAttempt> {
    const name = username.trim().toLowerCase();
    const account = accountId(name, generation);
    const source = loginSource(ip);
    const s = this.settings;
    const [fromSource, onAccount] = await Promise.all([
      this.counter.peek(sourceKey(source), HOUR, s.sourceMaxFailures),
      this.counter.peek(accountKey(account), HOUR, s.accountMaxFailures),
    ]);
    if (!fromSource.allowed) throw loginThrottled(fromSource.retryAfterSeconds);
    // Under a distributed attack on the account every source gets one try a minute instead of N:
    // guessing slows with the attacker's number of addresses, and the owner still gets in.
    const first = onAccount.allowed ? s.maxFailures : 1;
    const tiers = LADDER.map((t, i) => ({
      key: pairKey(i, account, source),
      window: t.window,
      limit: i === 0 ? first : s.maxFailures * t.factor,
    }));
    // How long until one more attempt fits every window: peek asks exactly that (in whole
    // milliseconds, so a client that honours Retry-After is never refused for it).
    const wait = async () => {
      const waits = await Promise.all(tiers.map((t) => this.counter.peek(t.key, t.window, t.limit)));
      return waits.some((w) => !w.allowed) ? Math.max(...waits.map((w) => w.retryAfterSeconds)) : 0;
    };
    const before = await wait();
    if (before > 0) throw loginThrottled(before);
    const counts = await Promise.all(tiers.map((t) => this.counter.hit(t.key, t.window, t.limit)));
    // A parallel attempt took the last place first: this one is refused (and stays counted).
    if (counts.some((c) => !c.allowed)) throw loginThrottled(Math.max(1, await wait()));
    return {
      account,
      username: name,
      source,
      tiers: tiers.map((t, i) => ({ key: t.key, limit: t.limit, count: counts[i]!.count })),
    };
  }

  /** A wrong password or code: count it against the source and the account, alert once per hour. */
  async failed(ctx: RequestContext, a: LoginAttempt, userId: string | null): Promise<void> {
    const s = this.settings;
    const [fromSource, onAccount] = await Promise.all([
      this.counter.hit(sourceKey(a.source), HOUR, s.sourceMaxFailures),
      this.counter.hit(accountKey(a.account), HOUR, s.accountMaxFailures),
    ]);
    const crossed: { scope: 'account_source' | 'source' | 'account'; key: string }[] = [];
    // The pair's next attempt will have to wait: the threshold is crossed now.
    if (a.tiers.some((t) => t.count >= t.limit))
      crossed.push({ scope: 'account_source', key: `${a.source}|${a.account}` });
    if (reached(fromSource, s.sourceMaxFailures)) crossed.push({ scope: 'source', key: a.source });
    if (reached(onAccount, s.accountMaxFailures)) crossed.push({ scope: 'account', key: a.account });
    for (const c of crossed) {
      // One alert per scope and hour, however long the attack goes on.
      const first = await this.counter.hit(`login:alert:${c.scope}:${c.key}`, HOUR, 1);
      if (first.count !== 1) continue;
      await this.audit.record(ctx, {
        action: 'security.alert',
        ...(userId && c.scope !== 'source' ? { targetType: 'user', targetId: userId } : {}),
        detail: {
          kind: 'login_throttled',
          scope: c.scope,
          ...(c.scope !== 'source' ? { username: a.username } : {}),
          ...(c.scope !== 'account' ? { source: a.source } : {}),
        },
      });
    }
  }

  /** Signed in: this source's count on this account starts over (other counts stay). */
  async succeeded(a: LoginAttempt): Promise<void> {
    await Promise.all(a.tiers.map((t) => this.counter.reset(t.key)));
  }
}

const reached = (r: RateCount, limit: number) => r.count >= limit;
// Digits, then "|": the generation never holds "|", so no chosen name reaches another generation.
const accountId = (name: string, generation: number) => `${generation}|${name}`;
// The source comes first and never holds "|", so no chosen username can reach another pair's key.
const pairKey = (tier: number, account: string, source: string) => `login:${tier}:${source}|${account}`;
const sourceKey = (source: string) => `login:source:${source}`;
const accountKey = (account: string) => `login:account:${account}`;
