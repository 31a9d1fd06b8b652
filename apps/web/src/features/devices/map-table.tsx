import { Link } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import type { MapCell, MapDevice } from '@civitas/contracts/devices';
import { colourFor } from './map-colours';

/** Rows listed at most; zooming in narrows the list like it narrows the map. */
const MAX_ROWS = 200;

interface MapTableProps {
  mode: 'cells' | 'devices';
  cells: MapCell[];
  devices: MapDevice[];
  describeValue: (metric: string | null, value: number | null, profileCode: string | null) => string;
  profileName: (code: string) => string;
}

/** What the map shows, as a table: the keyboard and screen-reader way to read the map. */
export function MapTable({ mode, cells, devices, describeValue, profileName }: MapTableProps) {
  const { t } = useTranslation();
  const level = (metric: string | null, value: number | null, online: boolean) => {
    const key = colourFor(metric, value, online).levelKey;
    return key ? t(key) : '—';
  };
  if (mode === 'cells') {
    const rows = [...cells].sort((a, b) => b.count - a.count).slice(0, MAX_ROWS);
    const caption = t('map.cellsCaption', { shown: rows.length, count: cells.length });
    // The list scrolls on its own, so it takes focus to scroll by keyboard (WCAG 2.1.1).
    return (
      <div className="table-wrap" tabIndex={0} role="region" aria-label={caption}>
        <table data-testid="map-table" data-mode="cells">
          <caption>{caption}</caption>
          <thead>
            <tr>
              <th scope="col">{t('map.area')}</th>
              <th scope="col">{t('map.devices')}</th>
              <th scope="col">{t('map.online')}</th>
              <th scope="col">{t('map.reading')}</th>
              <th scope="col">{t('map.levelLabel')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((c) => {
              const metric = c.worstAqi !== null ? 'aqi' : c.metric;
              const value = c.worstAqi ?? c.meanValue;
              return (
                <tr key={c.h3}>
                  <th scope="row">
                    {c.lat.toFixed(4)}, {c.lng.toFixed(4)}
                  </th>
                  <td>{c.count}</td>
                  <td>{c.online}</td>
                  <td>
                    {c.worstAqi !== null
                      ? t('map.worstAqi', { value: c.worstAqi })
                      : describeValue(metric, value, c.profileCode)}
                  </td>
                  <td>{level(metric, value, c.online > 0)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    );
  }
  const rows = devices.slice(0, MAX_ROWS);
  const caption = t('map.devicesCaption', { shown: rows.length, count: devices.length });
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label={caption}>
      <table data-testid="map-table" data-mode="devices">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('devices.code')}</th>
            <th scope="col">{t('devices.profile')}</th>
            <th scope="col">{t('devices.connectivityLabel')}</th>
            <th scope="col">{t('map.reading')}</th>
            <th scope="col">{t('map.levelLabel')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((d) => (
            <tr key={d.id} data-device-id={d.id}>
              <th scope="row">
                <Link to={`/devices/${d.id}`}>{d.code}</Link>
              </th>
              <td>{profileName(d.profileCode)}</td>
              <td>{t(`devices.connectivity.${d.connectivity}`)}</td>
              <td data-testid="map-value">{describeValue(d.metric, d.value, d.profileCode)}</td>
              <td>{level(d.metric, d.value, d.connectivity === 'active')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
