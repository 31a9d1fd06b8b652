import { expect, it } from 'vitest';
import type { OrgUnit } from '@civitas/contracts/orgs';
import { screenshot, seriousA11yViolations } from '../support/browser';
import { ingest, pointIn } from '../support/device-fleet';
import type { E2eEnv } from '../support/e2e-env';

const soil = (code: string) => ({
  code,
  name: { 'zh-CN': '土壤墒情仪', en: 'Soil probe' },
  entityType: 'DeviceMeasurement',
  metrics: [
    {
      key: 'soilMoisture',
      name: { 'zh-CN': '土壤湿度', en: 'Soil moisture' },
      type: 'number',
      unit: 'P1',
      min: 0,
      max: 100,
      thingsboardKey: 'sm',
    },
  ],
  events: [],
  reportingIntervalS: 600,
  inactivityTimeoutS: 3600,
  rawRetentionDays: 30,
  rollupRetentionDays: 365,
});

export function deviceProfilesSuite(env: E2eEnv): void {
  it('a district system administrator defines a profile in the form, then retires it', async () => {
    const page = await env.signedIn('demo-admin', '/devices/profiles');
    await page.getByTestId('profiles-table').waitFor();
    expect(await page.getByTestId('profiles-table').textContent()).toContain('air-quality');
    expect(await seriousA11yViolations(page, 'device profiles')).toEqual([]);
    await screenshot(page, 'device-profiles-list');

    await page.getByRole('link', { name: 'New profile' }).click();
    await page.getByLabel('Code', { exact: true }).fill('e2e-soil');
    await page.locator('#pf-name-zh').fill('土壤墒情仪');
    await page.locator('#pf-name-en').fill('Soil probe');
    await page.getByLabel('Metric key').fill('soilMoisture');
    await page.locator('#m0-zh').fill('土壤湿度');
    await page.locator('#m0-en').fill('Soil moisture');
    await page.getByLabel('Unit (UN/CEFACT)').selectOption('P1');
    await page.getByLabel('ThingsBoard key').fill('sm');
    expect(await seriousA11yViolations(page, 'new device profile')).toEqual([]);
    await screenshot(page, 'device-profile-form');
    await page.getByRole('button', { name: 'Save profile' }).click();
    await page.getByRole('heading', { name: /Soil probe/ }).waitFor();
    const metrics = page.getByTestId('profile-metrics');
    expect(await metrics.textContent()).toContain('sm');

    // The profile works for ingest at once: a device of it accepts its ThingsBoard key.
    const admin = await env.api('demo-admin');
    const grids = await admin.get<{ items: OrgUnit[] }>('/org-units?type=grid&limit=1');
    const { lat, lng } = pointIn(grids.items[0]!);
    const created = await admin.request('POST', '/devices', {
      code: 'E2E-SOIL-1',
      name: 'Soil 1',
      profile: 'e2e-soil',
      location: { type: 'Point', coordinates: [lng, lat] },
    });
    expect(created.status).toBe(201);
    const { token } = (await created.json()) as { token: string };
    await ingest(env, token, { sm: 40 });

    await page.getByRole('button', { name: 'Retire' }).click();
    await page
      .getByTestId('profile-state')
      .getByText(/Retired on/)
      .waitFor();
    await expect(page.getByRole('button', { name: 'Retire' }).count()).resolves.toBe(0);
    expect(await seriousA11yViolations(page, 'device profile detail')).toEqual([]);
    await screenshot(page, 'device-profile-detail');
  });

  it('imports a profile file only after a dry run without refusals', async () => {
    const page = await env.signedIn('demo-admin', '/devices/profiles');
    const file = (profiles: unknown[]) => ({
      name: 'profiles.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify({ format: 'civitas.device-profiles/1', profiles }), 'utf8'),
    });
    await page.getByLabel('Profile file (JSON)').setInputFiles(file([soil('e2e-imp'), soil('noise')]));
    await page.getByRole('button', { name: 'Check file' }).click();
    const report = page.getByTestId('profile-import-report');
    await report.waitFor();
    expect(await report.textContent()).toContain('Refused');
    await expect(page.getByRole('button', { name: 'Apply import' }).count()).resolves.toBe(0);
    expect(await seriousA11yViolations(page, 'profile import report')).toEqual([]);
    await screenshot(page, 'device-profile-import-refused');

    await page.getByLabel('Profile file (JSON)').setInputFiles(file([soil('e2e-imp')]));
    await page.getByRole('button', { name: 'Check file' }).click();
    await page.getByRole('button', { name: 'Apply import' }).click();
    await page.getByTestId('profile-import-status').getByText('The profiles were imported.').waitFor();
    await page.getByRole('link', { name: 'e2e-imp' }).waitFor();
  });

  it('a community admin sees profiles but is offered no changes; the device import shows tokens once', async () => {
    const page = await env.signedIn('demo-community-1', '/devices/profiles');
    await page.getByTestId('profiles-table').waitFor();
    await expect(page.getByRole('link', { name: 'New profile' }).count()).resolves.toBe(0);

    const admin = await env.api('demo-community-1');
    const grids = await admin.get<{ items: OrgUnit[] }>('/org-units?type=grid&limit=1');
    const grid = grids.items[0]!;
    const { lat, lng } = pointIn(grid);
    const csv = [
      'code,name,profile,lat,lng,org_unit_code',
      `E2E-TOK-1,Bin 1,waste-bin,${lat},${lng},${grid.code}`,
      `E2E-TOK-2,Bin 2,waste-bin,${lat},${lng},${grid.code}`,
    ].join('\n');
    await page.goto('/devices/import');
    await page.getByLabel('CSV or Excel file').setInputFiles({
      name: 'devices.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(csv, 'utf8'),
    });
    await page.getByRole('button', { name: 'Upload and import' }).click();
    await page.locator('[data-testid="import-status"][data-status="done"]').waitFor();
    await page.getByRole('button', { name: 'Show tokens (once)' }).click();
    const table = page.getByTestId('import-tokens');
    await table.waitFor();
    const tokens = await table.locator('tbody tr td code').allTextContents();
    expect(tokens).toHaveLength(2);
    await ingest(env, tokens[0]!, { fillingLevel: 0.4 });
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download tokens (CSV)' }).click();
    expect((await download).suggestedFilename()).toMatch(/^device-tokens-.*\.csv$/);
    expect(await seriousA11yViolations(page, 'device import tokens')).toEqual([]);
    await screenshot(page, 'device-import-tokens');
  });
}
