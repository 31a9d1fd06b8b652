/** Durations arrive in seconds; people read hours and days. */
export function formatDuration(seconds: number | null, lang: string): string {
  if (seconds === null) return '—';
  const number = (value: number) => value.toLocaleString(lang, { maximumFractionDigits: 1 });
  if (seconds < 3600) return `${number(seconds / 60)} min`;
  if (seconds < 48 * 3600) return `${number(seconds / 3600)} h`;
  return `${number(seconds / 86_400)} d`;
}

export function formatRate(rate: number | null, lang: string): string {
  if (rate === null) return '—';
  return rate.toLocaleString(lang, { style: 'percent', maximumFractionDigits: 1 });
}

export function formatMean(mean: number | null, lang: string): string {
  if (mean === null) return '—';
  return mean.toLocaleString(lang, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

export function formatCount(count: number, lang: string): string {
  return count.toLocaleString(lang);
}

export type DurationUnit = 'min' | 'h' | 'd';
const UNIT_SECONDS: Record<DurationUnit, number> = { min: 60, h: 3600, d: 86_400 };

/**
 * One unit for a whole column (issue 11 §2): the one that suits its largest value, so figures
 * can be compared down the column without reading each cell's unit.
 */
export function durationUnitOf(values: readonly (number | null)[]): DurationUnit {
  const max = Math.max(0, ...values.filter((v): v is number => v !== null));
  if (max < 3600) return 'min';
  if (max < 48 * 3600) return 'h';
  return 'd';
}

/** A duration as a number in the column's unit (the unit is named in the column header). */
export function formatDurationIn(seconds: number | null, unit: DurationUnit, lang: string): string {
  if (seconds === null) return '—';
  return (seconds / UNIT_SECONDS[unit]).toLocaleString(lang, { maximumFractionDigits: 1 });
}
