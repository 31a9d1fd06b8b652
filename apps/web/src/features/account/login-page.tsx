import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../app/api-client';
import { useAuth } from '../../app/auth-context';
import { usePageTitle } from '../../app/use-page-title';
import { LanguageSwitcher } from '../../components/language-switcher';

function loginErrorKey(error: unknown): string {
  if (!(error instanceof ApiError)) return 'errors.network';
  if (error.status === 401) return 'login.wrongCredentials';
  if (error.status === 423) return 'login.locked';
  if (error.status === 429) return 'login.rateLimited';
  if (error.status === 400 || error.status === 422) return 'login.invalidInput';
  return 'errors.server';
}

export function LoginPage() {
  const { t } = useTranslation();
  const { login } = useAuth();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [totp, setTotp] = useState('');
  const [mfaStep, setMfaStep] = useState(false);
  const [busy, setBusy] = useState(false);
  const [errorKey, setErrorKey] = useState<string | null>(null);
  usePageTitle(t(mfaStep ? 'login.mfaTitle' : 'login.title'));

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setErrorKey(null);
    try {
      const response = await login({ username, password, ...(mfaStep ? { totp } : {}) });
      if (response.status === 'mfa_required') {
        if (mfaStep) setErrorKey('login.wrongCode');
        setMfaStep(true);
      }
    } catch (error) {
      setErrorKey(loginErrorKey(error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="login-layout">
      <header className="app-header">
        <div className="brand">{t('shell.brand')}</div>
        <div className="header-tools">
          <LanguageSwitcher />
        </div>
      </header>
      <main id="main" className="login-main">
        <h1>{t(mfaStep ? 'login.mfaTitle' : 'login.title')}</h1>
        <form onSubmit={(e) => void submit(e)} className="form-stack" aria-busy={busy}>
          {!mfaStep ? (
            <>
              <label htmlFor="login-username">{t('login.username')}</label>
              <input
                id="login-username"
                name="username"
                autoComplete="username"
                required
                autoFocus
                value={username}
                onChange={(e) => setUsername(e.target.value)}
              />
              <label htmlFor="login-password">{t('login.password')}</label>
              <input
                id="login-password"
                name="password"
                type="password"
                autoComplete="current-password"
                required
                value={password}
                onChange={(e) => setPassword(e.target.value)}
              />
            </>
          ) : (
            <>
              <p id="login-totp-help">{t('login.mfaHelp')}</p>
              <label htmlFor="login-totp">{t('login.totp')}</label>
              <input
                id="login-totp"
                name="totp"
                inputMode="numeric"
                autoComplete="one-time-code"
                pattern="[0-9]{6}"
                maxLength={6}
                required
                autoFocus
                aria-describedby="login-totp-help"
                value={totp}
                onChange={(e) => setTotp(e.target.value.trim())}
              />
            </>
          )}
          <div role="alert" className="error-slot">
            {errorKey && <p className="error">{t(errorKey)}</p>}
          </div>
          <button type="submit" disabled={busy}>
            {t(mfaStep ? 'login.verify' : 'login.submit')}
          </button>
        </form>
      </main>
    </div>
  );
}
