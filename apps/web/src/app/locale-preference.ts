import { endpoints } from '@civitas/contracts/endpoints';
import i18n from 'i18next';
import { useEffect } from 'react';
import { call } from './api-client';
import { currentLanguage, type Language } from './i18n/i18n';

function store(locale: Language) {
  // A preference: if it cannot be saved now, the page still reads in the chosen language, and the
  // next switch or sign-in saves it again.
  call(endpoints.auth.setLocale, { body: { locale } }).catch(() => undefined);
}

/**
 * Keeps the signed-in person's language on the server (ADR 0048), where channels that need text
 * read it: the language they read the web in, on signing in and whenever they switch. The page
 * never switches on its own to the account's language: what this browser shows is the last choice.
 */
export function useLocalePreference(signedInLocale: Language | null) {
  useEffect(() => {
    if (!signedInLocale) return;
    let stored = signedInLocale;
    const keep = (locale: Language) => {
      if (locale === stored) return;
      stored = locale;
      store(locale);
    };
    keep(currentLanguage());
    const onChange = () => keep(currentLanguage());
    i18n.on('languageChanged', onChange);
    return () => i18n.off('languageChanged', onChange);
  }, [signedInLocale]);
}
