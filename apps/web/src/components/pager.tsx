import { useTranslation } from 'react-i18next';

interface PagerProps {
  total: number;
  limit: number;
  offset: number;
  onChange: (offset: number) => void;
  /** False when the server stopped counting (e.g. at 10,000): `total` is then a lower bound. */
  totalExact?: boolean;
  /** Rows on the current page; with an inexact total, a full page means there may be more. */
  pageItems?: number;
}

/** "10,000+" for a count the server capped, the plain number otherwise. */
export function useCountText(): (total: number, exact: boolean) => string {
  const { t, i18n } = useTranslation();
  return (total, exact) =>
    exact ? String(total) : t('pager.atLeast', { count: total.toLocaleString(i18n.language) });
}

export function Pager({ total, limit, offset, onChange, totalExact = true, pageItems }: PagerProps) {
  const { t } = useTranslation();
  const countText = useCountText();
  const from = total === 0 && totalExact ? 0 : offset + 1;
  const shown = pageItems ?? Math.min(limit, Math.max(0, total - offset));
  const to = totalExact ? Math.min(offset + limit, total) : offset + shown;
  // Past a capped count the end is unknown: Next stays on while pages come back full.
  const atEnd = totalExact ? offset + limit >= total : shown < limit;
  return (
    <nav className="pager" aria-label={t('pager.label')}>
      <button type="button" disabled={offset === 0} onClick={() => onChange(Math.max(0, offset - limit))}>
        {t('pager.previous')}
      </button>
      <span>{t('pager.range', { from, to, total: countText(total, totalExact) })}</span>
      <button type="button" disabled={atEnd} onClick={() => onChange(offset + limit)}>
        {t('pager.next')}
      </button>
    </nav>
  );
}
