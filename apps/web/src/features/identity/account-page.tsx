import { mayHoldApiTokens } from '@civitas/contracts/identity';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAuth, useMe } from '../../app/auth-context';
import { localizedName } from '../../app/localized';
import { usePageTitle } from '../../app/use-page-title';
import { LanguageSwitcher } from '../../components/language-switcher';
import { ApiTokens } from './api-tokens';
import { ChangePasswordForm } from './change-password-form';
import { TotpSetup } from './totp-setup';

export function AccountPage() {
  const { t, i18n } = useTranslation();
  const me = useMe();
  const { logout, refresh } = useAuth();
  const [busy, setBusy] = useState(false);
  usePageTitle(t('account.title'));

  return (
    <>
      <h1>{t('account.title')}</h1>
      <p>{t('account.identity', { name: me.displayName, username: me.username })}</p>
      <section aria-labelledby="grants-heading">
        <h2 id="grants-heading">{t('account.grants')}</h2>
        {me.grants.length === 0 ? (
          <p>{t('account.noGrants')}</p>
        ) : (
          <ul data-testid="grants">
            {me.grants.map((g) => (
              <li key={`${g.role}:${g.orgUnitId}`}>
                {t(`roles.${g.role}`)} · {localizedName(g.orgUnitName, i18n.language)}
                {g.department ? ` · ${t(`departments.${g.department}`)}` : ''}
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="password-heading">
        <h2 id="password-heading">{t('password.title')}</h2>
        <ChangePasswordForm onChanged={refresh} />
      </section>
      <TotpSetup />
      {mayHoldApiTokens(me) && <ApiTokens />}
      <section aria-labelledby="prefs-heading">
        <h2 id="prefs-heading">{t('account.preferences')}</h2>
        <LanguageSwitcher />
      </section>
      <section aria-labelledby="logout-heading">
        <h2 id="logout-heading">{t('account.session')}</h2>
        <button
          type="button"
          disabled={busy}
          onClick={() => {
            setBusy(true);
            logout().catch(() => setBusy(false));
          }}
        >
          {t('account.logout')}
        </button>
      </section>
    </>
  );
}
