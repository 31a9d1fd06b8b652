import { endpoints } from '@civitas/contracts/endpoints';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import type { totpSetupResponse } from '@civitas/contracts/identity';
import { call } from '../../app/api-client';
import { useAuth, useMe } from '../../app/auth-context';
import { ErrorMessage } from '../../components/error-message';
import { StatusMessage } from '../../components/status-message';

type TotpSetupResponse = z.infer<typeof totpSetupResponse>;

export function TotpSetup() {
  const { t } = useTranslation();
  const me = useMe();
  const { refresh } = useAuth();
  const [setup, setSetup] = useState<TotpSetupResponse | null>(null);
  const [code, setCode] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);

  async function start() {
    setError(null);
    try {
      setSetup(await call(endpoints.auth.totpSetup));
    } catch (e) {
      setError(e);
    }
  }

  async function confirm(event: FormEvent) {
    event.preventDefault();
    setError(null);
    try {
      await call(endpoints.auth.totpConfirm, { body: { code } });
      setSetup(null);
      setDone(true);
      await refresh();
    } catch (e) {
      setError(e);
    }
  }

  return (
    <section aria-labelledby="totp-heading">
      <h2 id="totp-heading">{t('totp.title')}</h2>
      <StatusMessage>{done ? t('totp.enabled') : ''}</StatusMessage>
      {me.mfaEnabled && !setup ? (
        <p>{t('totp.alreadyEnabled')}</p>
      ) : (
        // Staff see others' personal data, a resident only their own: what it protects differs.
        <p>{t(me.kind === 'resident' ? 'account.mfaResident' : 'account.mfaStaff')}</p>
      )}
      {!setup && !me.mfaEnabled && (
        <button type="button" onClick={() => void start()}>
          {t('totp.start')}
        </button>
      )}
      {setup && (
        <form onSubmit={(e) => void confirm(e)} className="form-stack">
          <p>{t('totp.secretHelp')}</p>
          <p>
            <span>{t('totp.secret')}: </span>
            <code data-testid="totp-secret">{setup.secret}</code>
          </p>
          <p className="break">
            <span>{t('totp.uri')}: </span>
            <code>{setup.otpauthUrl}</code>
          </p>
          <label htmlFor="totp-code">{t('totp.code')}</label>
          <input
            id="totp-code"
            inputMode="numeric"
            autoComplete="one-time-code"
            pattern="[0-9]{6}"
            maxLength={6}
            required
            value={code}
            onChange={(e) => setCode(e.target.value.trim())}
          />
          <button type="submit">{t('totp.confirm')}</button>
        </form>
      )}
      <ErrorMessage error={error} />
    </section>
  );
}
