import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import L from 'leaflet';
import type { BoundaryGeometry } from '@civitas/contracts/common';
import type { MapCell, MapDevice } from '@civitas/contracts/devices';
import { StatusMessage } from '../../components/status-message';
import { textElement } from '../../components/escape-html';
import { useLeafletMap } from '../../components/use-leaflet-map';
import { colourFor } from './map-colours';

interface DeviceMapViewProps {
  tileUrl: string | null;
  tileAttribution: string | null;
  /** The selected unit's outline: the map fits it when the unit changes. */
  fitTo: BoundaryGeometry | null;
  cells: MapCell[];
  devices: MapDevice[];
  /** Called with `west,south,east,north` and the zoom after every move. */
  onView: (bbox: string, zoom: number) => void;
  describeCell: (cell: MapCell) => string;
  describeDevice: (device: MapDevice) => string;
}

const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);

function bboxOf(map: L.Map): string {
  const b = map.getBounds();
  return [
    clamp(b.getWest(), -180, 180),
    clamp(b.getSouth(), -90, 90),
    clamp(b.getEast(), -180, 180),
    clamp(b.getNorth(), -90, 90),
  ]
    .map((v) => v.toFixed(6))
    .join(',');
}

/**
 * Leaflet map of cells or devices, drawn as vectors so it works without a tile server (as the org
 * map does). Leaflet's own keyboard support pans with the arrow keys and zooms with + and −.
 */
export function DeviceMapView(props: DeviceMapViewProps) {
  const { tileUrl, tileAttribution, fitTo, cells, devices, onView, describeCell, describeDevice } = props;
  const { t } = useTranslation();
  const containerRef = useRef<HTMLDivElement>(null);
  const viewRef = useRef(onView);
  const { mapRef, tilesFailed } = useLeafletMap(containerRef, tileUrl, tileAttribution, {
    center: [22.6, 113.9],
    zoom: 12,
    onCreate: (map) => map.on('moveend', () => viewRef.current(bboxOf(map), map.getZoom())),
  });

  useEffect(() => {
    viewRef.current = onView;
  }, [onView]);

  useEffect(() => {
    const map = mapRef.current;
    if (!map) return;
    const bounds = fitTo ? L.geoJSON(fitTo).getBounds() : null;
    if (bounds?.isValid()) map.fitBounds(bounds, { padding: [8, 8] });
    // fitBounds fires moveend only when the view changes; the first answer must not wait for a move.
    viewRef.current(bboxOf(map), map.getZoom());
  }, [mapRef, fitTo]);

  useEffect(() => {
    const map = mapRef.current;
    if (!map) return;
    const group = L.layerGroup();
    for (const cell of cells) {
      const aqi = cell.worstAqi;
      const { colour } = colourFor(
        aqi !== null ? 'aqi' : cell.metric,
        aqi ?? cell.meanValue,
        cell.online > 0,
      );
      L.polygon(
        cell.boundary.map(([lng, lat]) => [lat, lng] as [number, number]),
        { color: '#333', weight: 1, fillColor: colour, fillOpacity: 0.55, className: 'map-cell' },
      )
        .bindTooltip(textElement(describeCell(cell)))
        .addTo(group);
    }
    for (const device of devices) {
      const { colour } = colourFor(device.metric, device.value, device.connectivity === 'active');
      L.circleMarker([device.lat, device.lng], {
        radius: 7,
        color: '#222',
        weight: 1,
        fillColor: colour,
        fillOpacity: 0.9,
        className: 'map-device',
      })
        // Device names are user-written text, never HTML.
        .bindTooltip(textElement(describeDevice(device)))
        .addTo(group);
    }
    group.addTo(map);
    return () => {
      group.remove();
    };
  }, [mapRef, cells, devices, describeCell, describeDevice]);

  return (
    <div className="map-wrap">
      <div
        ref={containerRef}
        className="map"
        role="region"
        aria-label={t('map.mapLabel')}
        data-testid="device-map"
      />
      <StatusMessage>{!tileUrl || tilesFailed ? t('orgs.noTiles') : ''}</StatusMessage>
    </div>
  );
}
