import { endpoints } from '@civitas/contracts/endpoints';
import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../app/api-client';
import { caseTitle, formatDateTime, localizedName } from '../../app/localized';
import { usePageTitle } from '../../app/use-page-title';
import { useEndpoint } from '../../app/use-resource';
import { ErrorMessage } from '../../components/error-message';
import { StatusMessage } from '../../components/status-message';
import { NotFoundPage } from '../../app/not-found-page';
import type { AnyCase, ResidentCase, StaffCase } from './case-api';
import { CaseActionsPanel } from './case-actions-panel';
import { CaseContact } from './contact-reveal';
import { CasePhotos } from './case-photos';
import { CaseTimeline } from './case-timeline';
import { ResidentFeedback } from './resident-feedback';

function Row({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="detail-row">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function StaffFacts({ c }: { c: StaffCase }) {
  const { t, i18n } = useTranslation();
  const [lng, lat] = c.location.coordinates;
  return (
    <dl className="details" data-testid="case-facts">
      <Row label={t('cases.fields.state')}>
        <span className={`badge state-${c.state}`} data-testid="case-state">
          {t(`cases.state.${c.state}`)}
        </span>
        {c.supervised && <span className="badge badge-supervised">{t('cases.supervised')}</span>}
        {c.overdue && <span className="badge badge-overdue">{t('cases.overdue')}</span>}
      </Row>
      {/* The version is the server's concurrency counter, not a fact for people: the last change is. */}
      <Row label={t('cases.fields.updatedAt')}>
        <time dateTime={c.updatedAt} data-testid="case-version" data-version={c.version}>
          {formatDateTime(c.updatedAt, i18n.language)}
        </time>
      </Row>
      <Row label={t('cases.fields.category')}>{localizedName(c.category.name, i18n.language)}</Row>
      <Row label={t('cases.fields.channel')}>{t(`cases.channel.${c.channel}`)}</Row>
      <Row label={t('cases.fields.description')}>{c.description || '—'}</Row>
      <Row label={t('cases.fields.address')}>{c.address ?? '—'}</Row>
      <Row label={t('cases.fields.location')}>
        {lat.toFixed(5)}, {lng.toFixed(5)} ({localizedName(c.unit.name, i18n.language)})
      </Row>
      <Row label={t('cases.fields.responsible')}>
        {localizedName(c.responsible.unit.name, i18n.language)}
        {c.responsible.department && ` · ${t(`departments.${c.responsible.department}`)}`} ·{' '}
        {t(`roles.${c.responsible.role}`, { defaultValue: c.responsible.role })}
      </Row>
      <Row label={t('cases.fields.assignee')}>{c.assignee?.name ?? '—'}</Row>
      <Row label={t('cases.fields.reporter')}>{c.reporter?.name ?? '—'}</Row>
      {c.contact && (
        <Row label={t('cases.contact.title')}>
          <CaseContact caseId={c.id} contact={c.contact} />
        </Row>
      )}
      <Row label={t('cases.fields.responseDue')}>{formatDateTime(c.responseDueAt, i18n.language)}</Row>
      <Row label={t('cases.fields.resolutionDue')}>{formatDateTime(c.resolutionDueAt, i18n.language)}</Row>
      {c.escalationLevel > 0 && <Row label={t('cases.fields.escalation')}>{c.escalationLevel}</Row>}
      {c.supervision && (
        <Row label={t('cases.fields.supervision')}>
          {localizedName(c.supervision.byUnit.name, i18n.language)} {c.supervision.note ?? ''}
        </Row>
      )}
      {c.resolutionNote && <Row label={t('cases.fields.resolutionNote')}>{c.resolutionNote}</Row>}
      {c.rejectionReason && <Row label={t('cases.fields.rejectionReason')}>{c.rejectionReason}</Row>}
      {c.duplicateOf && (
        <Row label={t('cases.fields.duplicateOf')}>
          <Link to={`/cases/${c.duplicateOf}`}>{t('cases.openCase')}</Link>
        </Row>
      )}
      {c.satisfaction !== null && <Row label={t('cases.fields.satisfaction')}>{c.satisfaction} / 5</Row>}
    </dl>
  );
}

function ResidentFacts({ c }: { c: ResidentCase }) {
  const { t, i18n } = useTranslation();
  return (
    <dl className="details" data-testid="case-facts">
      <Row label={t('cases.fields.state')}>
        <span className={`badge state-${c.state}`} data-testid="case-state">
          {t(`cases.state.${c.state}`)}
        </span>
        {c.supervised && <span className="badge badge-supervised">{t('cases.supervised')}</span>}
      </Row>
      <Row label={t('cases.fields.category')}>{localizedName(c.category.name, i18n.language)}</Row>
      <Row label={t('cases.fields.description')}>{c.description || '—'}</Row>
      <Row label={t('cases.fields.address')}>{c.address ?? '—'}</Row>
      <Row label={t('cases.fields.responsible')}>
        {localizedName(c.responsibleUnit.name, i18n.language)}
        {c.responsibleDepartment && ` · ${t(`departments.${c.responsibleDepartment}`)}`}
      </Row>
      {c.expectedAt && (
        <Row label={t('cases.fields.expectedAt')}>{formatDateTime(c.expectedAt, i18n.language)}</Row>
      )}
      {c.resolutionNote && <Row label={t('cases.fields.resolutionNote')}>{c.resolutionNote}</Row>}
      {c.rejectionReason && <Row label={t('cases.fields.rejectionReason')}>{c.rejectionReason}</Row>}
      {c.satisfaction !== null && <Row label={t('cases.fields.satisfaction')}>{c.satisfaction} / 5</Row>}
    </dl>
  );
}

/** One case: staff get the facts, the allowed actions and the full timeline; reporters the public view. */
export default function CaseDetailPage() {
  const { t, i18n } = useTranslation();
  const { id = '' } = useParams();
  const loaded = useEndpoint(endpoints.cases.get, { params: { id } });
  const [latest, setLatest] = useState<AnyCase | null>(null);
  const [message, setMessage] = useState<{ text: string; conflict: boolean } | null>(null);
  const fresh = latest && latest.id === id && (!loaded.data || latest.version >= loaded.data.version);
  const c = fresh ? latest : loaded.data;
  usePageTitle(c ? `${c.ref} ${caseTitle(c, i18n.language)}` : t('cases.detail.title'));

  if (loaded.error instanceof ApiError && (loaded.error.status === 404 || loaded.error.status === 400))
    return <NotFoundPage messageKey="cases.detail.notFound" />;

  const changed = (next: AnyCase, text: string) => {
    setLatest(next);
    setMessage({ text, conflict: false });
  };
  const conflicted = (now: StaffCase) => {
    setLatest(now);
    setMessage({
      text: t('cases.conflict.message', { state: t(`cases.state.${now.state}`), version: now.version }),
      conflict: true,
    });
  };

  return (
    <>
      <p>
        <Link to={c?.view === 'staff' ? '/cases' : '/cases/mine'}>{t('cases.detail.back')}</Link>
      </p>
      <h1>{c ? `${c.ref} · ${caseTitle(c, i18n.language)}` : t('cases.detail.title')}</h1>
      <ErrorMessage error={loaded.error} />
      <StatusMessage>
        {loaded.loading && !c ? t('common.loading') : message && !message.conflict ? message.text : ''}
      </StatusMessage>
      {message?.conflict && (
        <div role="alert" className="notice conflict" data-testid="case-conflict">
          <p>{message.text}</p>
          <p>{t('cases.conflict.retry')}</p>
        </div>
      )}
      {c?.view === 'staff' && (
        <div className="case-layout">
          <section aria-labelledby="facts-heading" className="panel">
            <h2 id="facts-heading">{t('cases.detail.facts')}</h2>
            <StaffFacts c={c} />
          </section>
          <section className="panel">
            <CaseActionsPanel current={c} onChanged={changed} onConflict={conflicted} />
          </section>
        </div>
      )}
      {c?.view === 'public' && (
        <>
          <ResidentFacts c={c} />
          {c.allowedActions.includes('confirm') && <ResidentFeedback current={c} onChanged={changed} />}
        </>
      )}
      {c && <CasePhotos caseId={c.id} version={c.version} />}
      {c && <CaseTimeline caseId={c.id} version={c.version} />}
    </>
  );
}
