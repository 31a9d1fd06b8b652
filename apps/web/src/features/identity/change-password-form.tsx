import { endpoints } from '@civitas/contracts/endpoints';
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { call } from '../../app/api-client';
import { useAuth, useMe } from '../../app/auth-context';
import { usePageTitle } from '../../app/use-page-title';
import { ErrorMessage } from '../../components/error-message';
import { LanguageSwitcher } from '../../components/language-switcher';
import { StatusMessage } from '../../components/status-message';

/**
 * Changing one's own password: on the account page, and as the only screen after signing in
 * with a temporary password set by an administrator (the server grants nothing until then).
 */
export function ChangePasswordForm({ onChanged }: { onChanged: () => Promise<void> | void }) {
  const { t } = useTranslation();
  const id = useId();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [mismatch, setMismatch] = useState(false);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState('');

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    setMessage('');
    if (next !== repeat) {
      setMismatch(true);
      return;
    }
    setMismatch(false);
    setBusy(true);
    try {
      await call(endpoints.auth.changePassword, { body: { currentPassword: current, newPassword: next } });
      setCurrent('');
      setNext('');
      setRepeat('');
      setMessage(t('password.changed'));
      await onChanged();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={(e) => void submit(e)} className="form-stack" aria-busy={busy}>
      <label htmlFor={`${id}-current`}>{t('password.current')}</label>
      <input
        id={`${id}-current`}
        type="password"
        autoComplete="current-password"
        required
        value={current}
        onChange={(e) => setCurrent(e.target.value)}
      />
      <label htmlFor={`${id}-new`}>{t('password.new')}</label>
      <input
        id={`${id}-new`}
        type="password"
        autoComplete="new-password"
        required
        minLength={12}
        aria-describedby={`${id}-help`}
        value={next}
        onChange={(e) => setNext(e.target.value)}
      />
      <p id={`${id}-help`} className="hint">
        {t('users.passwordHelp')}
      </p>
      <label htmlFor={`${id}-repeat`}>{t('password.repeat')}</label>
      <input
        id={`${id}-repeat`}
        type="password"
        autoComplete="new-password"
        required
        aria-invalid={mismatch}
        aria-describedby={mismatch ? `${id}-mismatch` : undefined}
        value={repeat}
        onChange={(e) => setRepeat(e.target.value)}
      />
      {mismatch && (
        <p id={`${id}-mismatch`} role="alert" className="error">
          {t('password.mismatch')}
        </p>
      )}
      <button type="submit" disabled={busy}>
        {t('password.submit')}
      </button>
      <StatusMessage>{message}</StatusMessage>
      <ErrorMessage error={error} />
    </form>
  );
}

/** The whole screen while the password is a temporary one: change it, or sign out. */
export function ForcedPasswordChangePage() {
  const { t } = useTranslation();
  const me = useMe();
  const { refresh, logout } = useAuth();
  usePageTitle(t('password.forcedTitle'));
  return (
    <div className="login-layout">
      <header className="app-header">
        <div className="brand">{t('shell.brand')}</div>
        <div className="header-tools">
          <LanguageSwitcher />
        </div>
      </header>
      <main id="main" className="login-main" tabIndex={-1}>
        <h1>{t('password.forcedTitle')}</h1>
        <p>{t('password.forcedIntro', { username: me.username })}</p>
        <ChangePasswordForm onChanged={refresh} />
        <button type="button" className="small" onClick={() => void logout()}>
          {t('account.logout')}
        </button>
      </main>
    </div>
  );
}
