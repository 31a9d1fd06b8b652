import { endpoints } from '@civitas/contracts/endpoints';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { localizedName } from '../../app/localized';
import { useEndpoint } from '../../app/use-resource';
import { CaseMap, type LatLng, type MapMarker } from './case-map';
import { useMapConfig } from './use-case-data';

interface LocationFieldsProps {
  idPrefix: string;
  point: LatLng | null;
  onPoint: (point: LatLng | null) => void;
  markers?: MapMarker[];
  showMap?: boolean;
}

const round = (n: number) => Math.round(n * 1e6) / 1e6;

/**
 * Where the problem is: a tap on the map, the device's position, or typed coordinates (the keyboard
 * route). The unit that contains the point is shown, so a point outside the installation is caught
 * before submitting.
 */
export function LocationFields({ idPrefix, point, onPoint, markers, showMap = true }: LocationFieldsProps) {
  const { t, i18n } = useTranslation();
  const map = useMapConfig();
  const [locating, setLocating] = useState<'idle' | 'busy' | 'failed'>('idle');
  const containing = useEndpoint(
    endpoints.orgs.containing,
    point ? { query: { lat: point.lat.toFixed(6), lng: point.lng.toFixed(6) } } : null,
  );
  const innermost = containing.data?.items[containing.data.items.length - 1];

  function useMyLocation() {
    if (!('geolocation' in navigator)) {
      setLocating('failed');
      return;
    }
    setLocating('busy');
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        setLocating('idle');
        onPoint({ lat: round(pos.coords.latitude), lng: round(pos.coords.longitude) });
      },
      () => setLocating('failed'),
      { enableHighAccuracy: true, timeout: 15_000, maximumAge: 60_000 },
    );
  }

  // Typed coordinates are a draft until both parse; a map tap or the device position replaces it.
  const pointKey = point ? `${point.lat},${point.lng}` : '';
  const [draft, setDraft] = useState({ key: '', lat: '', lng: '' });
  const shown =
    draft.key === pointKey
      ? draft
      : { key: pointKey, lat: point ? String(point.lat) : '', lng: point ? String(point.lng) : '' };

  function setCoord(field: 'lat' | 'lng', raw: string) {
    const next = { ...shown, [field]: raw };
    const lat = Number(next.lat);
    const lng = Number(next.lng);
    const valid =
      next.lat.trim() !== '' && next.lng.trim() !== '' && Math.abs(lat) <= 90 && Math.abs(lng) <= 180;
    if (valid && (lat !== point?.lat || lng !== point.lng)) {
      const nextKey = `${lat},${lng}`;
      setDraft({ ...next, key: nextKey });
      onPoint({ lat, lng });
    } else {
      setDraft(next);
    }
  }

  return (
    <fieldset className="location-fields">
      <legend>{t('cases.location.legend')}</legend>
      <p className="hint">{t('cases.location.help')}</p>
      <div className="button-row">
        <button type="button" className="secondary" onClick={useMyLocation} data-testid="use-my-location">
          {t('cases.location.useMine')}
        </button>
      </div>
      {showMap && map.ready && (
        <CaseMap
          label={t('cases.location.mapLabel')}
          tileUrl={map.tileUrl}
          tileAttribution={map.tileAttribution}
          area={map.area}
          markers={markers}
          point={point}
          onMapClick={(p) => onPoint({ lat: round(p.lat), lng: round(p.lng) })}
          testId={`${idPrefix}-map`}
        />
      )}
      <div className="form-row">
        <div className="field">
          <label htmlFor={`${idPrefix}-lat`}>{t('cases.location.lat')}</label>
          <input
            id={`${idPrefix}-lat`}
            type="number"
            step="any"
            min={-90}
            max={90}
            value={shown.lat}
            onChange={(e) => setCoord('lat', e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={`${idPrefix}-lng`}>{t('cases.location.lng')}</label>
          <input
            id={`${idPrefix}-lng`}
            type="number"
            step="any"
            min={-180}
            max={180}
            value={shown.lng}
            onChange={(e) => setCoord('lng', e.target.value)}
          />
        </div>
      </div>
      <p role="status" aria-live="polite" data-testid={`${idPrefix}-where`}>
        {locating === 'busy'
          ? t('cases.location.locating')
          : locating === 'failed'
            ? t('cases.location.locateFailed')
            : !point
              ? t('cases.location.none')
              : containing.loading
                ? t('common.loading')
                : innermost
                  ? t('cases.location.inUnit', {
                      unit: localizedName(innermost.name, i18n.language),
                      type: t(`unitTypes.${innermost.type}`),
                    })
                  : t('cases.location.outside')}
      </p>
    </fieldset>
  );
}
