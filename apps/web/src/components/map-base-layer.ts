import { endpoints } from '@civitas/contracts/endpoints';
import type { MapBase } from '@civitas/contracts/endpoints/map';
import L from 'leaflet';
import { call } from '../app/api-client';
import { localizedName } from '../app/localized';
import { textElement } from './escape-html';

/** One request per page load: every map of the app draws the same district. */
let pending: Promise<MapBase> | null = null;
export function loadMapBase(): Promise<MapBase> {
  pending ??= call(endpoints.map.base).catch((e: unknown) => {
    pending = null;
    throw e;
  });
  return pending;
}

const PANE = 'civitas-base';
/** Buildings are dots from this zoom on; further out they would only be noise. */
const BUILDINGS_FROM_ZOOM = 15;
/** A unit narrower than this on screen is not named: the name would cover its neighbours. */
const LABEL_MIN_PX = 70;
/** Fills by depth, light enough that the page's own vectors (cases, devices) stay on top to the eye. */
const FILLS = ['#eef2e6', '#e6efe0', '#f3efe2', '#e8eef3', '#f1e9ee'];

/**
 * The district drawn from its own data, for maps without a tile server (ADR 0050): unit outlines
 * as a land map, names placed where a unit is big enough on screen to hold one, and buildings as
 * dots once zoomed in. It sits in a pane under the page's own layers and never takes a click.
 */
export function drawMapBase(map: L.Map, base: MapBase, language: string): () => void {
  if (!map.getPane(PANE)) {
    const pane = map.createPane(PANE);
    pane.style.zIndex = '250';
    pane.style.pointerEvents = 'none';
  }
  const renderer = L.canvas({ pane: PANE });
  const outlines = L.layerGroup();
  const labels = base.units.map((u) => {
    const fill = FILLS[u.depth % FILLS.length];
    const layer = L.geoJSON(u.boundary, {
      pane: PANE,
      interactive: false,
      style: {
        color: '#7d8a96',
        weight: u.depth <= 1 ? 2 : 1,
        fillColor: fill,
        fillOpacity: 1,
        dashArray: u.depth >= 3 ? '4 3' : '',
      },
    });
    outlines.addLayer(layer);
    const bounds = layer.getBounds();
    const text = localizedName(u.name, language);
    const label = L.marker(bounds.getCenter(), {
      pane: PANE,
      interactive: false,
      keyboard: false,
      icon: L.divIcon({
        className: 'map-base-label',
        html: textElement(text),
        iconSize: undefined,
      }),
    });
    return { bounds, label, depth: u.depth, text };
  });
  const buildings = L.layerGroup(
    base.buildings.map((b) =>
      L.circleMarker([b.lat, b.lng], {
        renderer,
        radius: 2.5,
        weight: 1,
        color: '#6b5d4f',
        fillOpacity: 0.8,
        interactive: false,
      }),
    ),
  );
  const shownLabels = L.layerGroup();
  outlines.addTo(map);
  shownLabels.addTo(map);

  /**
   * Names of one level at a time: the deepest whose units are mostly wide enough on screen to
   * hold a name (the district far out, grids close in), skipping a name that would overlap one
   * already placed.
   */
  function relabel() {
    shownLabels.clearLayers();
    const view = map.getBounds();
    const placed = labels.map(({ bounds, label, depth, text }) => {
      const nw = map.latLngToContainerPoint(bounds.getNorthWest());
      const se = map.latLngToContainerPoint(bounds.getSouthEast());
      return { label, depth, text, width: se.x - nw.x, at: map.latLngToContainerPoint(bounds.getCenter()) };
    });
    const depths = [...new Set(placed.map((p) => p.depth))].sort((a, b) => b - a);
    // None fits (zoomed far out): the outermost level, whose one name always has room.
    const level =
      depths.find((d) => {
        const widths = placed.filter((p) => p.depth === d).map((p) => p.width);
        return widths.filter((w) => w >= LABEL_MIN_PX).length * 2 >= widths.length;
      }) ?? depths[depths.length - 1];
    const taken: { x: number; y: number; half: number }[] = [];
    for (const p of placed) {
      if (p.depth !== level || p.width < LABEL_MIN_PX || !view.contains(map.containerPointToLatLng(p.at)))
        continue;
      // Half the name's width: a CJK glyph is about twice as wide as a Latin letter.
      const half = [...p.text].reduce((w, c) => w + (c.charCodeAt(0) > 0x2e80 ? 7 : 4), 6);
      if (taken.some((t) => Math.abs(t.x - p.at.x) < t.half + half && Math.abs(t.y - p.at.y) < 18)) continue;
      taken.push({ x: p.at.x, y: p.at.y, half });
      shownLabels.addLayer(p.label);
    }
    if (map.getZoom() >= BUILDINGS_FROM_ZOOM) buildings.addTo(map);
    else buildings.remove();
  }
  relabel();
  map.on('zoomend moveend', relabel);
  map.getContainer().dataset.base = 'own';
  return () => {
    map.off('zoomend moveend', relabel);
    outlines.remove();
    shownLabels.remove();
    buildings.remove();
    delete map.getContainer().dataset.base;
  };
}
