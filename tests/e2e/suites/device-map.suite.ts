import { beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { screenshot, seriousA11yViolations } from '../support/browser';
import {
  ensureFleet,
  FLEET_IMPORT_TIMEOUT_MS,
  FLEET_SIZE,
  ingest,
  type FleetDevice,
} from '../support/device-fleet';
import type { E2eEnv } from '../support/e2e-env';

interface MapView {
  mode: string;
  zoom: number;
  total: number;
  /** Cell and device shapes drawn, and table rows, read in the same instant as the state above. */
  cells: number;
  devices: number;
  rows: number;
}

/**
 * Waits until the map has answered for its current view and Leaflet has drawn that answer, and
 * reads everything it shows in one synchronous step in the page, so a later refresh (live
 * update, a second fetch after the view settles) cannot change the figures between two reads.
 */
async function settled(page: Page): Promise<MapView> {
  const state = await page.waitForFunction(() => {
    const el = document.querySelector('[data-testid="device-map-layout"]');
    const mode = el?.getAttribute('data-mode');
    if (!el || !mode || el.getAttribute('data-loading') !== 'false') return null;
    const total = Number(el.getAttribute('data-total'));
    const drawn = (kind: string) =>
      document.querySelectorAll(`.leaflet-overlay-pane path.map-${kind}`).length;
    const cells = drawn('cell');
    const devices = drawn('device');
    const table = document.querySelector('[data-testid="map-table"]');
    if (table?.getAttribute('data-mode') !== mode) return null;
    const [own, other] = mode === 'cells' ? [cells, devices] : [devices, cells];
    // Leaflet draws in an effect after React commits the answer: wait until the layer matches it.
    if ((total > 0 && own === 0) || other > 0) return null;
    const rows = table.querySelectorAll('tbody tr').length;
    return { mode, zoom: Number(el.getAttribute('data-zoom')), total, cells, devices, rows };
  });
  return (await state.jsonValue())!;
}

export function deviceMapSuite(env: E2eEnv): void {
  let fleet: FleetDevice[] = [];
  // The 5,000-device import is the slow part; it runs once, before the map tests.
  beforeAll(async () => {
    fleet = await ensureFleet(env);
  }, FLEET_IMPORT_TIMEOUT_MS + 60_000);

  it('with 5,000 devices the map shows a bounded number of H3 cells zoomed out and single devices zoomed in', async () => {
    expect(fleet).toHaveLength(FLEET_SIZE);
    const page = await env.signedIn('demo-community-1', '/devices/map');
    await page.locator('main h1', { hasText: 'Device map' }).waitFor();

    // The community fills the view: far too many devices for markers, so the server sums them up.
    let view = await settled(page);
    expect(view.mode).toBe('cells');
    expect(view.total).toBeGreaterThanOrEqual(FLEET_SIZE);
    const { cells } = view;
    expect(cells).toBeGreaterThan(0);
    expect(cells).toBeLessThanOrEqual(200);
    expect(view.devices).toBe(0);
    const table = page.getByTestId('map-table');
    expect(view.rows).toBe(Math.min(cells, 200));
    await expect(table.textContent()).resolves.toMatch(/worst AQI \d+/);
    await screenshot(page, 'device-map-cells');
    expect(await seriousA11yViolations(page, 'device map (cells)')).toEqual([]);

    // Keyboard only: focus the map and zoom in with "+" until single devices appear.
    await page.getByTestId('device-map').focus();
    for (let step = 0; view.mode === 'cells' && step < 8; step++) {
      const before = view.zoom;
      await page.keyboard.press('+');
      await page.locator(`[data-testid="device-map-layout"]:not([data-zoom="${before}"])`).waitFor();
      view = await settled(page);
    }
    expect(view.mode).toBe('devices');
    const markers = view.devices;
    expect(markers).toBe(view.total);
    expect(markers).toBeGreaterThan(0);
    expect(markers).toBeLessThanOrEqual(1000);
    expect(view.cells).toBe(0);
    await screenshot(page, 'device-map-devices');
    expect(await seriousA11yViolations(page, 'device map (devices)')).toEqual([]);

    // A reading sent now recolours its marker and rewrites its row, through server-sent events.
    await page.locator('[data-testid="live-status"][data-state="open"]').waitFor();
    const listed = new Set(await table.locator('tbody tr th').allTextContents());
    const device = fleet.find((d) => listed.has(d.code));
    if (!device) throw new Error(`no fleet device among ${[...listed].join(', ')}`);
    const row = table.locator('tbody tr', {
      has: page.getByRole('link', { name: device.code, exact: true }),
    });
    const reading: Record<typeof device.profile, [Record<string, number>, string]> = {
      'air-quality': [{ pm25: 80, pm10: 40 }, 'AQI 107'],
      // Metrics are named by their profile's display name, never by their payload key.
      noise: [{ LAeq: 71.5 }, 'Equivalent sound level 71.5'],
      'waste-bin': [{ fillingLevel: 0.97 }, 'Filling level 0.97'],
      'water-level': [{ waterLevel: 3.25 }, 'Water level 3.25'],
    };
    const [values, shown] = reading[device.profile];
    await ingest(env, device.token, values);
    await row.getByTestId('map-value').filter({ hasText: shown }).waitFor();
    await expect(row.textContent()).resolves.toContain('Online');
  });

  it('a grid worker sees only the devices of their own grid on the map', async () => {
    const worker = await env.api('demo-gridworker-1');
    const gridId = worker.me.grants[0]?.orgUnitId ?? '';
    const own = await worker.get<{ total: number }>(`/devices?unitId=${gridId}&limit=1`);
    const page = await env.signedIn('demo-gridworker-1', '/devices/map');
    const view = await settled(page);
    expect(view.total).toBe(own.total);
    expect(view.total).toBeLessThan(fleet.length);
  });

  it('at phone size the map page does not scroll sideways: map, legend and list fit the width', async () => {
    const page = await env.signedIn('demo-community-1', '/devices/map');
    await page.setViewportSize({ width: 390, height: 844 });
    await settled(page);
    await screenshot(page, 'device-map-phone-en');
    const widths = await page.evaluate(() => ({
      page: document.documentElement.scrollWidth,
      view: document.documentElement.clientWidth,
    }));
    expect(widths.page).toBeLessThanOrEqual(widths.view);
  });
}
