import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../app/localized';

import type { DeviceEvent } from '@civitas/contracts/endpoints/devices';
import { TableRegion } from '../../components/table-region';

export type { DeviceEvent };

/** Discrete events (a gate opening, "smoke detected"), newest first. */
export function DeviceEvents({ events }: { events: DeviceEvent[] }) {
  const { t, i18n } = useTranslation();
  if (events.length === 0) return <p className="muted">{t('device.noEvents')}</p>;
  return (
    <TableRegion label={t('device.eventsCaption')}>
      <table data-testid="device-events">
        <caption>{t('device.eventsCaption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('device.eventTime')}</th>
            <th scope="col">{t('device.eventKind')}</th>
            <th scope="col">{t('device.eventData')}</th>
          </tr>
        </thead>
        <tbody>
          {events.map((e) => (
            <tr key={`${e.kind}:${e.ts}`}>
              <td>{formatDateTime(e.ts, i18n.language)}</td>
              <td>{t(`messages.deviceEvent.${e.kind}`, { defaultValue: e.kind })}</td>
              <td>{Object.keys(e.data).length > 0 ? JSON.stringify(e.data) : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableRegion>
  );
}
