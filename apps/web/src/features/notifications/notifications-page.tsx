import { endpoints } from '@civitas/contracts/endpoints';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import type { Notification } from '@civitas/contracts/notifications';
import { call } from '../../app/api-client';
import { formatDateTime } from '../../app/localized';
import { usePageTitle } from '../../app/use-page-title';
import { useEndpoint } from '../../app/use-resource';
import { ErrorMessage } from '../../components/error-message';
import { Pager } from '../../components/pager';
import { StatusMessage } from '../../components/status-message';
import { notificationText } from './notification-text';

const PAGE_SIZE = 20;

export default function NotificationsPage() {
  const { t, i18n } = useTranslation();
  const [offset, setOffset] = useState(0);
  const [unreadOnly, setUnreadOnly] = useState(false);
  const [message, setMessage] = useState('');
  const [error, setError] = useState<unknown>(null);
  const list = useEndpoint(endpoints.notifications.list, {
    query: { limit: PAGE_SIZE, offset, unread: unreadOnly ? 'true' : undefined },
  });
  usePageTitle(t('cases.notifications.title'));

  async function markRead(n: Notification) {
    setError(null);
    try {
      await call(endpoints.notifications.markRead, { params: { id: n.id } });
      setMessage(t('cases.notifications.markedOne'));
      list.reload();
    } catch (e) {
      setError(e);
    }
  }

  async function markAll() {
    setError(null);
    try {
      const r = await call(endpoints.notifications.markAllRead);
      setMessage(t('cases.notifications.markedAll', { count: r.marked }));
      list.reload();
    } catch (e) {
      setError(e);
    }
  }

  return (
    <>
      <h1>{t('cases.notifications.title')}</h1>
      <div className="button-row">
        <div className="field-check">
          <input
            id="unread-only"
            type="checkbox"
            checked={unreadOnly}
            onChange={(e) => {
              setUnreadOnly(e.target.checked);
              setOffset(0);
            }}
          />
          <label htmlFor="unread-only">{t('cases.notifications.unreadOnly')}</label>
        </div>
        <button
          type="button"
          className="secondary"
          disabled={!list.data?.unread}
          onClick={() => void markAll()}
        >
          {t('cases.notifications.markAll')}
        </button>
      </div>
      <StatusMessage>
        {list.loading
          ? t('common.loading')
          : message ||
            (list.data
              ? t('cases.notifications.summary', { unread: list.data.unread, total: list.data.total })
              : '')}
      </StatusMessage>
      <ErrorMessage error={list.error ?? error} />
      {list.data?.items.length === 0 && <p>{t('cases.notifications.none')}</p>}
      <ul className="notification-list" data-testid="notifications">
        {list.data?.items.map((n) => {
          const text = notificationText(n, t, i18n.language);
          return (
            <li key={n.id} className={n.readAt ? 'read' : 'unread'} data-kind={n.kind}>
              <p>
                <strong>{text.title}</strong>{' '}
                {!n.readAt && <span className="badge">{t('cases.notifications.new')}</span>}
              </p>
              <p>{text.body}</p>
              <p className="muted">
                <time dateTime={n.createdAt}>{formatDateTime(n.createdAt, i18n.language)}</time>
              </p>
              <div className="button-row">
                {n.caseId && <Link to={`/cases/${n.caseId}`}>{t('cases.openCase')}</Link>}
                {!n.readAt && (
                  <button type="button" className="small secondary" onClick={() => void markRead(n)}>
                    {t('cases.notifications.markRead')}
                  </button>
                )}
              </div>
            </li>
          );
        })}
      </ul>
      {list.data && list.data.total > PAGE_SIZE && (
        <Pager total={list.data.total} limit={PAGE_SIZE} offset={offset} onChange={setOffset} />
      )}
    </>
  );
}
