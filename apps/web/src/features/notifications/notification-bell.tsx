import { endpoints } from '@civitas/contracts/endpoints';
import { useEffect } from 'react';
import { Link, useLocation } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { useEndpoint } from '../../app/use-resource';

const REFRESH_MS = 60_000;

/** The header bell: unread count, refreshed every minute, when the tab regains focus and on navigation. */
export function NotificationBell() {
  const { t } = useTranslation();
  const location = useLocation();
  const counts = useEndpoint(endpoints.notifications.list, { query: { limit: 1, unread: 'true' } });
  const { reload } = counts;

  useEffect(() => {
    const timer = window.setInterval(reload, REFRESH_MS);
    window.addEventListener('focus', reload);
    return () => {
      window.clearInterval(timer);
      window.removeEventListener('focus', reload);
    };
  }, [reload]);

  useEffect(() => {
    reload();
  }, [location.pathname, reload]);

  const unread = counts.data?.unread ?? 0;
  // The name carries the count exactly as shown ("99+"), so what is seen is what is announced.
  const shown = unread > 99 ? '99+' : String(unread);
  return (
    <Link
      to="/notifications"
      className="bell"
      data-testid="notification-bell"
      aria-label={t('cases.notifications.bell', { count: shown })}
    >
      <span aria-hidden="true">🔔</span>
      {unread > 0 && (
        <span className="bell-count" aria-hidden="true">
          {shown}
        </span>
      )}
    </Link>
  );
}
