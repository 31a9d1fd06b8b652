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
