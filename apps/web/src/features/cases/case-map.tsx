import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import L from 'leaflet';
import type { BoundaryGeometry } from '@civitas/contracts/common';
import { StatusMessage } from '../../components/status-message';
import { textElement } from '../../components/escape-html';
import { useLeafletMap } from '../../components/use-leaflet-map';

export interface MapMarker {
  id: string;
  lat: number;
  lng: number;
  label: string;
  /** Overdue or supervised cases are drawn in red. */
  urgent?: boolean;
}

export interface LatLng {
  lat: number;
  lng: number;
}

interface CaseMapProps {
  label: string;
  tileUrl: string | null;
  tileAttribution: string | null;
  boundaries?: BoundaryGeometry[];
  markers?: MapMarker[];
  point?: LatLng | null;
  onMapClick?: (point: LatLng) => void;
  onMarkerClick?: (id: string) => void;
  testId?: string;
  /** The installation area [west, south, east, north]: the first view when nothing else is shown. */
  area?: readonly [number, number, number, number] | null;
}

const boundaryStyle: L.PathOptions = { color: '#1d4f91', weight: 1, fillOpacity: 0.04 };

/**
 * Cases and picked points on a Leaflet map, following the org map's conventions: tiles only when a
 * tile URL is configured, the district's own base otherwise (use-leaflet-map.ts). The lists next to every map are
 * the keyboard route to the same cases.
 */
export function CaseMap({
  label,
  tileUrl,
  tileAttribution,
  boundaries = [],
  markers = [],
  point = null,
  onMapClick,
  onMarkerClick,
  testId = 'case-map',
  area = null,
}: CaseMapProps) {
  const { t } = useTranslation();
  const containerRef = useRef<HTMLDivElement>(null);
  const clickRef = useRef(onMapClick);
  const markerClickRef = useRef(onMarkerClick);
  const { mapRef, tilesFailed } = useLeafletMap(containerRef, tileUrl, tileAttribution, {
    center: [0, 0],
    zoom: 2,
    onCreate: (map) =>
      map.on('click', (e: L.LeafletMouseEvent) =>
        clickRef.current?.({ lat: e.latlng.lat, lng: e.latlng.lng }),
      ),
  });
  // Set once cases, boundaries or a point have placed the view; the area is only the fallback.
  const placedRef = useRef(false);

  useEffect(() => {
    clickRef.current = onMapClick;
    markerClickRef.current = onMarkerClick;
  }, [onMapClick, onMarkerClick]);

  useEffect(() => {
    const map = mapRef.current;
    if (!map) return;
    const group = L.featureGroup();
    for (const b of boundaries) group.addLayer(L.geoJSON(b, { style: boundaryStyle, interactive: false }));
    for (const m of markers) {
      const marker = L.circleMarker([m.lat, m.lng], {
        radius: 7,
        color: m.urgent ? '#b3261e' : '#1d4f91',
        fillOpacity: 0.8,
      });
      // Case titles are written by residents: text, never HTML.
      marker.bindTooltip(textElement(m.label));
      marker.on('click', () => markerClickRef.current?.(m.id));
      group.addLayer(marker);
    }
    group.addTo(map);
    // Fit once to what there is to see; later changes (a new filter) refit, a picked point does not.
    const bounds = group.getBounds();
    if (bounds.isValid()) {
      map.fitBounds(bounds, { padding: [16, 16], maxZoom: 17 });
      placedRef.current = true;
    }
    return () => {
      group.remove();
    };
  }, [mapRef, boundaries, markers]);

  useEffect(() => {
    const map = mapRef.current;
    if (!map || !point) return;
    const marker = L.circleMarker([point.lat, point.lng], { radius: 8, color: '#000', fillOpacity: 0.9 });
    marker.addTo(map);
    placedRef.current = true;
    if (!map.getBounds().contains([point.lat, point.lng]) || map.getZoom() < 14)
      map.setView([point.lat, point.lng], Math.max(map.getZoom(), 16));
    return () => {
      marker.remove();
    };
  }, [mapRef, point]);

  const [west, south, east, north] = area ?? [0, 0, 0, 0];
  useEffect(() => {
    const map = mapRef.current;
    if (!map || placedRef.current || (west === east && south === north)) return;
    map.fitBounds(
      [
        [south, west],
        [north, east],
      ],
      { padding: [8, 8] },
    );
  }, [mapRef, west, south, east, north]);

  return (
    <div className="map-wrap">
      <div ref={containerRef} className="map" role="region" aria-label={label} data-testid={testId} />
      <StatusMessage>{!tileUrl || tilesFailed ? t('cases.map.noTiles') : ''}</StatusMessage>
    </div>
  );
}
