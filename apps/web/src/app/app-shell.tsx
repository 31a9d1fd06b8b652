import { useEffect, useRef, type ReactNode } from 'react';
import { NavLink, useLocation } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { useMe } from './auth-context';
import { visibleNavItems } from './nav-items';
import { LanguageSwitcher } from '../components/language-switcher';
import { UnitSwitcher } from '../components/unit-switcher';
import { NotificationBell } from '../features/notifications/notification-bell';

export function AppShell({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const me = useMe();
  const location = useLocation();
  const mainRef = useRef<HTMLElement>(null);
  const firstRender = useRef(true);
  // The server withholds every permission from an administrator until a second factor is set up.
  const mustEnrol = me.mfaEnrolmentRequired;

  // After client-side navigation, move focus to the new content so screen readers announce it.
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    mainRef.current?.focus();
  }, [location.pathname]);

  return (
    <>
      <a className="skip-link" href="#main">
        {t('shell.skipToContent')}
      </a>
      <header className="app-header">
        <div className="brand">{t('shell.brand')}</div>
        <div className="header-tools">
          <NotificationBell />
          <UnitSwitcher />
          <LanguageSwitcher />
          <span className="signed-in-as">{t('shell.signedInAs', { name: me.displayName })}</span>
        </div>
      </header>
      <nav className="app-nav" aria-label={t('shell.navLabel')}>
        <ul>
          {visibleNavItems(me.permissions).map((item) => (
            <li key={item.to}>
              <NavLink
                to={item.to}
                end={
                  item.to === '/' ||
                  item.to === '/orgs' ||
                  item.to === '/residents' ||
                  item.to === '/devices' ||
                  item.to === '/cases'
                }
              >
                {t(item.labelKey)}
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" ref={mainRef} tabIndex={-1}>
        {mustEnrol && (
          <p className="notice" role="note">
            {t('shell.mfaRequired')}{' '}
            {location.pathname !== '/account' && <NavLink to="/account">{t('shell.mfaSetUp')}</NavLink>}
          </p>
        )}
        {children}
      </main>
    </>
  );
}
