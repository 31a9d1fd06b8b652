/**
 * Masks shown wherever a full value is not needed (PIPL minimum necessary; ASVS 14.2.6).
 * Chinese practice: keep the surname, keep the first 3 and last 4 digits of a phone or an ID
 * number. Masks are judged together with everything shown beside them (ADR 0021): the ID mask
 * hides the birth date and the region below the province, so a listing shows only the birth year.
 */
export function maskName(name: string): string {
  const chars = [...name.trim()];
  if (chars.length <= 1) return '*';
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars[chars.length - 1]}`;
}

/** Masks the normal form, so "+86 138…" and "138…" of one person show the same mask. */
export function maskPhone(phone: string): string {
  const d = normalizePhone(phone).replace(/\D/g, '');
  if (d.length <= 6) return `${'*'.repeat(Math.max(0, d.length - 2))}${d.slice(-2)}`;
  return `${d.slice(0, 3)}${'*'.repeat(d.length - 7)}${d.slice(-4)}`;
}

/** The first character of the local part and the whole domain: a***@example.org. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  return `${[...local][0] ?? ''}***@${domain}`;
}

/** GB 11643: characters 4-6 are the county, 7-14 the birth date; neither shows. */
export function maskIdNumber(id: string): string {
  return `${id.slice(0, 3)}${'*'.repeat(Math.max(0, id.length - 7))}${id.slice(-4)}`;
}

/** The birth year only: the full date is the middle of the ID number (reveal it when needed). */
export function maskBirthDate(date: string): string {
  return `${date.slice(0, 4)}-**-**`;
}

/** Normal forms for the blind index, so "138 0013 8000" and "13800138000" match. */
export const normalizePhone = (p: string) => p.replace(/[^\d+]/g, '').replace(/^\+?86(?=1\d{10}$)/, '');
export const normalizeIdNumber = (id: string) => id.trim().toUpperCase();
