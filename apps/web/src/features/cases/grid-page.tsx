import { endpoints } from '@civitas/contracts/endpoints';
import { useEffect, useMemo, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { useMe } from '../../app/auth-context';
import { caseTitle } from '../../app/localized';
import { usePageTitle } from '../../app/use-page-title';
import { useEndpoint } from '../../app/use-resource';
import { urlOf } from '../../app/api-client';
import { ErrorMessage } from '../../components/error-message';
import { StatusMessage } from '../../components/status-message';
import { OPEN_STATES, type StaffCase } from './case-api';
import { CaseMap, type MapMarker } from './case-map';
import { useCategories, useMapConfig } from './use-case-data';
import { prepareOfflineShell } from './offline-shell';
import { PatrolFinding } from './patrol-finding';
import { QueuePanel } from './queue-panel';
import { TaskCard } from './task-card';
import { useGridQueue } from './use-grid-queue';

/** The grid's task list; the offline shell keeps the answer to this very URL. */
const TASKS = { query: { state: OPEN_STATES.join(','), limit: 100 } };

/** The grid worker's phone app: today's open tasks in the grid, as a list or a map, usable offline. */
export default function GridPage() {
  const { t, i18n } = useTranslation();
  const me = useMe();
  const navigate = useNavigate();
  const tasks = useEndpoint(endpoints.cases.list, TASKS);
  const { categories } = useCategories();
  const mapConfig = useMapConfig();
  const queue = useGridQueue(me.id, tasks.reload);
  const [view, setView] = useState<'list' | 'map'>('list');
  const [offlineReady, setOfflineReady] = useState<boolean | null>(null);
  usePageTitle(t('grid.title'));

  useEffect(() => {
    prepareOfflineShell([
      urlOf(endpoints.auth.me),
      urlOf(endpoints.system.publicConfig),
      urlOf(endpoints.caseConfig.categories),
      urlOf(endpoints.cases.list, TASKS),
    ]).then(setOfflineReady, () => setOfflineReady(false));
  }, []);

  const items = useMemo(
    () => (tasks.data?.items ?? []).filter((c): c is StaffCase => c.view === 'staff'),
    [tasks.data],
  );
  const markers = useMemo<MapMarker[]>(
    () =>
      items.map((c) => ({
        id: c.id,
        lat: c.location.coordinates[1],
        lng: c.location.coordinates[0],
        label: `${c.ref} ${caseTitle(c, i18n.language)}`,
        urgent: c.overdue || c.supervised,
      })),
    [items, i18n.language],
  );
  const topCategories = categories.filter((c) => c.parentId === null);

  return (
    <div className="grid-app">
      <h1>{t('grid.title')}</h1>
      <p className="muted" data-testid="offline-ready" data-ready={offlineReady === true}>
        {offlineReady === null ? '' : offlineReady ? t('grid.offlineReady') : t('grid.offlineUnavailable')}
      </p>
      <QueuePanel queue={queue} />
      <StatusMessage>
        {tasks.loading ? t('common.loading') : tasks.data ? t('grid.taskCount', { count: items.length }) : ''}
      </StatusMessage>
      <ErrorMessage error={tasks.error} />
      <div className="segmented" role="group" aria-label={t('grid.viewLabel')}>
        <button type="button" aria-pressed={view === 'list'} onClick={() => setView('list')}>
          {t('grid.list')}
        </button>
        <button type="button" aria-pressed={view === 'map'} onClick={() => setView('map')}>
          {t('grid.map')}
        </button>
      </div>
      {view === 'map' && mapConfig.ready && (
        <CaseMap
          label={t('grid.mapLabel')}
          tileUrl={mapConfig.tileUrl}
          tileAttribution={mapConfig.tileAttribution}
          markers={markers}
          onMarkerClick={(id) => void navigate(`/cases/${id}`)}
          testId="grid-map"
        />
      )}
      {view === 'list' && (
        <>
          {tasks.data && items.length === 0 && <p>{t('grid.noTasks')}</p>}
          <ul className="task-list" data-testid="grid-tasks">
            {items.map((task) => (
              <TaskCard
                key={task.id}
                task={task}
                meId={me.id}
                queued={queue.entries.filter((e) => e.work.kind === 'action' && e.work.caseId === task.id)}
                onWork={queue.submit}
              />
            ))}
          </ul>
        </>
      )}
      <PatrolFinding categories={topCategories} onWork={queue.submit} />
    </div>
  );
}
