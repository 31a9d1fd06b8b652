import type { LiveMessage } from '@civitas/contracts/devices';
import { endpoints } from '@civitas/contracts/endpoints';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { primaryValue } from '@civitas/contracts/air-quality';
import type { MapCell, MapDevice } from '@civitas/contracts/devices';
import { localizedName } from '../../app/localized';
import { useUnits } from '../../app/unit-context';
import { usePageTitle } from '../../app/use-page-title';
import { useEndpoint } from '../../app/use-resource';
import { ErrorMessage } from '../../components/error-message';
import { StatusMessage } from '../../components/status-message';
import { useProfiles } from './device-api';
import { DeviceMapView } from './device-map-view';
import { MapLegend } from './map-legend';
import { metricLabel } from './metric-label';
import { MapTable } from './map-table';
import { liveStateKey, useLiveEvents } from './use-live-events';

/** Live readings since the last answer, by device: sources and connectivity. */
type LivePatch = Record<
  string,
  { sources: Record<string, number | null>; connectivity: MapDevice['connectivity'] }
>;

/** Cells are summed on the server; while zoomed out, live events only ask for a fresh answer. */
const CELL_REFRESH_MS = 5000;

export default function DeviceMapPage() {
  const { t, i18n } = useTranslation();
  const { selectedUnitId, unitsById, loading: unitsLoading } = useUnits();
  const profiles = useProfiles();
  const config = useEndpoint(endpoints.system.publicConfig, {});
  const [view, setView] = useState<{ bbox: string; zoom: number } | null>(null);
  const [profile, setProfile] = useState('');
  const [live, setLive] = useState<{ key: string; patch: LivePatch }>({ key: '', patch: {} });
  usePageTitle(t('map.title'));

  const unit = selectedUnitId ? unitsById.get(selectedUnitId) : undefined;
  const asked = view
    ? { bbox: view.bbox, zoom: view.zoom, unitId: selectedUnitId ?? undefined, profile: profile || undefined }
    : null;
  const path = asked ? JSON.stringify(asked) : null;
  const answer = useEndpoint(endpoints.telemetry.map, asked ? { query: asked } : null);
  const data = answer.data;
  const patchKey = `${path ?? ''}|${data ? 'loaded' : ''}`;
  const patch = useMemo(() => (live.key === patchKey ? live.patch : {}), [live, patchKey]);

  const onView = useCallback((bbox: string, zoom: number) => {
    setView((cur) => (cur && cur.bbox === bbox && cur.zoom === zoom ? cur : { bbox, zoom }));
  }, []);

  const devices = useMemo(
    () =>
      (data?.devices ?? []).map((d) => {
        const p = patch[d.id];
        if (!p) return d;
        const sources = { ...d.sources, ...p.sources };
        return {
          ...d,
          sources,
          connectivity: p.connectivity,
          value: primaryValue(d.profileCode, sources) ?? d.value,
        };
      }),
    [data, patch],
  );

  const reloadRef = useRef(answer.reload);
  const refreshTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => {
    reloadRef.current = answer.reload;
  }, [answer.reload]);
  useEffect(
    () => () => {
      if (refreshTimer.current) clearTimeout(refreshTimer.current);
    },
    [],
  );
  const shownIds = useMemo(() => new Set((data?.devices ?? []).map((d) => d.id)), [data]);
  const mode = data?.mode ?? null;

  const onLive = useCallback(
    (m: LiveMessage) => {
      if (mode === 'cells') {
        if (!refreshTimer.current)
          refreshTimer.current = setTimeout(() => {
            refreshTimer.current = null;
            reloadRef.current();
          }, CELL_REFRESH_MS);
        return;
      }
      if (!shownIds.has(m.data.deviceId)) return;
      setLive((cur) => {
        const base = cur.key === patchKey ? cur.patch : {};
        const old = base[m.data.deviceId] ?? { sources: {}, connectivity: 'active' as const };
        let next = old;
        if (m.type === 'telemetry.stored') {
          const sources = { ...old.sources };
          for (const r of m.data.readings) if (typeof r.value === 'number') sources[r.metric] = r.value;
          next = { sources, connectivity: 'active' };
        } else if (m.type === 'device.active') next = { ...old, connectivity: 'active' };
        else if (m.type === 'device.inactive') next = { ...old, connectivity: 'inactive' };
        else return cur;
        return { key: patchKey, patch: { ...base, [m.data.deviceId]: next } };
      });
    },
    [mode, shownIds, patchKey],
  );
  const liveState = useLiveEvents(onLive, selectedUnitId);

  const profileName = useCallback(
    (code: string) => {
      const p = profiles.get(code);
      return p ? localizedName(p.name, i18n.language) : code;
    },
    [profiles, i18n.language],
  );
  const describeValue = useCallback(
    (metric: string | null, value: number | null, profileCode: string | null) =>
      metric === null || value === null
        ? t('map.noValue')
        : t('map.value', {
            metric:
              metric === 'aqi'
                ? 'AQI'
                : metricLabel(profileCode ? profiles.get(profileCode) : null, metric, i18n.language),
            value: value.toLocaleString(i18n.language, { maximumFractionDigits: 2 }),
          }),
    [t, i18n.language, profiles],
  );
  const describeCell = useCallback(
    (c: MapCell) =>
      t('map.cellSummary', {
        count: c.count,
        online: c.online,
        value:
          c.worstAqi !== null
            ? t('map.worstAqi', { value: c.worstAqi })
            : describeValue(c.metric, c.meanValue, c.profileCode),
      }),
    [t, describeValue],
  );
  const describeDevice = useCallback(
    (d: MapDevice) =>
      `${d.code} · ${profileName(d.profileCode)} · ${t(`devices.connectivity.${d.connectivity}`)} · ${describeValue(d.metric, d.value, d.profileCode)}`,
    [t, profileName, describeValue],
  );

  return (
    <>
      <h1>{t('map.title')}</h1>
      {unit && <p>{t('devices.inUnit', { unit: localizedName(unit.name, i18n.language) })}</p>}
      <p className="hint" id="map-help">
        {t('map.help')}
      </p>
      <div className="form-row">
        <div className="field">
          <label htmlFor="map-profile">{t('devices.profile')}</label>
          <select id="map-profile" value={profile} onChange={(e) => setProfile(e.target.value)}>
            <option value="">{t('devices.anyProfile')}</option>
            {[...profiles.values()].map((p) => (
              <option key={p.code} value={p.code}>
                {localizedName(p.name, i18n.language)}
              </option>
            ))}
          </select>
        </div>
      </div>
      <p className="live-status" data-testid="live-status" data-state={liveState}>
        {t(liveStateKey(liveState))}
      </p>
      <StatusMessage>
        {answer.loading && !data
          ? t('common.loading')
          : data
            ? data.mode === 'cells'
              ? t('map.cellsShown', { cells: data.cells.length, count: data.total })
              : t('map.devicesShown', { count: data.total })
            : ''}
      </StatusMessage>
      <ErrorMessage error={answer.error} />
      <div
        className="map-layout"
        data-testid="device-map-layout"
        data-mode={data?.mode ?? ''}
        data-zoom={view?.zoom ?? ''}
        data-total={data?.total ?? ''}
        data-loading={answer.loading ? 'true' : 'false'}
      >
        <section aria-labelledby="map-heading" className="panel map-panel">
          <h2 id="map-heading" className="visually-hidden">
            {t('map.mapHeading')}
          </h2>
          {/* The first view is the selected unit's outline, so the map waits for the units. */}
          {(config.data || config.error) && !unitsLoading && (
            <DeviceMapView
              tileUrl={config.data?.tileUrl ?? null}
              tileAttribution={config.data?.tileAttribution ?? null}
              fitTo={unit?.boundary ?? null}
              cells={data?.cells ?? []}
              devices={devices}
              onView={onView}
              describeCell={describeCell}
              describeDevice={describeDevice}
            />
          )}
          <MapLegend />
        </section>
        <section aria-labelledby="map-list-heading" className="panel map-list-panel">
          <h2 id="map-list-heading">{t('map.listHeading')}</h2>
          {data && (
            <MapTable
              mode={data.mode}
              cells={data.cells}
              devices={devices}
              describeValue={describeValue}
              profileName={profileName}
            />
          )}
        </section>
      </div>
    </>
  );
}
