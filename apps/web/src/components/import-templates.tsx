import { useTranslation } from 'react-i18next';
import { endpoints } from '@civitas/contracts/endpoints';
import { urlOf } from '../app/api-client';
import type { ImportKind } from './import-preview';

const languages = ['zh-CN', 'en'] as const;
const formats = ['xlsx', 'csv'] as const;

/** Empty registers to fill in, headed in either language, as a workbook or a CSV. */
export function ImportTemplates({ kind }: { kind: ImportKind }) {
  const { t } = useTranslation();
  return (
    <nav aria-label={t('import.templates.title')} className="import-templates">
      <h2>{t('import.templates.title')}</h2>
      <ul>
        {languages.map((lang) =>
          formats.map((format) => (
            <li key={`${lang}-${format}`}>
              <a href={urlOf(endpoints[kind].importTemplate, { query: { lang, format } })} download>
                {t(`import.templates.${format}`, { language: t(`import.templates.lang.${lang}`) })}
              </a>
            </li>
          )),
        )}
      </ul>
    </nav>
  );
}
