import type { LocalizedName } from '@civitas/contracts/common';
import type { Language } from './i18n/i18n';

/** Unit names are stored in both languages; show the one the user reads. */
export function localizedName(name: LocalizedName, lang: string): string {
  return (lang as Language) === 'en' ? name.en : name['zh-CN'];
}

export function formatDateTime(iso: string | null, lang: string): string {
  if (!iso) return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString(lang);
}

/** A case's title for this reader: the system's in their language, or what a person wrote. */
export function caseTitle(c: { title: string; systemTitle?: LocalizedName | null }, lang: string): string {
  return c.systemTitle ? localizedName(c.systemTitle, lang) : c.title;
}
