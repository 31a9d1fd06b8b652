import type { JsonValue } from '@civitas/contracts/devices';
import { endpoints } from '@civitas/contracts/endpoints';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { call } from '../../app/api-client';
import { formatDateTime } from '../../app/localized';
import { useEndpoint } from '../../app/use-resource';
import { ErrorMessage } from '../../components/error-message';
import { StatusMessage } from '../../components/status-message';
import type { DeviceAttributes, DeviceDetail } from './device-api';
import { parseValue, shortJson } from './device-commands';
import { TableRegion } from '../../components/table-region';

const KEY = '^[A-Za-z][A-Za-z0-9_.\\-]{0,63}$';
type Attribute = DeviceAttributes['client'][number];

function AttributeTable(props: {
  caption: string;
  rows: Attribute[];
  onDelete?: ((key: string) => void) | undefined;
  busy: boolean;
}) {
  const { t, i18n } = useTranslation();
  if (props.rows.length === 0)
    return (
      <p>
        {props.caption}: {t('device.attributes.none')}
      </p>
    );
  return (
    <TableRegion label={props.caption}>
      <table>
        <caption>{props.caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('device.attributes.key')}</th>
            <th scope="col">{t('device.attributes.value')}</th>
            <th scope="col">{t('device.attributes.updated')}</th>
            {props.onDelete && <th scope="col">{t('device.attributes.actions')}</th>}
          </tr>
        </thead>
        <tbody>
          {props.rows.map((a) => (
            <tr key={a.key}>
              <td>
                <code>{a.key}</code>
              </td>
              <td>
                <code className="break">{shortJson(a.value)}</code>
              </td>
              <td>{formatDateTime(a.updatedAt, i18n.language)}</td>
              {props.onDelete && (
                <td>
                  <button type="button" disabled={props.busy} onClick={() => props.onDelete!(a.key)}>
                    {t('device.attributes.delete', { key: a.key })}
                  </button>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </TableRegion>
  );
}

/**
 * ThingsBoard attributes: what the device reports about itself (client), and the settings staff
 * push to it (shared). Only users who may command the device can change shared attributes.
 */
export function DeviceAttributesPanel({ device }: { device: DeviceDetail }) {
  const { t } = useTranslation();
  const attrs = useEndpoint(endpoints.devices.attributes, { params: { id: device.id } });
  const [key, setKey] = useState('');
  const [value, setValue] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [result, setResult] = useState('');

  async function change(shared: Record<string, JsonValue>) {
    setBusy(true);
    setError(null);
    setResult('');
    try {
      const r = await call(endpoints.devices.setAttributes, { params: { id: device.id }, body: { shared } });
      setResult(t(`device.attributes.push.${r.push ?? 'absent'}`));
      attrs.reload();
      return true;
    } catch (e) {
      setError(e);
      return false;
    } finally {
      setBusy(false);
    }
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    const v = parseValue(value);
    if (await change({ [key.trim()]: v === undefined ? '' : v })) {
      setKey('');
      setValue('');
    }
  }

  return (
    <section aria-labelledby="device-attributes-heading" data-testid="device-attributes">
      <h2 id="device-attributes-heading">{t('device.attributes.title')}</h2>
      <ErrorMessage error={attrs.error} />
      <AttributeTable caption={t('device.attributes.client')} rows={attrs.data?.client ?? []} busy={busy} />
      <AttributeTable
        caption={t('device.attributes.shared')}
        rows={attrs.data?.shared ?? []}
        busy={busy}
        onDelete={device.canControl ? (k) => void change({ [k]: null }) : undefined}
      />
      {device.canControl && (
        <>
          <h3 id="attribute-form-heading">{t('device.attributes.formTitle')}</h3>
          <p id="attribute-help" className="hint">
            {t('device.attributes.help')}
          </p>
        </>
      )}
      {device.canControl && (
        <form
          className="form-grid"
          onSubmit={(e) => void submit(e)}
          aria-labelledby="attribute-form-heading"
          aria-describedby="attribute-help"
        >
          <div className="field">
            <label htmlFor="attribute-key">{t('device.attributes.key')}</label>
            <input
              id="attribute-key"
              value={key}
              required
              pattern={KEY}
              maxLength={64}
              autoComplete="off"
              onChange={(e) => setKey(e.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor="attribute-value">{t('device.attributes.value')}</label>
            <input id="attribute-value" value={value} onChange={(e) => setValue(e.target.value)} />
          </div>
          <button type="submit" disabled={busy}>
            {t('device.attributes.save')}
          </button>
        </form>
      )}
      <ErrorMessage error={error} />
      <StatusMessage>{result}</StatusMessage>
    </section>
  );
}
