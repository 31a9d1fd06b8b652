import type { DeviceProfileInput } from '@civitas/contracts/devices';
import { endpoints } from '@civitas/contracts/endpoints';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { call } from '../../app/api-client';
import { formatDateTime, localizedName } from '../../app/localized';
import { usePageTitle } from '../../app/use-page-title';
import { useEndpoint } from '../../app/use-resource';
import { ErrorMessage } from '../../components/error-message';
import { TableRegion } from '../../components/table-region';
import { StatusMessage } from '../../components/status-message';
import { ProfileForm } from './profile-form';

/** New profile: the empty form; saved, it opens the profile's page. */
export function ProfileNewPage() {
  const { t } = useTranslation();
  usePageTitle(t('deviceProfiles.new'));
  const navigate = useNavigate();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  async function save(input: DeviceProfileInput) {
    setBusy(true);
    setError(null);
    try {
      const p = await call(endpoints.devices.profileCreate, { body: input });
      void navigate(`/devices/profiles/${p.id}`);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }
  return (
    <>
      <p>
        <Link to="/devices/profiles">{t('deviceProfiles.back')}</Link>
      </p>
      <h1>{t('deviceProfiles.new')}</h1>
      <ErrorMessage error={error} />
      <ProfileForm initial={null} busy={busy} onSubmit={(i) => void save(i)} />
    </>
  );
}

/**
 * One profile: its fields and metrics, and what the caller may do with it — the list's `canDefine`
 * (the server's own check) and the profile's state decide which actions show.
 */
export function ProfileDetailPage() {
  const { id = '' } = useParams();
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const [refresh, setRefresh] = useState(0);
  const { data: p, error: loadError } = useEndpoint(
    endpoints.devices.profileGet,
    { params: { id } },
    refresh,
  );
  const { data: list } = useEndpoint(endpoints.devices.profiles, {});
  const [editing, setEditing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const [copyCode, setCopyCode] = useState('');
  usePageTitle(p ? localizedName(p.name, i18n.language) : t('deviceProfiles.title'));
  const canDefine = list?.canDefine === true;

  async function act(what: string, run: () => Promise<unknown>) {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      await run();
      setDone(what);
      setRefresh((n) => n + 1);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  async function copy(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const c = await call(endpoints.devices.profileCopy, { params: { id }, body: { code: copyCode } });
      void navigate(`/devices/profiles/${c.id}`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  if (!p) return <ErrorMessage error={loadError} />;
  const { code: _code, ...rest } = p;
  return (
    <>
      <p>
        <Link to="/devices/profiles">{t('deviceProfiles.back')}</Link>
      </p>
      <h1>
        {localizedName(p.name, i18n.language)} <code>{p.code}</code>
      </h1>
      <p data-testid="profile-state">
        {p.builtin
          ? t('deviceProfiles.builtinNote')
          : p.retiredAt
            ? t('deviceProfiles.retiredNote', { at: formatDateTime(p.retiredAt, i18n.language) })
            : t('deviceProfiles.active')}{' '}
        · {t('deviceProfiles.devicesUsing', { count: p.deviceCount })}
      </p>
      <StatusMessage>{done ? t(`deviceProfiles.done.${done}`) : ''}</StatusMessage>
      <ErrorMessage error={error} />
      {editing ? (
        <ProfileForm
          initial={p}
          busy={busy}
          onSubmit={({ code: _c, ...body }) =>
            void act('saved', async () => {
              await call(endpoints.devices.profileUpdate, {
                params: { id },
                body: { ...body, version: p.updatedAt },
              });
              setEditing(false);
            })
          }
        />
      ) : (
        <>
          <dl>
            <dt>{t('deviceProfiles.entityType')}</dt>
            <dd>{rest.entityType}</dd>
            <dt>{t('deviceProfiles.field.events')}</dt>
            <dd>{rest.events.join(', ') || '—'}</dd>
            <dt>{t('deviceProfiles.field.reportingIntervalS')}</dt>
            <dd>{rest.reportingIntervalS}</dd>
            <dt>{t('deviceProfiles.field.inactivityTimeoutS')}</dt>
            <dd>{rest.inactivityTimeoutS}</dd>
            <dt>{t('deviceProfiles.field.rawRetentionDays')}</dt>
            <dd>{rest.rawRetentionDays}</dd>
            <dt>{t('deviceProfiles.field.rollupRetentionDays')}</dt>
            <dd>{rest.rollupRetentionDays}</dd>
          </dl>
          <TableRegion label={t('deviceProfiles.metricsCaption')}>
            <table data-testid="profile-metrics">
              <caption>{t('deviceProfiles.metricsCaption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('deviceProfiles.field.key')}</th>
                  <th scope="col">{t('deviceProfiles.name')}</th>
                  <th scope="col">{t('deviceProfiles.field.type')}</th>
                  <th scope="col">{t('deviceProfiles.field.unit')}</th>
                  <th scope="col">{t('deviceProfiles.range')}</th>
                  <th scope="col">{t('deviceProfiles.field.thingsboardKey')}</th>
                  <th scope="col">{t('deviceProfiles.field.objectId')}</th>
                  <th scope="col">{t('deviceProfiles.field.senmlName')}</th>
                </tr>
              </thead>
              <tbody>
                {rest.metrics.map((m) => (
                  <tr key={m.key}>
                    <td>{m.key}</td>
                    <td>{m.name ? localizedName(m.name, i18n.language) : '—'}</td>
                    <td>{t(`deviceProfiles.types.${m.type}`)}</td>
                    <td>{m.unit ?? '—'}</td>
                    <td>
                      {m.type === 'number'
                        ? `${m.min} – ${m.max}`
                        : m.type === 'text'
                          ? (m.values ?? []).join(', ')
                          : '—'}
                    </td>
                    <td>{m.thingsboardKey ?? m.key}</td>
                    <td>{m.objectId ?? m.key}</td>
                    <td>{m.senmlName ?? m.key}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableRegion>
          {canDefine && (
            <div className="actions">
              {!p.builtin && (
                <button type="button" onClick={() => setEditing(true)} disabled={busy}>
                  {t('deviceProfiles.edit')}
                </button>
              )}
              {!p.builtin && !p.retiredAt && (
                <button
                  type="button"
                  disabled={busy}
                  onClick={() =>
                    void act('retired', () => call(endpoints.devices.profileRetire, { params: { id } }))
                  }
                >
                  {t('deviceProfiles.retire')}
                </button>
              )}
              {!p.builtin && p.deviceCount === 0 && (
                <button
                  type="button"
                  disabled={busy}
                  onClick={() =>
                    void act('deleted', async () => {
                      await call(endpoints.devices.profileRemove, { params: { id } });
                      void navigate('/devices/profiles');
                    })
                  }
                >
                  {t('deviceProfiles.delete')}
                </button>
              )}
              <form onSubmit={(e) => void copy(e)} className="form-row">
                <div className="field">
                  <label htmlFor="copy-code">{t('deviceProfiles.copyCode')}</label>
                  <input
                    id="copy-code"
                    value={copyCode}
                    onChange={(e) => setCopyCode(e.target.value)}
                    required
                    pattern="[a-z0-9][a-z0-9\-]{1,63}"
                    aria-describedby="copy-help"
                  />
                  <small id="copy-help">{t('deviceProfiles.codeHelp')}</small>
                </div>
                <button type="submit" disabled={busy}>
                  {t('deviceProfiles.copy')}
                </button>
              </form>
            </div>
          )}
        </>
      )}
    </>
  );
}
