import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { errorKey, problemMessage } from '../../components/error-message';
import { ApiError } from '../../app/api-client';
import { conflictCase, failureOf, type QueueEntry, type QueueFailure } from './offline-queue';
import type { GridQueue } from './use-grid-queue';

function describe(entry: QueueEntry, t: (k: string, o?: Record<string, unknown>) => string): string {
  const w = entry.work;
  return w.kind === 'create'
    ? t('grid.queue.newCase', { title: w.body.title })
    : t('grid.queue.action', { action: t(`cases.action.${w.body.action}`), ref: w.ref });
}

/** Says whether a queued action carries a photo, and whether that photo already reached the server. */
function PhotoNote({ entry }: { entry: QueueEntry }) {
  const { t } = useTranslation();
  const photo = entry.work.photo;
  if (!photo) return null;
  return (
    <span className="muted" data-testid="queued-photo" data-sent={photo.sent}>
      {' · '}
      {photo.sent ? t('grid.queue.photoSent') : t('grid.queue.withPhoto', { name: photo.name })}
    </span>
  );
}

/** Why the server refused, in the worker's language: the code's own sentence, else its status's. */
function useRefusal() {
  const { t, i18n } = useTranslation();
  return (f: QueueFailure | null) =>
    (f && problemMessage(f, t, i18n)) ?? t(errorKey(new ApiError(f?.status ?? 500, null)));
}

/** What waits to be sent, and what the server refused: conflicts show the case as it is now. */
export function QueuePanel({ queue }: { queue: GridQueue }) {
  const { t } = useTranslation();
  const refusal = useRefusal();
  const pending = queue.entries.filter((e) => e.status === 'pending');
  const problems = queue.entries.filter((e) => e.status !== 'pending');
  return (
    <section aria-labelledby="queue-heading" className="panel queue-panel" data-testid="sync-panel">
      <h2 id="queue-heading">{t('grid.queue.title')}</h2>
      <p
        role="status"
        aria-live="polite"
        data-testid="sync-status"
        data-pending={pending.length}
        data-sent={queue.sentTotal}
      >
        {!queue.online
          ? t('grid.queue.offline', { count: pending.length })
          : queue.syncing
            ? t('grid.queue.syncing')
            : pending.length > 0
              ? t('grid.queue.waiting', { count: pending.length })
              : t('grid.queue.allSent')}
      </p>
      {pending.length > 0 && (
        <ul data-testid="queue-pending">
          {pending.map((e) => (
            <li key={e.id}>
              {describe(e, t)}
              <PhotoNote entry={e} />
            </li>
          ))}
        </ul>
      )}
      {problems.length > 0 && (
        <div role="alert" data-testid="sync-conflicts">
          <h3>{t('grid.queue.problems')}</h3>
          <ul>
            {problems.map((e) => {
              const current = conflictCase(e);
              const failure = failureOf(e);
              return (
                <li key={e.id} data-status={e.status}>
                  <p>
                    {describe(e, t)}
                    <PhotoNote entry={e} />
                  </p>
                  {current ? (
                    <p>
                      {t('grid.queue.conflict', {
                        state: t(`cases.state.${current.state}`),
                        version: current.version,
                      })}
                    </p>
                  ) : (
                    <>
                      <p data-testid="queue-refusal">
                        {t('grid.queue.failed', { reason: refusal(failure) })}
                      </p>
                      <p className="muted">{t('grid.queue.whatNow')}</p>
                    </>
                  )}
                  <div className="button-row">
                    {current && (
                      <button type="button" onClick={() => void queue.reapply(e)}>
                        {t('grid.queue.reapply')}
                      </button>
                    )}
                    {!current && (
                      <button type="button" onClick={() => void queue.retry(e)}>
                        {t('grid.queue.retry')}
                      </button>
                    )}
                    <button type="button" className="secondary" onClick={() => void queue.discard(e)}>
                      {t('grid.queue.discard')}
                    </button>
                    {e.work.kind === 'action' && (
                      <Link className="button-link" to={`/cases/${e.work.caseId}`}>
                        {t('grid.queue.openCase', { ref: e.work.ref })}
                      </Link>
                    )}
                  </div>
                </li>
              );
            })}
          </ul>
        </div>
      )}
    </section>
  );
}
