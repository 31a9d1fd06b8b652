import type { AnyCase } from '@civitas/contracts/endpoints/cases';
import { Link } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { localizedName } from '../../app/localized';

/**
 * Cases as a short list: reference, title, state and, for a resident, what happens next. Titles
 * are shown as written; the category names the kind of problem in the reader's language.
 */
export function CaseListBrief({
  cases,
  label,
  nextStep = false,
}: {
  cases: AnyCase[];
  label: string;
  nextStep?: boolean;
}) {
  const { t, i18n } = useTranslation();
  return (
    <ul className="case-brief" aria-label={label}>
      {cases.map((c) => (
        <li key={c.id} data-case={c.ref}>
          <Link to={`/cases/${c.id}`}>
            <span className="case-brief-title">{c.title}</span>
          </Link>
          <span className="case-brief-meta">
            {localizedName(c.category.name, i18n.language)} · {c.ref} ·{' '}
            <strong>{t(`cases.state.${c.state}`)}</strong>
          </span>
          {nextStep && <span className="case-brief-next">{t(`home.next.${c.state}`)}</span>}
        </li>
      ))}
    </ul>
  );
}
