/** The periods the metrics page offers; the cohort is the cases submitted in [from, to). */
export const periodKinds = ['30d', 'month', '90d', 'year', 'custom'] as const;
export type PeriodKind = (typeof periodKinds)[number];

export interface Period {
  kind: PeriodKind;
  /** Inclusive calendar days (YYYY-MM-DD) of a custom period. */
  customFrom: string;
  customTo: string;
}

export interface PeriodRange {
  from: string;
  to: string;
}

const DAY_MS = 86_400_000;

function isoDay(date: Date): string {
  const y = date.getFullYear();
  const m = String(date.getMonth() + 1).padStart(2, '0');
  const d = String(date.getDate()).padStart(2, '0');
  return `${y}-${m}-${d}`;
}

function localMidnight(day: string): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) return null;
  const date = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return Number.isNaN(date.getTime()) ? null : date;
}

export function defaultPeriod(now: Date): Period {
  return { kind: '30d', customFrom: isoDay(new Date(now.getTime() - 30 * DAY_MS)), customTo: isoDay(now) };
}

/**
 * Calendar periods follow the user's own calendar (a month starts at local midnight); the server
 * receives instants. `now` is fixed when the period is chosen so the query stays stable.
 * Returns null for a custom period that is incomplete or backwards.
 */
export function periodRange(period: Period, now: Date): PeriodRange | null {
  switch (period.kind) {
    case '30d':
      // The default (issue 11 §2): a rolling month, never the few days a calendar month has begun.
      return { from: new Date(now.getTime() - 30 * DAY_MS).toISOString(), to: now.toISOString() };
    case 'month':
      return { from: new Date(now.getFullYear(), now.getMonth(), 1).toISOString(), to: now.toISOString() };
    case '90d':
      return { from: new Date(now.getTime() - 90 * DAY_MS).toISOString(), to: now.toISOString() };
    case 'year':
      return { from: new Date(now.getFullYear(), 0, 1).toISOString(), to: now.toISOString() };
    case 'custom': {
      const from = localMidnight(period.customFrom);
      const last = localMidnight(period.customTo);
      if (!from || !last || last < from) return null;
      // The last chosen day is included: the range ends at the following midnight.
      const to = new Date(last.getFullYear(), last.getMonth(), last.getDate() + 1);
      return { from: from.toISOString(), to: to.toISOString() };
    }
  }
}
