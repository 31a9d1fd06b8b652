import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import L from 'leaflet';
import type { OrgUnit } from '@civitas/contracts/orgs';
import { localizedName } from '../../app/localized';
import { StatusMessage } from '../../components/status-message';
import { textElement } from '../../components/escape-html';
import { useLeafletMap } from '../../components/use-leaflet-map';

interface OrgMapProps {
  units: OrgUnit[];
  selectedId: string | null;
  tileUrl: string | null;
  tileAttribution: string | null;
  point: { lat: number; lng: number } | null;
  onMapClick: (lat: number, lng: number) => void;
}

const baseStyle: L.PathOptions = { color: '#1d4f91', weight: 1, fillOpacity: 0.05 };
const selectedStyle: L.PathOptions = { color: '#b3261e', weight: 3, fillOpacity: 0.2 };

/** Boundaries are drawn as vectors, so the map stays useful with no tile server or a failing one. */
export function OrgMap({ units, selectedId, tileUrl, tileAttribution, point, onMapClick }: OrgMapProps) {
  const { t, i18n } = useTranslation();
  const containerRef = useRef<HTMLDivElement>(null);
  const layersRef = useRef(new Map<string, L.GeoJSON>());
  const clickRef = useRef(onMapClick);
  const { mapRef, tilesFailed } = useLeafletMap(containerRef, tileUrl, tileAttribution, {
    center: [0, 0],
    zoom: 2,
    onCreate: (map) =>
      map.on('click', (e: L.LeafletMouseEvent) => clickRef.current(e.latlng.lat, e.latlng.lng)),
  });

  useEffect(() => {
    clickRef.current = onMapClick;
  }, [onMapClick]);

  useEffect(() => {
    const map = mapRef.current;
    if (!map) return;
    const group = L.featureGroup();
    const layers = new Map<string, L.GeoJSON>();
    for (const unit of units) {
      if (!unit.boundary) continue;
      const layer = L.geoJSON(unit.boundary, { style: baseStyle, interactive: false });
      layer.bindTooltip(textElement(localizedName(unit.name, i18n.language)), { sticky: true });
      layers.set(unit.id, layer);
      group.addLayer(layer);
    }
    group.addTo(map);
    layersRef.current = layers;
    const bounds = group.getBounds();
    if (bounds.isValid()) map.fitBounds(bounds, { padding: [8, 8] });
    return () => {
      group.remove();
    };
  }, [mapRef, units, i18n.language]);

  useEffect(() => {
    const map = mapRef.current;
    const layer = selectedId ? layersRef.current.get(selectedId) : undefined;
    if (!map || !layer) return;
    layer.setStyle(selectedStyle);
    layer.bringToFront();
    const bounds = layer.getBounds();
    if (bounds.isValid()) map.fitBounds(bounds, { padding: [16, 16] });
    return () => {
      layer.setStyle(baseStyle);
    };
  }, [mapRef, selectedId, units, i18n.language]);

  useEffect(() => {
    const map = mapRef.current;
    if (!map || !point) return;
    const marker = L.circleMarker([point.lat, point.lng], { radius: 6, color: '#000', fillOpacity: 0.9 });
    marker.addTo(map);
    return () => {
      marker.remove();
    };
  }, [mapRef, point]);

  return (
    <div className="map-wrap">
      <div
        ref={containerRef}
        className="map"
        role="region"
        aria-label={t('orgs.mapLabel')}
        data-testid="org-map"
      />
      <StatusMessage>{!tileUrl || tilesFailed ? t('orgs.noTiles') : ''}</StatusMessage>
    </div>
  );
}
