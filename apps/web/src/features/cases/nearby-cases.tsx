import { Link } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { ApiError, buildQuery } from '../../app/api-client';
import { useResource } from '../../app/use-resource';
import { ErrorMessage } from '../../components/error-message';
import type { LatLng } from './case-map';
import type { NearbyCase } from './case-api';

/** Open cases of the same category near the point: the reporter may be about to file a duplicate. */
export function NearbyCases({
  category,
  point,
  linkToCases,
}: {
  category: string;
  point: LatLng | null;
  linkToCases: boolean;
}) {
  const { t } = useTranslation();
  const path =
    category && point
      ? `/cases/nearby${buildQuery({ category, lat: point.lat.toFixed(6), lng: point.lng.toFixed(6) })}`
      : null;
  const nearby = useResource<{ items: NearbyCase[] }>(path);
  if (!path) return null;
  // The duplicate check is a staff read on this server; without it the report still goes through.
  const unavailable = nearby.error instanceof ApiError && nearby.error.status === 403;
  return (
    <section aria-labelledby="nearby-heading" className="panel" data-testid="nearby-cases">
      <h2 id="nearby-heading">{t('cases.nearby.title')}</h2>
      <div role="status" aria-live="polite">
        {nearby.loading
          ? t('common.loading')
          : unavailable
            ? t('cases.nearby.unavailable')
            : nearby.data
              ? nearby.data.items.length === 0
                ? t('cases.nearby.none')
                : t('cases.nearby.found', { count: nearby.data.items.length })
              : ''}
      </div>
      {!unavailable && <ErrorMessage error={nearby.error} />}
      {nearby.data && nearby.data.items.length > 0 && (
        <ul className="card-list">
          {nearby.data.items.map((c) => (
            <li key={c.id}>
              {linkToCases ? <Link to={`/cases/${c.id}`}>{c.ref}</Link> : c.ref} {c.title} ·{' '}
              {t(`cases.state.${c.state}`)} · {t('cases.nearby.distance', { m: Math.round(c.distanceM) })}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
