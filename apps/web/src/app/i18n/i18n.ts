import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from './en.json';
import zhCN from './zh-CN.json';

export const languages = ['zh-CN', 'en'] as const;
export type Language = (typeof languages)[number];

const storageItem = 'civitas.lang';

function isLanguage(value: unknown): value is Language {
  return value === 'zh-CN' || value === 'en';
}

/** The language chosen in this browser, if any. */
function savedLanguage(): Language | null {
  try {
    const saved = localStorage.getItem(storageItem);
    return isLanguage(saved) ? saved : null;
  } catch {
    // Storage can be unavailable (private mode); the browser language still applies.
    return null;
  }
}

/** A saved choice wins; otherwise the browser's language, falling back to Chinese. */
export function initialLanguage(): Language {
  const saved = savedLanguage();
  if (saved) return saved;
  const preferred = navigator.languages.length > 0 ? navigator.languages : [navigator.language];
  for (const lang of preferred) {
    if (lang.toLowerCase().startsWith('zh')) return 'zh-CN';
    if (lang.toLowerCase().startsWith('en')) return 'en';
  }
  return 'zh-CN';
}

export function currentLanguage(): Language {
  return isLanguage(i18n.language) ? i18n.language : 'zh-CN';
}

export async function changeLanguage(lang: Language): Promise<void> {
  try {
    localStorage.setItem(storageItem, lang);
  } catch {
    // Not persisted, but the switch still applies to this page.
  }
  await i18n.changeLanguage(lang);
}

i18n.on('languageChanged', (lang) => {
  document.documentElement.lang = lang;
});

export async function initI18n(): Promise<void> {
  await i18n.use(initReactI18next).init({
    resources: { 'zh-CN': { translation: zhCN }, en: { translation: en } },
    lng: initialLanguage(),
    fallbackLng: 'zh-CN',
    supportedLngs: [...languages],
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  document.documentElement.lang = currentLanguage();
}
