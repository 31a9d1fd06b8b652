import type { LiveMessage } from '@civitas/contracts/devices';
import { endpoints } from '@civitas/contracts/endpoints';
import { useCallback, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../app/api-client';
import { formatDateTime, localizedName } from '../../app/localized';
import { usePageTitle } from '../../app/use-page-title';
import { useEndpoint } from '../../app/use-resource';
import { ErrorMessage } from '../../components/error-message';
import { StatusMessage } from '../../components/status-message';
import { NotFoundPage } from '../../app/not-found-page';
import { ConnectivityBadge } from './connectivity-badge';
import { useProfiles, type DeviceDetail, type LiveReading } from './device-api';
import { DeviceAttributesPanel } from './device-attributes';
import { DeviceCommands } from './device-commands';
import { DeviceRefusals } from './device-refusals';
import { DeviceEvents, type DeviceEvent } from './device-events';
import { LatestState, mergeStates } from './latest-state';
import { SeriesPanel } from './series-panel';
import { liveStateKey, useLiveEvents } from './use-live-events';
import { UnitLabel } from '../../components/unit-label';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EVENT_DAYS = 30;

interface LiveState {
  id: string;
  readings: LiveReading[];
  events: DeviceEvent[];
  connectivity: DeviceDetail['connectivity'] | null;
}

export function DeviceDetailPage() {
  const { id = '' } = useParams();
  const { t, i18n } = useTranslation();
  const valid = UUID.test(id);
  const device = useEndpoint(endpoints.devices.get, valid ? { params: { id } } : null);
  const latest = useEndpoint(endpoints.telemetry.latest, valid ? { params: { id } } : null);
  // The events window is fixed when the page opens; later events arrive live.
  const [opened] = useState(() => Date.now());
  const events = useEndpoint(
    endpoints.telemetry.events,
    valid
      ? {
          params: { id },
          query: {
            from: new Date(opened - EVENT_DAYS * 86_400_000).toISOString(),
            to: new Date(opened + 3_600_000).toISOString(),
          },
        }
      : null,
  );
  const profiles = useProfiles();
  const [live, setLive] = useState<LiveState>({ id, readings: [], events: [], connectivity: null });
  usePageTitle(device.data ? t('device.title', { code: device.data.code }) : t('device.titlePlain'));

  const onLive = useCallback(
    (m: LiveMessage) => {
      if (m.data.deviceId !== id) return;
      setLive((cur) => {
        const base = cur.id === id ? cur : { id, readings: [], events: [], connectivity: null };
        switch (m.type) {
          case 'telemetry.stored':
            return { ...base, readings: [...base.readings, ...m.data.readings], connectivity: 'active' };
          case 'device.event':
            return {
              ...base,
              events: [{ ts: m.data.ts, kind: m.data.kind, data: m.data.data }, ...base.events],
            };
          case 'device.active':
            return { ...base, connectivity: 'active' };
          case 'device.inactive':
            return { ...base, connectivity: 'inactive' };
          default:
            return base;
        }
      });
    },
    [id],
  );
  const liveState = useLiveEvents(onLive, null);

  if (!valid || (device.error instanceof ApiError && device.error.status === 404)) {
    return <NotFoundPage messageKey="notFound.device" />;
  }
  const d = device.data;
  const mine = live.id === id ? live : { readings: [], events: [], connectivity: null };
  const profile = d ? profiles.get(d.profileCode) : undefined;
  const states = mergeStates(latest.data?.metrics ?? [], mine.readings);
  const allEvents = [...mine.events, ...(events.data?.items ?? [])];
  // Live readings move "last seen" forward without reloading the device.
  const lastSeen = [d?.lastSeenAt ?? null, ...mine.readings.map((r) => r.ts)].reduce<string | null>(
    (latestTs, ts) => (ts && (!latestTs || new Date(ts) > new Date(latestTs)) ? ts : latestTs),
    null,
  );

  return (
    <>
      <h1>{d ? t('device.title', { code: d.code }) : t('device.titlePlain')}</h1>
      <p>
        <Link to="/devices">{t('device.back')}</Link>
      </p>
      <StatusMessage>{device.loading ? t('common.loading') : ''}</StatusMessage>
      <p className="live-status" data-testid="live-status" data-state={liveState}>
        {t(liveStateKey(liveState))}
      </p>
      <ErrorMessage error={device.error} />
      {d && (
        <section aria-labelledby="device-meta-heading">
          <h2 id="device-meta-heading">{t('device.metadata')}</h2>
          <dl className="details" data-testid="device-details">
            <div className="detail-row">
              <dt>{t('devices.name')}</dt>
              <dd>{d.name}</dd>
            </div>
            <div className="detail-row">
              <dt>{t('devices.profile')}</dt>
              <dd>{profile ? localizedName(profile.name, i18n.language) : d.profileCode}</dd>
            </div>
            <div className="detail-row">
              <dt>{t('device.unit')}</dt>
              <dd>
                <UnitLabel unitId={d.orgUnitId} code={d.orgUnitCode} />
              </dd>
            </div>
            <div className="detail-row">
              <dt>{t('device.location')}</dt>
              <dd>
                {d.location.coordinates[1].toFixed(5)}, {d.location.coordinates[0].toFixed(5)}
              </dd>
            </div>
            <div className="detail-row">
              <dt>{t('device.status')}</dt>
              <dd>{t(`device.statuses.${d.status}`)}</dd>
            </div>
            <div className="detail-row">
              <dt>{t('devices.connectivityLabel')}</dt>
              <dd>
                <ConnectivityBadge connectivity={mine.connectivity ?? d.connectivity} />
              </dd>
            </div>
            <div className="detail-row">
              <dt>{t('devices.lastSeen')}</dt>
              <dd>{lastSeen ? formatDateTime(lastSeen, i18n.language) : t('common.never')}</dd>
            </div>
            <div className="detail-row">
              <dt>{t('device.readings')}</dt>
              <dd>{d.readingsCount}</dd>
            </div>
            <div className="detail-row">
              <dt>{t('device.outliers')}</dt>
              <dd>{d.outlierCount}</dd>
            </div>
            <div className="detail-row">
              <dt>{t('device.installDate')}</dt>
              <dd>{d.installDate ?? '—'}</dd>
            </div>
          </dl>
        </section>
      )}
      {d && <DeviceRefusals device={d} />}
      {d && (
        <section aria-labelledby="device-latest-heading">
          <h2 id="device-latest-heading">{t('device.latest')}</h2>
          <ErrorMessage error={latest.error} />
          <LatestState states={states} profile={profile} />
        </section>
      )}
      {d && profile && (
        <section aria-labelledby="device-chart-heading">
          <h2 id="device-chart-heading">{t('device.chart.title')}</h2>
          <SeriesPanel deviceId={d.id} profile={profile} live={mine.readings} />
        </section>
      )}
      {d && (
        <section aria-labelledby="device-events-heading">
          <h2 id="device-events-heading">{t('device.events')}</h2>
          <ErrorMessage error={events.error} />
          <DeviceEvents events={allEvents} />
        </section>
      )}
      {d && <DeviceAttributesPanel device={d} />}
      {d && <DeviceCommands device={d} />}
    </>
  );
}
