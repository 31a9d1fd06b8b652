import { useEffect, useRef, useState, type RefObject } from 'react';
import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import { escapeHtml } from './escape-html';

/**
 * The base every map of the app shares: a Leaflet map created once in `containerRef` (`onCreate`
 * binds its events, read once at creation), and the configured tile layer when there is one. Maps
 * draw their content as vectors, so they stay useful without tiles; `tilesFailed` says when the
 * tile server did not answer, for the page to tell the user.
 */
export function useLeafletMap(
  containerRef: RefObject<HTMLDivElement | null>,
  tileUrl: string | null,
  tileAttribution: string | null,
  init: { center: L.LatLngExpression; zoom: number; onCreate?: (map: L.Map) => void },
) {
  const mapRef = useRef<L.Map | null>(null);
  const initRef = useRef(init);
  const [tilesFailed, setTilesFailed] = useState(false);

  useEffect(() => {
    if (!containerRef.current) return;
    const { center, zoom, onCreate } = initRef.current;
    const map = L.map(containerRef.current, { center, zoom });
    onCreate?.(map);
    mapRef.current = map;
    return () => {
      map.remove();
      mapRef.current = null;
    };
  }, [containerRef]);

  useEffect(() => {
    const map = mapRef.current;
    if (!map || !tileUrl) return;
    // Leaflet shows the attribution as HTML; the configured text is shown as text (docs/configuration.md).
    const tiles = L.tileLayer(tileUrl, { attribution: escapeHtml(tileAttribution ?? ''), maxZoom: 19 });
    tiles.once('tileerror', () => setTilesFailed(true));
    tiles.addTo(map);
    return () => {
      tiles.remove();
    };
  }, [tileUrl, tileAttribution]);

  return { mapRef, tilesFailed };
}
