import { expect, it } from 'vitest';
import type { OrgUnit } from '@civitas/contracts/orgs';
import { screenshot, seriousA11yViolations } from '../support/browser';
import { residentCsv } from '../support/csv-fixture';
import type { E2eEnv } from '../support/e2e-env';

export function importSuite(env: E2eEnv): void {
  it('a community admin imports a CSV, sees progress and a per-row report naming the bad line', async () => {
    const admin = await env.api('demo-community-1');
    const grids = await admin.get<{ items: OrgUnit[] }>('/org-units?type=grid&limit=10');
    const grid = grids.items[0];
    if (!grid) throw new Error('community 1 has no grid');
    const badLine = 4;
    const goodRows = 120;
    const { csv, phones } = residentCsv(grid.code, goodRows, badLine);

    const page = await env.signedIn('demo-community-1', '/residents/import');
    await page.getByLabel('CSV or Excel file').setInputFiles({
      name: 'residents.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(csv, 'utf8'),
    });
    const [started] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/v1/residents/import')),
      page.getByRole('button', { name: 'Upload and import' }).click(),
    ]);
    expect(started.status()).toBe(202);
    const progress = page.getByRole('progressbar', { name: 'Import progress' });
    await progress.waitFor();

    await page.locator('[data-testid="import-status"][data-status="done"]').waitFor({ timeout: 300_000 });
    const bar = await progress.evaluate((el) => ({
      value: (el as HTMLProgressElement).value,
      max: (el as HTMLProgressElement).max,
    }));
    expect(bar).toEqual({ value: goodRows + 1, max: goodRows + 1 });
    const report = page.getByTestId('import-report');
    await expect(report.textContent()).resolves.toContain(`Imported rows: ${goodRows}`);
    await expect(report.textContent()).resolves.toContain('Rejected rows: 1');
    const firstCell = report.locator('tbody tr').first().locator('td').first();
    await expect(firstCell.textContent()).resolves.toBe(String(badLine));
    await expect(report.locator('tbody tr').count()).resolves.toBe(1);
    await screenshot(page, 'import-report');
    // The imported people are really in the registry: an exact phone search finds one of them.
    const found = await admin.request('POST', '/residents/search', {
      field: 'phone',
      value: phones[7] ?? '',
      reason: 'checking the import',
    });
    expect(((await found.json()) as { items: unknown[] }).items).toHaveLength(1);
    expect(await seriousA11yViolations(page, 'import report')).toEqual([]);
  });
}
