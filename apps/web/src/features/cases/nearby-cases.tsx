import { endpoints } from '@civitas/contracts/endpoints';
import { Link } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { caseTitle, localizedName } from '../../app/localized';
import { useEndpoint } from '../../app/use-resource';
import { ErrorMessage } from '../../components/error-message';
import type { LatLng } from './case-map';

/**
 * Open cases of the same category near the point: the reporter may be about to file a duplicate.
 * Staff get the cases themselves; residents a public view (reference, category, state, distance).
 */
export function NearbyCases({
  category,
  point,
  linkToCases,
}: {
  category: string;
  point: LatLng | null;
  linkToCases: boolean;
}) {
  const { t, i18n } = useTranslation();
  const asked = category && point ? { category, lat: point.lat.toFixed(6), lng: point.lng.toFixed(6) } : null;
  const nearby = useEndpoint(endpoints.cases.nearby, asked ? { query: asked } : null);
  if (!asked) return null;
  const data = nearby.data;
  return (
    <section aria-labelledby="nearby-heading" className="panel" data-testid="nearby-cases">
      <h2 id="nearby-heading">{t('cases.nearby.title')}</h2>
      <div role="status" aria-live="polite">
        {nearby.loading
          ? t('common.loading')
          : data
            ? data.items.length === 0
              ? t('cases.nearby.none')
              : t('cases.nearby.found', { count: data.items.length })
            : ''}
      </div>
      <ErrorMessage error={nearby.error} />
      {data?.view === 'staff' && data.items.length > 0 && (
        <ul className="card-list">
          {data.items.map((c) => (
            <li key={c.id}>
              {linkToCases ? <Link to={`/cases/${c.id}`}>{c.ref}</Link> : c.ref} {caseTitle(c, i18n.language)}{' '}
              · {t(`cases.state.${c.state}`)} · {t('cases.nearby.distance', { m: Math.round(c.distanceM) })}
            </li>
          ))}
        </ul>
      )}
      {data?.view === 'public' && data.items.length > 0 && (
        <ul className="card-list">
          {data.items.map((c) => (
            <li key={c.ref}>
              {c.ref} {localizedName(c.category.name, i18n.language)} · {t(`cases.state.${c.state}`)} ·{' '}
              {t('cases.nearby.distance', { m: Math.round(c.distanceM) })}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
