/**
 * Masks shown wherever a full value is not needed (PIPL minimum necessary; ASVS 14.2.6).
 * Chinese practice: keep the surname, keep the first 3 and last 4 digits of a phone.
 */
export function maskName(name: string): string {
  const chars = [...name.trim()];
  if (chars.length <= 1) return '*';
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars[chars.length - 1]}`;
}

export function maskPhone(phone: string): string {
  const d = phone.replace(/\D/g, '');
  if (d.length <= 6) return `${'*'.repeat(Math.max(0, d.length - 2))}${d.slice(-2)}`;
  return `${d.slice(0, 3)}${'*'.repeat(d.length - 7)}${d.slice(-4)}`;
}

export function maskIdNumber(id: string): string {
  return `${id.slice(0, 4)}${'*'.repeat(Math.max(0, id.length - 8))}${id.slice(-4)}`;
}

/** Normal forms for the blind index, so "138 0013 8000" and "13800138000" match. */
export const normalizePhone = (p: string) => p.replace(/[^\d+]/g, '').replace(/^\+?86(?=1\d{10}$)/, '');
export const normalizeIdNumber = (id: string) => id.trim().toUpperCase();
