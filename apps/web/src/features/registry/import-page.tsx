import { useTranslation } from 'react-i18next';
import { usePageTitle } from '../../app/use-page-title';
import { CsvImportPanel } from '../../components/csv-import-panel';

export function ImportPage() {
  const { t } = useTranslation();
  usePageTitle(t('import.title'));
  return (
    <>
      <h1>{t('import.title')}</h1>
      <p id="import-help">{t('import.help')}</p>
      <CsvImportPanel kind="residents" helpId="import-help" />
    </>
  );
}
