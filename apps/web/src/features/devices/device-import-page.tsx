import { useTranslation } from 'react-i18next';
import { usePageTitle } from '../../app/use-page-title';
import { CsvImportPanel } from '../../components/csv-import-panel';
import { ImportTokens } from './import-tokens';

export function DeviceImportPage() {
  const { t } = useTranslation();
  usePageTitle(t('deviceImport.title'));
  return (
    <>
      <h1>{t('deviceImport.title')}</h1>
      <p id="device-import-help">{t('deviceImport.help')}</p>
      <CsvImportPanel
        kind="devices"
        helpId="device-import-help"
        afterReport={(job) => <ImportTokens key={job.id} job={job} />}
      />
    </>
  );
}
