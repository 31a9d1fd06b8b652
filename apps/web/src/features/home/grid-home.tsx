import { endpoints } from '@civitas/contracts/endpoints';
import { openCaseStates } from '@civitas/contracts/cases';
import type { HomeOverview } from '@civitas/contracts/home';
import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { useMe } from '../../app/auth-context';
import { useEndpoint } from '../../app/use-resource';
import { ErrorMessage } from '../../components/error-message';
import { listEntries, type QueueEntry } from '../cases/offline-queue';
import { CaseListBrief } from './case-list-brief';
import { PeopleAndDevices } from './community-home';
import { FigureList } from './figure-list';

/**
 * The grid worker's day: the tasks assigned to them (overdue and due soon first), the people of
 * the grid who may need a visit, and what the phone still holds unsent. The queue is only read
 * here; the grid page sends and resolves it.
 */
export function GridHome({ home }: { home: HomeOverview | null }) {
  const { t } = useTranslation();
  const me = useMe();
  const tasks = useEndpoint(endpoints.cases.list, {
    query: { assignedToMe: 'true', state: openCaseStates.join(','), limit: 20 },
  });
  const queue = useQueuedEntries(me.id);
  const mine = home?.cases?.mine;
  const unsent = queue?.filter((e) => e.status === 'pending').length ?? null;
  const stuck = queue?.filter((e) => e.status !== 'pending').length ?? null;
  return (
    <>
      <section aria-labelledby="home-today">
        <h2 id="home-today">{t('home.today')}</h2>
        <FigureList
          label={t('home.today')}
          figures={[
            { name: 'mineOpen', label: t('home.fig.mineOpen'), value: mine?.open ?? null, to: '/grid' },
            {
              name: 'mineOverdue',
              label: t('home.fig.overdue'),
              value: mine?.overdue ?? null,
              alert: true,
              to: '/grid',
            },
            {
              name: 'mineDueSoon',
              label: t('home.fig.dueSoon', { hours: home?.cases?.dueSoonHours ?? 24 }),
              value: mine?.dueSoon ?? null,
              alert: true,
              to: '/grid',
            },
            { name: 'queued', label: t('home.fig.queued'), value: unsent, to: '/grid' },
            { name: 'queueFailed', label: t('home.fig.queueFailed'), value: stuck, alert: true, to: '/grid' },
          ]}
        />
        {tasks.error && <ErrorMessage error={tasks.error} />}
        {tasks.data && tasks.data.items.length === 0 && <p>{t('home.noTasks')}</p>}
        {tasks.data && tasks.data.items.length > 0 && (
          <CaseListBrief cases={tasks.data.items} label={t('home.tasks')} />
        )}
        <p>
          <Link to="/grid" className="entry-point primary">
            {t('home.openGrid')}
          </Link>
        </p>
      </section>
      {home && <PeopleAndDevices home={home} />}
    </>
  );
}

/** The offline queue as stored on this device (IndexedDB), read once when the home opens. */
function useQueuedEntries(userId: string): QueueEntry[] | null {
  const [entries, setEntries] = useState<QueueEntry[] | null>(null);
  useEffect(() => {
    let live = true;
    listEntries(userId).then(
      (e) => live && setEntries(e),
      () => live && setEntries([]),
    );
    return () => {
      live = false;
    };
  }, [userId]);
  return entries;
}
