import { Link } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { useMe } from './auth-context';
import { visibleNavItems } from './nav-items';
import { usePageTitle } from './use-page-title';

/** What a resident comes for; staff get the shortcuts of their role instead. */
const residentEntries = [
  { to: '/cases/report', labelKey: 'nav.caseReport', hintKey: 'home.reportHint', permission: 'case.report' },
  { to: '/cases/mine', labelKey: 'nav.caseMine', hintKey: 'home.mineHint', permission: 'case.report' },
] as const;

export function HomePage() {
  const { t } = useTranslation();
  const me = useMe();
  usePageTitle(t('home.title'));
  // Residents hold case.report now, so "no permissions" no longer tells them apart: the account kind does.
  const resident = me.kind === 'resident';
  const entries = residentEntries.filter((e) => me.permissions.includes(e.permission));
  const shortcuts = visibleNavItems(me.permissions).filter((item) => item.to !== '/');
  return (
    <>
      <h1>{t('home.title')}</h1>
      <p>{t('home.welcome', { name: me.displayName })}</p>
      {resident && (
        <>
          <p>{t('home.residentIntro')}</p>
          <ul className="card-list" data-testid="resident-entries">
            {entries.map((e) => (
              <li key={e.to}>
                <Link to={e.to}>{t(e.labelKey)}</Link>
                <p className="hint">{t(e.hintKey)}</p>
              </li>
            ))}
          </ul>
        </>
      )}
      <h2>{t('home.shortcuts')}</h2>
      <ul className="card-list">
        {shortcuts.map((item) => (
          <li key={item.to}>
            <Link to={item.to}>{t(item.labelKey)}</Link>
          </li>
        ))}
      </ul>
    </>
  );
}
