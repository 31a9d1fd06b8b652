import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../app/localized';
import type { DeviceDetail } from './device-api';
import { TableRegion } from '../../components/table-region';

/** Reasons the server counts (docs/devices.md); anything newer reads as "other", never as a raw code. */
const KNOWN = new Set([
  'malformed',
  'payload_too_large',
  'forbidden_topic',
  'rate_limited',
  'device_retired',
  'unknown_metric',
  'not_numeric',
  'invalid_value',
  'future_timestamp',
  'stale_timestamp',
  'store_failed',
]);
export const reasonKey = (reason: string) => `device.reasons.${KNOWN.has(reason) ? reason : 'other'}`;

/**
 * Refused messages at a glance: how many, the last reason and when, then the count per reason.
 * MQTT 3.1.1 acknowledges a refused QoS 1 message like any other, so this is where a device's
 * maintainer sees that messages are being dropped.
 */
export function DeviceRefusals({ device }: { device: DeviceDetail }) {
  const { t, i18n } = useTranslation();
  const byTime = [...device.rejections].sort((a, b) => b.lastAt.localeCompare(a.lastAt));
  const last = byTime[0];
  return (
    <section aria-labelledby="device-refusals-heading" data-testid="device-refusals">
      <h2 id="device-refusals-heading">{t('device.refusals.title')}</h2>
      {!last ? (
        <p>{t('device.refusals.none')}</p>
      ) : (
        <>
          <p className="refusal-summary" data-testid="refusal-summary">
            <strong>{t('device.refusals.total', { count: device.errorCount })}</strong>{' '}
            {t('device.refusals.last', {
              reason: t(reasonKey(last.reason)),
              at: formatDateTime(last.lastAt, i18n.language),
            })}
          </p>
          <TableRegion label={t('device.rejectionsCaption')}>
            <table>
              <caption>{t('device.rejectionsCaption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('device.reason')}</th>
                  <th scope="col">{t('device.rejectionCount')}</th>
                  <th scope="col">{t('device.lastAt')}</th>
                </tr>
              </thead>
              <tbody>
                {device.rejections.map((r) => (
                  <tr key={r.reason}>
                    <td>
                      {t(reasonKey(r.reason))}
                      <span className="muted break"> {t(`${reasonKey(r.reason)}Help`)}</span>
                    </td>
                    <td>{r.count}</td>
                    <td>{formatDateTime(r.lastAt, i18n.language)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableRegion>
          <p className="hint">{t('device.refusals.qosNote')}</p>
          {device.lastError && (
            <details>
              <summary>{t('device.refusals.detail')}</summary>
              {/* The device's own words (keys, values) as the pipeline quoted them, in English. */}
              <code lang="en">{device.lastError}</code>
            </details>
          )}
        </>
      )}
    </section>
  );
}
