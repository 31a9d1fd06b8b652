import { o311BadRequest } from './open311.errors.js';

const DAY = 86_400_000;
/** GeoReport v2 "GET Service Requests": at most 90 days, the most recent 90 by default, 1,000 rows. */
export const MAX_WINDOW_MS = 90 * DAY;
export const MAX_REQUESTS = 1000;

const W3C = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|([+-])(\d{2}):(\d{2}))$/;

/**
 * A date-time in the spec's W3C profile of ISO 8601 ("Date/time format"): the time zone, Z or
 * ±hh:mm, is required, and every field must be a real calendar value.
 */
export function parseW3cDate(s: string, name: string): Date {
  const m = W3C.exec(s);
  const bad = () =>
    o311BadRequest(
      `${name} must be a W3C date-time with a time zone, e.g. 2026-03-01T00:00:00Z; got "${s}".`,
    );
  if (!m) throw bad();
  const [y, mo, d, h, mi, se] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const fraction = m[7] ? Math.floor(Number(m[7]) * 1000) : 0;
  const day = new Date(Date.UTC(y, mo - 1, d));
  if (day.getUTCFullYear() !== y || day.getUTCMonth() !== mo - 1 || day.getUTCDate() !== d) throw bad();
  if (h > 23 || mi > 59 || se > 59) throw bad();
  let offset = 0;
  if (m[8] !== 'Z') {
    const [oh, om] = [Number(m[10]), Number(m[11])];
    if (oh > 14 || om > 59) throw bad();
    offset = (m[9] === '-' ? -1 : 1) * (oh * 60 + om) * 60_000;
  }
  return new Date(Date.UTC(y, mo - 1, d, h, mi, se, fraction) - offset);
}

/** The requested_datetime window: both ends given, one end plus 90 days, or the last 90 days. */
export function dateWindow(start: string | undefined, end: string | undefined, now: Date) {
  const from = start ? parseW3cDate(start, 'start_date') : undefined;
  const to = end ? parseW3cDate(end, 'end_date') : undefined;
  if (from && to) {
    if (from > to) throw o311BadRequest('start_date is after end_date.');
    if (to.getTime() - from.getTime() > MAX_WINDOW_MS)
      throw o311BadRequest('start_date and end_date may be at most 90 days apart.');
    return { from, to };
  }
  if (from) return { from, to: new Date(from.getTime() + MAX_WINDOW_MS) };
  if (to) return { from: new Date(to.getTime() - MAX_WINDOW_MS), to };
  return { from: new Date(now.getTime() - MAX_WINDOW_MS), to: now };
}

/** A comma-delimited argument ("can be declared multiple times, comma delimited"), blanks dropped. */
export function commaList(v: string | undefined): string[] | undefined {
  const items = v
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return items && items.length > 0 ? [...new Set(items)] : undefined;
}
