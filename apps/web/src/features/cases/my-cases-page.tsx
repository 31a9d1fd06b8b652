import { endpoints } from '@civitas/contracts/endpoints';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { useCan } from '../../app/auth-context';
import { caseTitle, formatDateTime, localizedName } from '../../app/localized';
import { usePageTitle } from '../../app/use-page-title';
import { useEndpoint } from '../../app/use-resource';
import { ErrorMessage } from '../../components/error-message';
import { Pager } from '../../components/pager';
import { StatusMessage } from '../../components/status-message';

const PAGE_SIZE = 20;

/** Residents: the cases they reported or follow. Staff: the cases assigned to them. */
export default function MyCasesPage() {
  const { t, i18n } = useTranslation();
  const isStaff = useCan('case.read');
  const [offset, setOffset] = useState(0);
  usePageTitle(t('cases.mine.title'));
  const cases = useEndpoint(endpoints.cases.list, {
    query: { assignedToMe: isStaff ? 'true' : undefined, limit: PAGE_SIZE, offset },
  });

  return (
    <>
      <h1>{t('cases.mine.title')}</h1>
      <p>{isStaff ? t('cases.mine.staffIntro') : t('cases.mine.intro')}</p>
      <StatusMessage>
        {cases.loading
          ? t('common.loading')
          : cases.data
            ? t('cases.count', { count: cases.data.total })
            : ''}
      </StatusMessage>
      <ErrorMessage error={cases.error} />
      {cases.data?.total === 0 && (
        <p>
          {t('cases.mine.none')} <Link to="/cases/report">{t('nav.caseReport')}</Link>
        </p>
      )}
      <ul className="case-cards" data-testid="my-cases">
        {cases.data?.items.map((c) => (
          <li key={c.id} data-case-id={c.id}>
            <Link to={`/cases/${c.id}`}>
              <strong>{c.ref}</strong> {caseTitle(c, i18n.language)}
            </Link>
            <span className={`badge state-${c.state}`}>{t(`cases.state.${c.state}`)}</span>
            <span className="muted">
              {localizedName(c.category.name, i18n.language)} · {formatDateTime(c.createdAt, i18n.language)}
            </span>
          </li>
        ))}
      </ul>
      {cases.data && cases.data.total > PAGE_SIZE && (
        <Pager total={cases.data.total} limit={PAGE_SIZE} offset={offset} onChange={setOffset} />
      )}
    </>
  );
}
