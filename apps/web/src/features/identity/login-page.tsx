import { rateLimited } from '@civitas/contracts/errors';
import { loginThrottled } from '@civitas/contracts/identity';
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, hasCode } from '../../app/api-client';
import { useAuth } from '../../app/auth-context';
import { usePageTitle } from '../../app/use-page-title';
import { LanguageSwitcher } from '../../components/language-switcher';

interface LoginError {
  key: string;
  /** Seconds this source must wait (429 login_throttled or rate_limited). */
  wait?: number;
}

function loginError(error: unknown): LoginError {
  if (!(error instanceof ApiError)) return { key: 'errors.network' };
  if (error.status === 401) return { key: 'login.wrongCredentials' };
  if (error.status === 429) {
    const throttled = hasCode(error, 'login_throttled') ? loginThrottled.safeParse(error.problem) : null;
    if (throttled?.success) return { key: 'login.throttled', wait: throttled.data.retryAfterSeconds };
    // The sign-in route's own limit per address: the same wait, told the same way.
    const limited = hasCode(error, 'rate_limited') ? rateLimited.safeParse(error.problem) : null;
    if (limited?.success) return { key: 'login.throttled', wait: limited.data.retryAfterSeconds };
    return { key: 'login.rateLimited' };
  }
  if (error.status === 400 || error.status === 422) return { key: 'login.invalidInput' };
  return { key: 'errors.server' };
}

/** "in 45 seconds" / "45秒后", rounded up to a unit people read. */
function formatWait(seconds: number, lang: string): string {
  const rtf = new Intl.RelativeTimeFormat(lang, { numeric: 'always' });
  if (seconds < 90) return rtf.format(Math.ceil(seconds), 'second');
  if (seconds < 90 * 60) return rtf.format(Math.ceil(seconds / 60), 'minute');
  return rtf.format(Math.ceil(seconds / 3600), 'hour');
}

export function LoginPage() {
  const { t, i18n } = useTranslation();
  const { login } = useAuth();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [totp, setTotp] = useState('');
  const [mfaStep, setMfaStep] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<LoginError | null>(null);
  // While the server makes this source wait, sending would only be refused (and counted).
  const [waitUntil, setWaitUntil] = useState<number | null>(null);
  usePageTitle(t(mfaStep ? 'login.mfaTitle' : 'login.title'));

  useEffect(() => {
    if (waitUntil === null) return;
    const timer = setTimeout(
      () => {
        setWaitUntil(null);
        setError({ key: 'login.throttleOver' });
      },
      Math.max(0, waitUntil - Date.now()),
    );
    return () => clearTimeout(timer);
  }, [waitUntil]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const response = await login({ username, password, ...(mfaStep ? { totp } : {}) });
      if (response.status === 'mfa_required') {
        if (mfaStep) setError({ key: 'login.wrongCode' });
        setMfaStep(true);
      }
    } catch (e) {
      const found = loginError(e);
      setError(found);
      if (found.wait) setWaitUntil(Date.now() + found.wait * 1000);
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
            {error && (
              <p className={error.key === 'login.throttleOver' ? undefined : 'error'}>
                {t(error.key, error.wait ? { when: formatWait(error.wait, i18n.language) } : {})}
              </p>
            )}
          </div>
          <button type="submit" disabled={busy || waitUntil !== null}>
            {t(mfaStep ? 'login.verify' : 'login.submit')}
          </button>
        </form>
      </main>
    </div>
  );
}
