import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { changeLanguage, currentLanguage, languages, type Language } from '../app/i18n/i18n';

const labels: Record<Language, string> = { 'zh-CN': '中文', en: 'English' };

export function LanguageSwitcher() {
  const { t, i18n } = useTranslation();
  const id = useId();
  const lang = i18n.language === 'en' ? 'en' : currentLanguage();
  return (
    <div className="field-inline">
      <label htmlFor={id}>{t('shell.language')}</label>
      <select
        id={id}
        value={lang}
        onChange={(e) => void changeLanguage(e.target.value as Language)}
        data-testid="language-switcher"
      >
        {languages.map((l) => (
          <option key={l} value={l} lang={l}>
            {labels[l]}
          </option>
        ))}
      </select>
    </div>
  );
}
