import { endpoints } from '@civitas/contracts/endpoints';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { call } from '../../app/api-client';
import { formatDateTime } from '../../app/localized';
import { useEndpoint } from '../../app/use-resource';
import { ErrorMessage } from '../../components/error-message';
import { StatusMessage } from '../../components/status-message';
import type { JsonValue } from '@civitas/contracts/devices';
import type { DeviceDetail } from './device-api';

const METHOD = '^[A-Za-z][A-Za-z0-9_.\\-]{0,63}$';

/** JSON as the device sent it, short enough for a table cell. */
export const shortJson = (v: unknown) => {
  const text = JSON.stringify(v) ?? '';
  return text.length > 120 ? `${text.slice(0, 120)}…` : text;
};

/** Parses the params field: JSON when it is JSON, otherwise the text itself. */
export function parseValue(text: string): JsonValue | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  try {
    return JSON.parse(trimmed) as JsonValue;
  } catch {
    return trimmed;
  }
}

/**
 * Commands to the device (ThingsBoard RPC, or FIWARE commands for devices of an API key group):
 * the last ones with their outcome, and, for users who may command this device, a form to send one.
 */
export function DeviceCommands({ device }: { device: DeviceDetail }) {
  const { t, i18n } = useTranslation();
  const list = useEndpoint(endpoints.devices.commands, { params: { id: device.id }, query: { limit: 10 } });
  const [method, setMethod] = useState('');
  const [params, setParams] = useState('');
  const [oneway, setOneway] = useState(false);
  const [timeoutS, setTimeoutS] = useState(10);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [result, setResult] = useState('');

  async function send(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setResult('');
    try {
      const value = parseValue(params);
      const c = await call(endpoints.devices.sendCommand, {
        params: { id: device.id },
        body: {
          method: method.trim(),
          oneway,
          timeoutMs: timeoutS * 1000,
          ...(value === undefined ? {} : { params: value }),
        },
      });
      setResult(
        t('device.commands.sent', { method: c.method, status: t(`device.commandStatus.${c.status}`) }),
      );
      list.reload();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  const items = list.data?.items ?? [];
  return (
    <section aria-labelledby="device-commands-heading" data-testid="device-commands">
      <h2 id="device-commands-heading">{t('device.commands.title')}</h2>
      {device.canControl && (
        <>
          <h3 id="command-form-heading">{t('device.commands.formTitle')}</h3>
          <p id="command-help" className="hint">
            {t(device.apiKeyGroupId ? 'device.commands.helpFiware' : 'device.commands.helpThingsBoard')}
          </p>
        </>
      )}
      {device.canControl && (
        <form
          className="form-grid"
          onSubmit={(e) => void send(e)}
          aria-labelledby="command-form-heading"
          aria-describedby="command-help"
        >
          <div className="field">
            <label htmlFor="command-method">{t('device.commands.method')}</label>
            <input
              id="command-method"
              value={method}
              required
              pattern={METHOD}
              maxLength={64}
              autoComplete="off"
              onChange={(e) => setMethod(e.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor="command-params">{t('device.commands.params')}</label>
            <textarea
              id="command-params"
              rows={2}
              value={params}
              onChange={(e) => setParams(e.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor="command-timeout">{t('device.commands.timeout')}</label>
            <input
              id="command-timeout"
              type="number"
              min={1}
              max={3600}
              value={timeoutS}
              onChange={(e) => setTimeoutS(Number(e.target.value) || 10)}
            />
          </div>
          <div className="field-check">
            <input
              id="command-oneway"
              type="checkbox"
              checked={oneway}
              onChange={(e) => setOneway(e.target.checked)}
            />
            <label htmlFor="command-oneway">{t('device.commands.oneway')}</label>
          </div>
          <button type="submit" disabled={busy}>
            {busy ? t('device.commands.sending') : t('device.commands.send')}
          </button>
        </form>
      )}
      <ErrorMessage error={error} />
      <StatusMessage>{result}</StatusMessage>
      <ErrorMessage error={list.error} />
      {items.length === 0 ? (
        <p>{t('device.commands.none')}</p>
      ) : (
        <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="command-list-caption">
          <table>
            <caption id="command-list-caption">
              {t('device.commands.caption', { shown: items.length, total: list.data?.total ?? 0 })}
            </caption>
            <thead>
              <tr>
                <th scope="col">{t('device.commands.time')}</th>
                <th scope="col">{t('device.commands.method')}</th>
                <th scope="col">{t('device.commands.status')}</th>
                <th scope="col">{t('device.commands.response')}</th>
                <th scope="col">{t('device.commands.by')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((c) => (
                <tr key={c.id}>
                  <td>{formatDateTime(c.createdAt, i18n.language)}</td>
                  <td>
                    <code>{c.method}</code>
                    {c.params !== null && <span className="muted break"> {shortJson(c.params)}</span>}
                  </td>
                  <td>
                    <span className={`badge badge-cmd-${c.status}`}>
                      {t(`device.commandStatus.${c.status}`)}
                    </span>
                    {c.oneway && <span className="muted break"> {t('device.commands.onewayShort')}</span>}
                  </td>
                  <td>
                    {c.error ? (
                      t(`device.commandError.${c.error}`)
                    ) : c.response !== null ? (
                      <code>{shortJson(c.response)}</code>
                    ) : (
                      '—'
                    )}
                  </td>
                  <td>{c.createdBy?.name ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
