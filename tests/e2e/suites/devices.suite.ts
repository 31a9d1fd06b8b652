import { expect, it } from 'vitest';
import type { Device } from '@civitas/contracts/devices';
import type { OrgUnit } from '@civitas/contracts/orgs';
import { screenshot, seriousA11yViolations } from '../support/browser';
import { fleetCsv, importThroughUi, ingest, pointIn } from '../support/device-fleet';
import type { E2eEnv } from '../support/e2e-env';

const focusedAttr = (page: import('playwright-core').Page, name: string) =>
  page.evaluate((attr) => document.activeElement?.getAttribute(attr) ?? null, name);

/** Grids of community 1 as its admin sees them, in code order. */
async function communityGrids(env: E2eEnv): Promise<OrgUnit[]> {
  const admin = await env.api('demo-community-1');
  const grids = await admin.get<{ items: OrgUnit[] }>('/org-units?type=grid&limit=50');
  return [...grids.items].sort((a, b) => a.code.localeCompare(b.code));
}

/** Registers a device through the API in the given grid; the answer carries its token once. */
async function registerDevice(env: E2eEnv, grid: OrgUnit, code: string, profile: string) {
  const admin = await env.api('demo-community-1');
  const { lat, lng } = pointIn(grid);
  const res = await admin.request('POST', '/devices', {
    code,
    name: `E2E ${code}`,
    profile,
    location: { type: 'Point', coordinates: [lng, lat] },
    orgUnitId: grid.id,
  });
  if (res.status !== 201) throw new Error(`register ${code}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as Device & { token: string };
}

export function devicesSuite(env: E2eEnv): void {
  it('the device list shows health: online, last seen, error count and last error', async () => {
    const [grid] = await communityGrids(env);
    if (!grid) throw new Error('community 1 has no grid');
    const device = await registerDevice(env, grid, 'E2E-HEALTH-1', 'noise');
    await ingest(env, device.token, { LAeq: 58 });
    // A key the noise profile does not have is refused and counted against the device.
    const bad = await fetch(`${env.server.baseUrl}/api/v1/ingest/${device.token}/telemetry`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ pm25: 3 }),
    });
    expect(bad.status).toBe(200);

    const page = await env.signedIn('demo-community-1', '/devices');
    const rows = page.getByTestId('devices-table').locator('tbody tr');
    await rows.first().waitFor();
    await page.getByLabel('Code or name').fill('E2E-HEALTH-1');
    await Promise.all([
      page.waitForResponse((r) => r.url().includes('q=E2E-HEALTH-1')),
      page.getByRole('button', { name: 'Search', exact: true }).click(),
    ]);
    const row = page.locator(`tr[data-device-id="${device.id}"]`);
    await row.waitFor();
    await expect(rows.count()).resolves.toBe(1);
    await expect(row.locator('[data-connectivity]').textContent()).resolves.toBe('Online');
    await expect(row.getByTestId('error-count').textContent()).resolves.toBe('1');
    await expect(row.locator('td').nth(3).textContent()).resolves.not.toBe('Never');
    // The last refusal is named in the reader's language, not in the pipeline's English detail.
    await expect(row.locator('td').last().textContent()).resolves.toMatch(/^Unknown metric · /);

    // The connectivity filter shows only devices never heard from (the untouched demo devices).
    await page.getByLabel('Code or name').fill('');
    await page.getByLabel('Connection').selectOption('never');
    await Promise.all([
      page.waitForResponse((r) => r.url().includes('connectivity=never')),
      page.getByRole('button', { name: 'Search', exact: true }).click(),
    ]);
    await page.locator('tbody tr [data-connectivity="never"]').first().waitFor();
    const states = await page
      .locator('tbody tr [data-connectivity]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-connectivity')));
    expect(states.length).toBeGreaterThan(0);
    expect(new Set(states)).toEqual(new Set(['never']));
    await screenshot(page, 'devices-list');
    expect(await seriousA11yViolations(page, 'device list')).toEqual([]);
  });

  it('the detail page charts the history and shows a new reading live, without a reload', async () => {
    const [grid] = await communityGrids(env);
    if (!grid) throw new Error('community 1 has no grid');
    const device = await registerDevice(env, grid, 'E2E-LIVE-1', 'noise');
    const now = Date.now();
    await fetch(`${env.server.baseUrl}/api/v1/ingest/${device.token}/telemetry`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(
        [50, 40, 30, 20, 10].map((minutesAgo, i) => ({
          ts: now - minutesAgo * 60_000,
          values: { LAeq: 50 + i, LAmax: 60 + i },
        })),
      ),
    });

    const page = await env.signedIn('demo-community-1', '/devices');
    await page.getByTestId('devices-table').locator('tbody tr').first().waitFor();
    const scriptsBefore = await page.evaluate(() =>
      performance.getEntriesByType('resource').map((e) => e.name),
    );
    // ECharts is a chunk of its own: the list does not download it.
    expect(scriptsBefore.some((url) => /series-chart|echarts/.test(url))).toBe(false);

    const chartChunk = page.waitForResponse((r) => r.url().includes('/assets/series-chart'));
    await page.goto(`/devices/${device.id}`);
    expect((await chartChunk).status()).toBe(200);
    await page.getByTestId('series-chart').locator('canvas').first().waitFor();
    const panel = page.getByTestId('series-panel');
    await page.locator('[data-testid="series-panel"][data-bucket="raw"]').waitFor();
    await expect(page.getByText('Showing raw readings').count()).resolves.toBe(1);
    await expect(page.getByTestId('chart-summary').textContent()).resolves.toContain('5 points');
    await expect(page.getByTestId('series-chart').getAttribute('aria-label')).resolves.toContain(
      'lowest 50 dB, highest 54 dB',
    );
    await page.locator('[data-testid="live-status"][data-state="open"]').waitFor();

    await ingest(env, device.token, { LAeq: 77.7 });
    await page.getByTestId('latest-LAeq').filter({ hasText: '77.7' }).waitFor();
    await page.getByTestId('chart-summary').filter({ hasText: '6 points' }).waitFor();
    await expect(page.getByTestId('chart-summary').textContent()).resolves.toContain('latest 77.7 dB');
    await screenshot(page, 'device-detail-live');
    expect(await seriousA11yViolations(page, 'device detail')).toEqual([]);

    // Keyboard: the data table toggle and the range radios work without a mouse.
    const toggle = page.getByRole('button', { name: 'Show data table' });
    await toggle.focus();
    await page.keyboard.press('Enter');
    const table = page.getByTestId('series-table');
    await table.waitFor();
    await expect(table.locator('tbody tr').count()).resolves.toBe(6);
    await expect(
      page.getByRole('button', { name: 'Hide data table' }).getAttribute('aria-expanded'),
    ).resolves.toBe('true');
    await page.getByRole('radio', { name: 'last hour' }).focus();
    await Promise.all([
      page.waitForResponse((r) => r.url().includes('/series?') && r.status() === 200),
      page.keyboard.press('ArrowRight'),
    ]);
    await expect(focusedAttr(page, 'value')).resolves.toBe('24h');
    await page.locator('[data-testid="series-panel"][data-bucket="1m"]').waitFor();
    await expect(panel.getByText('Showing 1-minute averages').count()).resolves.toBe(1);
    await screenshot(page, 'device-detail-24h-table');
    expect(await seriousA11yViolations(page, 'device detail with table')).toEqual([]);
  });

  it("a grid worker typing the URL of another grid's device gets the not-found page, and the API answers 404", async () => {
    const grids = await communityGrids(env);
    const worker = await env.api('demo-gridworker-1');
    const own = worker.me.grants[0]?.orgUnitId;
    const other = grids.find((g) => g.id !== own);
    if (!other) throw new Error('community 1 has one grid only');
    const device = await registerDevice(env, other, 'E2E-OTHER-GRID-1', 'waste-bin');
    expect((await worker.request('GET', `/devices/${device.id}`)).status).toBe(404);
    expect(
      (
        await worker.request(
          'GET',
          `/devices/${device.id}/series?metric=fillingLevel&from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z`,
        )
      ).status,
    ).toBe(404);

    const page = await env.signedIn('demo-gridworker-1', `/devices/${device.id}`);
    await page.getByTestId('not-found').waitFor();
    await expect(page.locator('main h1').textContent()).resolves.toBe('Not found');
    await expect(page.getByTestId('not-found').textContent()).resolves.toContain('This device was not found');
    expect(await page.getByTestId('device-details').count()).toBe(0);
    await screenshot(page, 'device-not-found');
    expect(await seriousA11yViolations(page, 'device not found')).toEqual([]);
  });

  it('a community admin imports devices, sees the progress bar reach done and a per-row report', async () => {
    const grids = await communityGrids(env);
    const { csv } = fleetCsv(grids, 60, 'E2E-IMP');
    const lines = csv.trimEnd().split('\n');
    // Line 5 names a profile that does not exist: the report must point at it.
    lines.splice(4, 0, `E2E-IMP-BAD,Bad row,no-such-profile,22.6,113.8,${grids[0]?.code ?? ''},`);
    const page = await env.signedIn('demo-community-1', '/devices/import');
    await page.locator('main h1', { hasText: 'Import devices' }).waitFor();
    await importThroughUi(page, 'devices.csv', `${lines.join('\n')}\n`);
    const progress = page.getByRole('progressbar', { name: 'Import progress' });
    const bar = await progress.evaluate((el) => ({
      value: (el as HTMLProgressElement).value,
      max: (el as HTMLProgressElement).max,
    }));
    expect(bar).toEqual({ value: 61, max: 61 });
    const report = page.getByTestId('import-report');
    await expect(report.textContent()).resolves.toContain('Imported rows: 60');
    await expect(report.textContent()).resolves.toContain('Rejected rows: 1');
    const cells = report.locator('tbody tr').first().locator('td');
    await expect(cells.first().textContent()).resolves.toBe('5');
    // The refusal is worded from its code in the reader's language (the line says which row).
    await expect(cells.last().textContent()).resolves.toContain('There is no device type of this name.');
    await screenshot(page, 'device-import-report');
    expect(await seriousA11yViolations(page, 'device import report')).toEqual([]);
    const admin = await env.api('demo-community-1');
    const found = await admin.get<{ total: number }>('/devices?q=E2E-IMP-&limit=1');
    expect(found.total).toBe(60);
  });

  it('the detail page shows refusals at a glance, and offers commands and shared attributes only to those who may send them', async () => {
    const [grid] = await communityGrids(env);
    if (!grid) throw new Error('community 1 has no grid');
    const device = await registerDevice(env, grid, 'E2E-CTRL-1', 'noise');
    const post = (path: string, body: unknown) =>
      fetch(`${env.server.baseUrl}/api/v1/${device.token}/${path}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
    // ThingsBoard's own HTTP paths: one refused key, then client attributes.
    expect((await post('telemetry', { pm25: 3 })).status).toBe(200);
    expect((await post('attributes', { fw: '2.0.1' })).status).toBe(200);

    const page = await env.signedIn('demo-community-1', `/devices/${device.id}`, 'zh-CN');
    const refusals = page.getByTestId('device-refusals');
    await refusals.getByTestId('refusal-summary').waitFor();
    await expect(refusals.getByTestId('refusal-summary').textContent()).resolves.toContain('共拒收 1 条');
    await expect(refusals.textContent()).resolves.toContain('未知指标');
    await expect(refusals.locator('tbody').textContent()).resolves.not.toContain('unknown_metric');

    // A shared attribute: saved, and the device (not connected by MQTT here) reads it over HTTP.
    const attrs = page.getByTestId('device-attributes');
    await attrs.getByLabel('键', { exact: true }).fill('interval');
    await attrs.getByLabel('值', { exact: true }).fill('60');
    await attrs.getByRole('button', { name: '保存并推送' }).click();
    await attrs.getByRole('status').filter({ hasText: '设备未连接' }).waitFor();
    const read = await fetch(`${env.server.baseUrl}/api/v1/${device.token}/attributes?sharedKeys=interval`);
    await expect(read.json()).resolves.toEqual({ client: {}, shared: { interval: 60 } });

    // A command to a device that is not connected fails at once, said in the user's language.
    const commands = page.getByTestId('device-commands');
    await commands.getByLabel('方法').fill('reboot');
    await commands.getByRole('button', { name: '发送命令' }).click();
    await commands.getByRole('status').filter({ hasText: '失败' }).waitFor();
    await commands.locator('tbody tr').filter({ hasText: '设备未连接' }).waitFor();
    await screenshot(page, 'device-detail-control-zh');
    expect(await seriousA11yViolations(page, 'device detail with controls')).toEqual([]);

    // The district commander may read devices but not command them: no forms, the lists only.
    const commander = await env.signedIn('demo-commander', `/devices/${device.id}`);
    await commander.getByTestId('device-commands').locator('tbody tr').first().waitFor();
    expect(await commander.getByRole('button', { name: 'Send command' }).count()).toBe(0);
    expect(await commander.getByRole('button', { name: 'Save and push' }).count()).toBe(0);
    expect(await commander.getByRole('button', { name: /^Delete / }).count()).toBe(0);
  });
}
