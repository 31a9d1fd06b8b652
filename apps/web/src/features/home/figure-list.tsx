import { Link } from 'react-router-dom';
import { useTranslation } from 'react-i18next';

export interface Figure {
  /** Stable name, also the e2e handle (data-figure). */
  name: string;
  label: string;
  value: number | null;
  /** Where the figure's own list opens, filtered to exactly what was counted. */
  to?: string;
  /** Drawn as needing attention (above zero), always said in words as well. */
  alert?: boolean;
}

/** A row of counts, each a link to the list it counts (the number is the link's first words). */
export function FigureList({ label, figures }: { label: string; figures: Figure[] }) {
  const { t, i18n } = useTranslation();
  const fmt = new Intl.NumberFormat(i18n.language);
  return (
    <ul className="figure-list" aria-label={label}>
      {figures.map((f) => {
        const attention = f.alert === true && (f.value ?? 0) > 0;
        const body = (
          <>
            <span className="figure-value">{f.value === null ? '—' : fmt.format(f.value)}</span>
            <span className="figure-label">{f.label}</span>
            {/* Kept in place when there is nothing to flag, so a tile's height does not follow the data. */}
            {f.alert === true && (
              <span className={attention ? 'figure-flag' : 'figure-flag figure-flag-off'}>
                {t('home.needsAttention')}
              </span>
            )}
          </>
        );
        return (
          <li
            key={f.name}
            className={attention ? 'figure attention' : 'figure'}
            data-figure={f.name}
            data-value={f.value ?? ''}
          >
            {f.to ? <Link to={f.to}>{body}</Link> : <div>{body}</div>}
          </li>
        );
      })}
    </ul>
  );
}
