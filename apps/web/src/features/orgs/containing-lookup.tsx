import { endpoints } from '@civitas/contracts/endpoints';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { localizedName } from '../../app/localized';
import { useEndpoint } from '../../app/use-resource';
import { ErrorMessage } from '../../components/error-message';
import { StatusMessage } from '../../components/status-message';

interface ContainingLookupProps {
  point: { lat: number; lng: number } | null;
  onPoint: (lat: number, lng: number) => void;
}

/** The keyboard route to the same lookup a map click does. */
export function ContainingLookup({ point, onPoint }: ContainingLookupProps) {
  const { t, i18n } = useTranslation();
  const [draft, setDraft] = useState({ lat: '', lng: '' });
  const result = useEndpoint(
    endpoints.orgs.containing,
    point ? { query: { lat: point.lat.toFixed(6), lng: point.lng.toFixed(6) } } : null,
  );

  function submit(event: FormEvent) {
    event.preventDefault();
    const lat = Number(draft.lat);
    const lng = Number(draft.lng);
    if (Number.isFinite(lat) && Number.isFinite(lng)) onPoint(lat, lng);
  }

  return (
    <section aria-labelledby="containing-heading" className="panel">
      <h2 id="containing-heading">{t('orgs.containingTitle')}</h2>
      <p>{t('orgs.containingHelp')}</p>
      <form className="form-row" onSubmit={submit}>
        <div className="field">
          <label htmlFor="point-lat">{t('orgs.lat')}</label>
          <input
            id="point-lat"
            type="number"
            step="any"
            min={-90}
            max={90}
            required
            value={draft.lat}
            onChange={(e) => setDraft({ ...draft, lat: e.target.value })}
          />
        </div>
        <div className="field">
          <label htmlFor="point-lng">{t('orgs.lng')}</label>
          <input
            id="point-lng"
            type="number"
            step="any"
            min={-180}
            max={180}
            required
            value={draft.lng}
            onChange={(e) => setDraft({ ...draft, lng: e.target.value })}
          />
        </div>
        <button type="submit">{t('orgs.lookup')}</button>
      </form>
      <StatusMessage>
        {point && (
          <span data-testid="containing-point">
            {t('orgs.pointAt', { lat: point.lat.toFixed(5), lng: point.lng.toFixed(5) })}{' '}
            {result.loading
              ? t('common.loading')
              : result.data?.items.length === 0
                ? t('orgs.noContaining')
                : ''}
          </span>
        )}
      </StatusMessage>
      <ErrorMessage error={result.error} />
      {result.data && result.data.items.length > 0 && (
        <ol data-testid="containing-result">
          {result.data.items.map((u) => (
            <li key={u.id}>
              {t(`unitTypes.${u.type}`)}: {localizedName(u.name, i18n.language)}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
