import { Link } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { useMe } from '../../app/auth-context';
import { visibleNavItems } from '../../app/nav-items';
import { usePageTitle } from '../../app/use-page-title';

export function HomePage() {
  const { t } = useTranslation();
  const me = useMe();
  usePageTitle(t('home.title'));
  const shortcuts = visibleNavItems(me.permissions).filter((item) => item.to !== '/');
  return (
    <>
      <h1>{t('home.title')}</h1>
      <p>{t('home.welcome', { name: me.displayName })}</p>
      {me.permissions.length === 0 && <p>{t('home.residentIntro')}</p>}
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
