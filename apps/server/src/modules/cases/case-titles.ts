import type { LocalizedName } from '@civitas/contracts/common';

/**
 * Titles the system writes (ADR 0048). A case keeps the code (`cases.title_code`) and renders the
 * title for each reader from it and the case's category, so a patrol finding entered by a worker
 * using English still reads in Chinese to the resident and the street office.
 */
export const caseTitleCodes = ['category', 'sensor_alarm'] as const;
export type CaseTitleCode = (typeof caseTitleCodes)[number];

export function isCaseTitleCode(value: unknown): value is CaseTitleCode {
  return (caseTitleCodes as readonly unknown[]).includes(value);
}

const templates: Record<CaseTitleCode, (category: LocalizedName) => LocalizedName> = {
  category: (c) => c,
  sensor_alarm: (c) => ({ 'zh-CN': `${c['zh-CN']}（传感器告警）`, en: `${c.en} (sensor alarm)` }),
};

export interface TitledCase {
  title: string;
  title_code: string | null;
  category_name_zh: string;
  category_name_en: string;
}

/** The title in each language when the system wrote it; null when a person did. */
export function systemTitle(c: TitledCase): LocalizedName | null {
  if (!isCaseTitleCode(c.title_code)) return null;
  return templates[c.title_code]({ 'zh-CN': c.category_name_zh, en: c.category_name_en });
}

/** What a message about the case names it by: the system's title per language, or the person's. */
export function titleParam(c: TitledCase): string | LocalizedName {
  return systemTitle(c) ?? c.title;
}

/** The stored text of a system title: the installation's first language, for integrators. */
export function storedSystemTitle(code: CaseTitleCode, category: { name_zh: string; name_en: string }) {
  return templates[code]({ 'zh-CN': category.name_zh, en: category.name_en })['zh-CN'];
}

/** A submission with its title settled: the person's text, or the stored text of the system's. */
export type Titled<T> = Omit<T, 'title'> & { title: string; titleCode: CaseTitleCode | null };

export function withTitle<T extends { title: string | { code: CaseTitleCode } }>(
  input: T,
  category: { name_zh: string; name_en: string },
): Titled<T> {
  const { title } = input;
  return typeof title === 'string'
    ? { ...input, title, titleCode: null }
    : { ...input, title: storedSystemTitle(title.code, category), titleCode: title.code };
}
