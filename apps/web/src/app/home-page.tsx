import { useCallback, useState } from 'react';
import { Link } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { useMe } from './auth-context';
import { homeKindOf } from './home-kind';
import { visibleNavItems } from './nav-items';
import { usePageTitle } from './use-page-title';
import { usePhoneLayout } from './use-phone-layout';
import { ErrorMessage } from '../components/error-message';
import { StatusMessage } from '../components/status-message';
import { CommunitySections } from '../features/home/community-home';
import { GridHome } from '../features/home/grid-home';
import { OfficeSections } from '../features/home/office-home';
import { ResidentHome } from '../features/home/resident-home';
import { useHome } from '../features/home/use-home';

/** Every role's home is its work (issue 11 §2): which one is chosen by the roles granted. */
export function HomePage() {
  const { t } = useTranslation();
  const me = useMe();
  const kind = homeKindOf(me);
  usePageTitle(t('home.title'));
  return (
    <>
      <h1>{t(`home.heading.${kind}`)}</h1>
      <p>{t('home.welcome', { name: me.displayName })}</p>
      {kind === 'resident' ? <ResidentHome /> : <StaffHome kind={kind} />}
    </>
  );
}

function StaffHome({ kind }: { kind: 'office' | 'community' | 'grid' | 'other' }) {
  const { t } = useTranslation();
  const me = useMe();
  const [trendDays, setTrendDays] = useState<30 | 90>(30);
  const [tick, setTick] = useState(0);
  const onLive = useCallback(() => setTick((n) => n + 1), []);
  const home = useHome(trendDays, tick);
  const phone = usePhoneLayout();
  const shortcuts = visibleNavItems(me.permissions).filter((item) => item.to !== '/');
  return (
    <>
      <StatusMessage>{home.loading ? t('common.loading') : ''}</StatusMessage>
      {home.error && <ErrorMessage error={home.error} />}
      {kind === 'grid' && <GridHome home={home.data} />}
      {kind === 'community' && home.data && <CommunitySections home={home.data} />}
      {kind === 'office' && home.data && (
        <OfficeSections home={home.data} trendDays={trendDays} onTrendDays={setTrendDays} onLive={onLive} />
      )}
      {/* On a phone the same places are one tap away in the bottom bar and "more". */}
      {!phone && (
        <section aria-labelledby="home-shortcuts">
          <h2 id="home-shortcuts">{t('home.shortcuts')}</h2>
          <ul className="card-list">
            {shortcuts.map((item) => (
              <li key={item.to}>
                <Link to={item.to}>{t(item.labelKey)}</Link>
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}
