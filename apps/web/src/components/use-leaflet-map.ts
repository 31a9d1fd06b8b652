import { useEffect, useRef, useState, type RefObject } from 'react';
import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import { useTranslation } from 'react-i18next';
import { escapeHtml } from './escape-html';
import { drawMapBase, loadMapBase } from './map-base-layer';

/**
 * The base every map of the app shares: a Leaflet map created once in `containerRef` (`onCreate`
 * binds its events, read once at creation), and the configured tile layer when there is one. Maps
 * draw their content as vectors; without tiles (none configured, or the server did not answer:
 * `tilesFailed`) the district's own outlines, names and buildings are the base instead.
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

  const { i18n } = useTranslation();
  const ownBase = !tileUrl || tilesFailed;
  useEffect(() => {
    if (!ownBase) return;
    let undraw: (() => void) | null = null;
    let cancelled = false;
    // Without the base the page's own layers still stand: a failed load leaves the plain background.
    loadMapBase()
      .then((base) => {
        const map = mapRef.current;
        if (!cancelled && map) undraw = drawMapBase(map, base, i18n.language);
      })
      .catch(() => undefined);
    return () => {
      cancelled = true;
      undraw?.();
    };
  }, [ownBase, i18n.language]);

  return { mapRef, tilesFailed };
}
