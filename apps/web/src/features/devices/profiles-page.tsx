import { endpoints } from '@civitas/contracts/endpoints';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { localizedName } from '../../app/localized';
import { usePageTitle } from '../../app/use-page-title';
import { useEndpoint } from '../../app/use-resource';
import { ErrorMessage } from '../../components/error-message';
import { TableRegion } from '../../components/table-region';
import { ProfileImport } from './profile-import';

/** Device profiles: every profile of the installation; defining ones is for root-level administrators. */
export function ProfilesPage() {
  const { t, i18n } = useTranslation();
  usePageTitle(t('deviceProfiles.title'));
  const [refresh, setRefresh] = useState(0);
  const { data, error } = useEndpoint(endpoints.devices.profiles, {}, refresh);
  // Read once: the import panel must not unmount (and lose its report) while the list reloads.
  const canDefine = useEndpoint(endpoints.devices.profiles, {}).data?.canDefine === true;
  return (
    <>
      <h1>{t('deviceProfiles.title')}</h1>
      <p>{t('deviceProfiles.intro')}</p>
      {canDefine && (
        <p>
          <Link to="/devices/profiles/new" className="button">
            {t('deviceProfiles.new')}
          </Link>{' '}
          <a href={`${endpoints.devices.profileExport.path}`} download="device-profiles.json">
            {t('deviceProfiles.export')}
          </a>
        </p>
      )}
      <ErrorMessage error={error} />
      {data && (
        <TableRegion label={t('deviceProfiles.caption', { count: data.items.length })}>
          <table data-testid="profiles-table">
            <caption>{t('deviceProfiles.caption', { count: data.items.length })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('deviceProfiles.code')}</th>
                <th scope="col">{t('deviceProfiles.name')}</th>
                <th scope="col">{t('deviceProfiles.entityType')}</th>
                <th scope="col">{t('deviceProfiles.metricCount')}</th>
                <th scope="col">{t('deviceProfiles.deviceCount')}</th>
                <th scope="col">{t('deviceProfiles.state')}</th>
              </tr>
            </thead>
            <tbody>
              {data.items.map((p) => (
                <tr key={p.id}>
                  <td>
                    <Link to={`/devices/profiles/${p.id}`}>{p.code}</Link>
                  </td>
                  <td>{localizedName(p.name, i18n.language)}</td>
                  <td>{p.entityType}</td>
                  <td>{p.metrics.length}</td>
                  <td>{p.deviceCount}</td>
                  <td>
                    {p.builtin
                      ? t('deviceProfiles.builtin')
                      : p.retiredAt
                        ? t('deviceProfiles.retired')
                        : t('deviceProfiles.active')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableRegion>
      )}
      {canDefine && <ProfileImport onApplied={() => setRefresh((n) => n + 1)} />}
    </>
  );
}
