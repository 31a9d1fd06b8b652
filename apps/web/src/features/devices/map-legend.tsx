import { useTranslation } from 'react-i18next';
import { legendFor, NEUTRAL_COLOUR, OFFLINE_COLOUR, scaledMetrics } from './map-colours';

/** The colour scales in words; every colour on the map is also spelled out in the list beside it. */
export function MapLegend() {
  const { t } = useTranslation();
  return (
    <div className="map-legend" data-testid="map-legend">
      <h3>{t('map.legend')}</h3>
      {scaledMetrics.map((metric) => (
        <div key={metric}>
          <p className="legend-title">{t(`map.scale.${metric}`)}</p>
          <ul className="legend-list">
            {legendFor(metric).map((l) => (
              <li key={l.levelKey}>
                <span className="swatch" style={{ background: l.colour }} aria-hidden="true" />
                {t(l.levelKey)}
              </li>
            ))}
          </ul>
        </div>
      ))}
      <ul className="legend-list">
        <li>
          <span className="swatch" style={{ background: NEUTRAL_COLOUR }} aria-hidden="true" />
          {t('map.level.online')}
        </li>
        <li>
          <span className="swatch" style={{ background: OFFLINE_COLOUR }} aria-hidden="true" />
          {t('map.level.offline')}
        </li>
      </ul>
    </div>
  );
}
