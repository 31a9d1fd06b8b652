import { useEffect, useRef, type ReactNode } from 'react';
import { NavLink, useLocation } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { useMe } from './auth-context';
import { homeKindOf } from './home-kind';
import { MoreMenu } from './more-menu';
import { NavList } from './nav-list';
import { exactNavPaths, splitNavItems, visibleNavItems } from './nav-items';
import { usePhoneLayout } from './use-phone-layout';
import { LanguageSwitcher } from '../components/language-switcher';
import { UnitSwitcher } from '../components/unit-switcher';
import { NotificationBell } from '../features/notifications/notification-bell';

/**
 * The frame of every signed-in page. On a desk: a header with the tools and the full navigation.
 * On a phone: a one-line app bar and a bottom bar with the role's main places and "more" (the
 * rest and the tools), so the work gets the screen (issue 11 §1).
 */
export function AppShell({ children }: { children: ReactNode }) {
  const { t, i18n } = useTranslation();
  const me = useMe();
  const location = useLocation();
  const phone = usePhoneLayout();
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

  const tools = (
    <>
      <UnitSwitcher />
      <LanguageSwitcher />
      <span className="signed-in-as">{t('shell.signedInAs', { name: me.displayName })}</span>
    </>
  );
  const { main, more } = splitNavItems(me.permissions, homeKindOf(me));
  const short = (labelKey: string) => {
    const key = labelKey.replace(/^nav\./, 'nav.short.');
    return i18n.exists(key) ? t(key) : t(labelKey);
  };

  return (
    <>
      <a className="skip-link" href="#main">
        {t('shell.skipToContent')}
      </a>
      <header className={phone ? 'app-header app-bar' : 'app-header'}>
        <div className="brand">{t('shell.brand')}</div>
        <div className="header-tools">
          <NotificationBell />
          {!phone && tools}
        </div>
      </header>
      {!phone && (
        <nav className="app-nav" aria-label={t('shell.navLabel')}>
          <NavList items={visibleNavItems(me.permissions)} />
        </nav>
      )}
      <main id="main" ref={mainRef} tabIndex={-1} className={phone ? 'with-bottom-nav' : undefined}>
        {mustEnrol && (
          <p className="notice" role="note">
            {t('shell.mfaRequired')}{' '}
            {location.pathname !== '/account' && <NavLink to="/account">{t('shell.mfaSetUp')}</NavLink>}
          </p>
        )}
        {children}
      </main>
      {phone && (
        <nav className="bottom-nav" aria-label={t('shell.navLabel')} data-testid="bottom-nav">
          <ul>
            {main.map((item) => (
              <li key={item.to}>
                <NavLink to={item.to} end={exactNavPaths.has(item.to)} className="bottom-nav-item">
                  <span aria-hidden="true" className="bottom-nav-icon">
                    {placeIcon(item.to)}
                  </span>
                  {short(item.labelKey)}
                </NavLink>
              </li>
            ))}
            <li>
              <MoreMenu items={more}>{tools}</MoreMenu>
            </li>
          </ul>
        </nav>
      )}
    </>
  );
}

/** A glyph above each bottom-bar label (decorative: the label names the place). */
function placeIcon(to: string): string {
  const icons: Record<string, string> = {
    '/': '⌂',
    '/grid': '☑',
    '/cases': '☰',
    '/cases/report': '＋',
    '/cases/mine': '◷',
    '/residents': '☺',
    '/devices': '◉',
    '/devices/map': '▣',
    '/metrics': '▤',
    '/orgs': '◫',
    '/account': '⚙',
  };
  return icons[to] ?? '•';
}
