import { endpoints } from '@civitas/contracts/endpoints';
import i18n from 'i18next';
import { useEffect } from 'react';
import { call } from './api-client';
import { changeLanguage, currentLanguage, savedLanguage, type Language } from './i18n/i18n';

function store(locale: Language) {
  // A preference: if it cannot be saved now, the page still reads in the chosen language, and the
  // next switch or sign-in saves it again.
  call(endpoints.auth.setLocale, { body: { locale } }).catch(() => undefined);
}

/**
 * Keeps the signed-in person's language on the server (ADR 0048), where channels that need text
 * read it: a browser without a choice of its own takes the account's; a choice made in this
 * browser, now or before signing in, is saved to the account.
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
    const saved = savedLanguage();
    if (!saved) void changeLanguage(signedInLocale);
    else keep(saved);
    const onChange = () => keep(currentLanguage());
    i18n.on('languageChanged', onChange);
    return () => i18n.off('languageChanged', onChange);
  }, [signedInLocale]);
}
