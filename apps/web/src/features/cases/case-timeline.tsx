import { endpoints } from '@civitas/contracts/endpoints';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../app/localized';
import { useEndpoint } from '../../app/use-resource';
import { ErrorMessage } from '../../components/error-message';

/** Every event of a case, oldest first. Staff see internal notes, marked; residents never get them. */
export function CaseTimeline({ caseId, version }: { caseId: string; version: number }) {
  const { t, i18n } = useTranslation();
  // A new version reloads the timeline whenever the case changes.
  const events = useEndpoint(endpoints.cases.timeline, { params: { id: caseId } }, version);
  return (
    <section aria-labelledby="timeline-heading" className="panel">
      <h2 id="timeline-heading">{t('cases.timeline.title')}</h2>
      <ErrorMessage error={events.error} />
      {events.loading && !events.data && <p>{t('common.loading')}</p>}
      <ol className="timeline" data-testid="case-timeline">
        {events.data?.items.map((e) => (
          <li key={e.id} className={e.internal ? 'internal' : undefined} data-action={e.action}>
            <p>
              <time dateTime={e.at}>{formatDateTime(e.at, i18n.language)}</time>{' '}
              <strong>{t(`cases.event.${e.action}`, { defaultValue: e.action })}</strong>
              {e.toState && e.fromState !== e.toState && <> → {t(`cases.state.${e.toState}`)}</>}
              {e.internal && <span className="badge badge-internal">{t('cases.timeline.internal')}</span>}
            </p>
            <p className="muted">
              {e.actor.name ??
                (e.actor.role
                  ? t(`roles.${e.actor.role}`, { defaultValue: e.actor.role })
                  : t('cases.timeline.system'))}
            </p>
            {e.note && <p className="timeline-note">{e.note}</p>}
          </li>
        ))}
      </ol>
    </section>
  );
}
