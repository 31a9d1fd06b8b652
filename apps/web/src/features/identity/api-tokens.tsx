import { endpoints } from '@civitas/contracts/endpoints';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import type { createdApiToken } from '@civitas/contracts/identity';
import { call } from '../../app/api-client';
import { formatDateTime } from '../../app/localized';
import { useEndpoint } from '../../app/use-resource';
import { ErrorMessage } from '../../components/error-message';
import { StatusMessage } from '../../components/status-message';
import { TableRegion } from '../../components/table-region';

type CreatedToken = z.infer<typeof createdApiToken>;

export function ApiTokens() {
  const { t, i18n } = useTranslation();
  const tokens = useEndpoint(endpoints.auth.tokens, {});
  const [name, setName] = useState('');
  const [days, setDays] = useState('90');
  const [created, setCreated] = useState<CreatedToken | null>(null);
  const [error, setError] = useState<unknown>(null);

  async function create(event: FormEvent) {
    event.preventDefault();
    setError(null);
    try {
      const body = { name, ...(days ? { expiresInDays: Number(days) } : {}) };
      setCreated(await call(endpoints.auth.createToken, { body }));
      setName('');
      tokens.reload();
    } catch (e) {
      setError(e);
    }
  }

  async function revoke(id: string) {
    setError(null);
    try {
      await call(endpoints.auth.revokeToken, { params: { id } });
      tokens.reload();
    } catch (e) {
      setError(e);
    }
  }

  const items = tokens.data?.items ?? [];
  return (
    <section aria-labelledby="tokens-heading">
      <h2 id="tokens-heading">{t('tokens.title')}</h2>
      <form onSubmit={(e) => void create(e)} className="form-row">
        <div className="field">
          <label htmlFor="token-name">{t('tokens.name')}</label>
          <input
            id="token-name"
            required
            maxLength={100}
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="token-days">{t('tokens.expiresInDays')}</label>
          <input
            id="token-days"
            type="number"
            min={1}
            max={3650}
            value={days}
            onChange={(e) => setDays(e.target.value)}
          />
        </div>
        <button type="submit">{t('tokens.create')}</button>
      </form>
      <StatusMessage>
        {created && (
          <span>
            {t('tokens.createdOnce')} <code data-testid="new-token">{created.token}</code>
          </span>
        )}
      </StatusMessage>
      <ErrorMessage error={error ?? tokens.error} />
      <TableRegion label={t('tokens.caption')}>
        <table>
          <caption>{t('tokens.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('tokens.name')}</th>
              <th scope="col">{t('tokens.prefix')}</th>
              <th scope="col">{t('tokens.created')}</th>
              <th scope="col">{t('tokens.lastUsed')}</th>
              <th scope="col">{t('tokens.expires')}</th>
              <th scope="col">{t('tokens.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((token) => (
              <tr key={token.id}>
                <td>{token.name}</td>
                <td>
                  <code>{token.prefix}</code>
                </td>
                <td>{formatDateTime(token.createdAt, i18n.language)}</td>
                <td>{formatDateTime(token.lastUsedAt, i18n.language) || t('common.never')}</td>
                <td>{formatDateTime(token.expiresAt, i18n.language) || t('common.never')}</td>
                <td>
                  {token.revokedAt ? (
                    t('tokens.revoked')
                  ) : (
                    <button type="button" onClick={() => void revoke(token.id)}>
                      {t('tokens.revoke', { name: token.name })}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableRegion>
      {!tokens.loading && items.length === 0 && <p>{t('tokens.none')}</p>}
    </section>
  );
}
