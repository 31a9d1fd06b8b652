import { endpoints } from '@civitas/contracts/endpoints';
import { openCaseStates } from '@civitas/contracts/cases';
import { Link } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { useEndpoint } from '../../app/use-resource';
import { ErrorMessage } from '../../components/error-message';
import { CaseListBrief } from './case-list-brief';

/** Waiting on the resident first: a question to answer, a fix to confirm. */
const ORDER = ['pending_info', 'resolved', 'reopened', 'submitted', 'accepted', 'assigned', 'in_progress'];

/** A resident's home: clear ways in, then what they reported that is still open and what comes next. */
export function ResidentHome() {
  const { t } = useTranslation();
  const open = useEndpoint(endpoints.cases.list, {
    query: { state: [...openCaseStates, 'resolved'].join(','), limit: 20 },
  });
  const items = [...(open.data?.items ?? [])].sort((a, b) => ORDER.indexOf(a.state) - ORDER.indexOf(b.state));
  return (
    <>
      <p>{t('home.residentIntro')}</p>
      <ul className="entry-points" data-testid="resident-entries">
        <li>
          <Link to="/cases/report" className="entry-point primary">
            {t('nav.caseReport')}
          </Link>
          <p className="hint">{t('home.reportHint')}</p>
        </li>
        <li>
          <Link to="/cases/mine" className="entry-point">
            {t('nav.caseMine')}
          </Link>
          <p className="hint">{t('home.mineHint')}</p>
        </li>
      </ul>
      <section aria-labelledby="home-open-reports">
        <h2 id="home-open-reports">{t('home.openReports')}</h2>
        {open.error && <ErrorMessage error={open.error} />}
        {open.loading && <p role="status">{t('common.loading')}</p>}
        {open.data && items.length === 0 && <p>{t('home.noOpenReports')}</p>}
        {items.length > 0 && (
          <div data-figure="openReports" data-value={open.data?.total}>
            <CaseListBrief cases={items} label={t('home.openReports')} nextStep />
          </div>
        )}
      </section>
    </>
  );
}
