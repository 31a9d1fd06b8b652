import { endpoints } from '@civitas/contracts/endpoints';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { useCan } from '../../app/auth-context';
import { formatDateTime, localizedName } from '../../app/localized';
import { useUnits } from '../../app/unit-context';
import { usePageTitle } from '../../app/use-page-title';
import { useEndpoint } from '../../app/use-resource';
import { ErrorMessage } from '../../components/error-message';
import { Pager } from '../../components/pager';
import { StatusMessage } from '../../components/status-message';
import { ConnectivityBadge } from './connectivity-badge';
import { useProfiles } from './device-api';
import { DeviceFilters, emptyDeviceFilter, type DeviceFilter } from './device-filters';
import { reasonKey } from './device-refusals';
import { TableRegion } from '../../components/table-region';

const PAGE_SIZE = 20;

/** Devices of the chosen unit with their health: connectivity, last seen, errors. */
export function DevicesPage() {
  const { t, i18n } = useTranslation();
  const canWrite = useCan('device.write');
  const { selectedUnitId, unitsById } = useUnits();
  const profiles = useProfiles();
  const [filter, setFilter] = useState<DeviceFilter>(emptyDeviceFilter);
  const [paging, setPaging] = useState({ key: '', offset: 0 });
  usePageTitle(t('devices.title'));

  const filterKey = `${selectedUnitId ?? ''}|${JSON.stringify(filter)}`;
  const offset = paging.key === filterKey ? paging.offset : 0;
  const devices = useEndpoint(endpoints.devices.list, {
    query: {
      unitId: selectedUnitId ?? undefined,
      profile: filter.profile || undefined,
      connectivity: filter.connectivity || undefined,
      q: filter.q || undefined,
      limit: PAGE_SIZE,
      offset,
    },
  });
  const unit = selectedUnitId ? unitsById.get(selectedUnitId) : undefined;
  const profileName = (code: string) => {
    const p = profiles.get(code);
    return p ? localizedName(p.name, i18n.language) : code;
  };

  return (
    <>
      <h1>{t('devices.title')}</h1>
      {unit && <p>{t('devices.inUnit', { unit: localizedName(unit.name, i18n.language) })}</p>}
      <ul className="link-row">
        <li>
          <Link to="/devices/map">{t('nav.deviceMap')}</Link>
        </li>
        {canWrite && (
          <li>
            <Link to="/devices/import">{t('nav.deviceImport')}</Link>
          </li>
        )}
      </ul>
      <DeviceFilters profiles={[...profiles.values()]} onApply={setFilter} />
      <StatusMessage>
        {devices.loading
          ? t('common.loading')
          : devices.data
            ? t('devices.count', { count: devices.data.total })
            : ''}
      </StatusMessage>
      <ErrorMessage error={devices.error} />
      <TableRegion label={t('devices.caption')}>
        <table data-testid="devices-table">
          <caption>{t('devices.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('devices.code')}</th>
              <th scope="col">{t('devices.name')}</th>
              <th scope="col">{t('devices.profile')}</th>
              <th scope="col">{t('devices.connectivityLabel')}</th>
              <th scope="col">{t('devices.lastSeen')}</th>
              <th scope="col">{t('devices.errorCount')}</th>
              <th scope="col">{t('devices.lastError')}</th>
            </tr>
          </thead>
          <tbody>
            {devices.data?.items.map((d) => (
              <tr key={d.id} data-device-id={d.id}>
                <th scope="row">
                  <Link to={`/devices/${d.id}`}>{d.code}</Link>
                </th>
                <td>{d.name}</td>
                <td>{profileName(d.profileCode)}</td>
                <td>
                  <ConnectivityBadge connectivity={d.connectivity} />
                </td>
                <td>{d.lastSeenAt ? formatDateTime(d.lastSeenAt, i18n.language) : t('common.never')}</td>
                <td data-testid="error-count">{d.errorCount}</td>
                <td>
                  {d.lastError ? (
                    <>
                      {/* The reason in the reader's language; the English detail is on the device page. */}
                      {d.lastErrorReason ? t(reasonKey(d.lastErrorReason)) : t('device.reasons.other')}
                      {d.lastErrorAt && (
                        <span className="muted"> · {formatDateTime(d.lastErrorAt, i18n.language)}</span>
                      )}
                    </>
                  ) : (
                    '—'
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableRegion>
      {devices.data && (
        <Pager
          total={devices.data.total}
          limit={PAGE_SIZE}
          offset={offset}
          onChange={(next) => setPaging({ key: filterKey, offset: next })}
        />
      )}
    </>
  );
}
