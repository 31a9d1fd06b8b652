import { expect, it } from 'vitest';
import type { OrgUnit } from '@civitas/contracts/orgs';
import { screenshot } from '../support/browser';
import { bulkResidentCsv } from '../support/csv-fixture';
import type { E2eEnv } from '../support/e2e-env';

// A hang guard, not a measure of speed (see FLEET_IMPORT_TIMEOUT_MS).
const IMPORT_TIMEOUT_MS = 1_200_000;

export function residentsCountSuite(env: E2eEnv): void {
  it(
    'past 10,000 residents the list says "10,000+" and Next keeps paging',
    async () => {
      const admin = await env.api('demo-community-1');
      const commander = await env.api('demo-commander');
      const before = await commander.get<{ total: number }>('/residents?limit=1');
      const grids = await admin.get<{ items: OrgUnit[] }>('/org-units?type=grid&limit=50');
      // Enough new residents to take the district past the server's counting cap.
      const rows = Math.max(0, 10_001 - before.total) + 50;
      const csv = bulkResidentCsv(
        grids.items.map((g) => g.code),
        rows,
        Date.now() % 800,
      );
      const importer = await env.signedIn('demo-community-1', '/residents/import');
      await importer.getByLabel('CSV or Excel file').setInputFiles({
        name: 'volume.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from(csv, 'utf8'),
      });
      await importer.getByRole('button', { name: 'Upload and import' }).click();
      await importer
        .locator('[data-testid="import-status"][data-status="done"]')
        .waitFor({ timeout: IMPORT_TIMEOUT_MS });
      await expect(importer.getByTestId('import-report').textContent()).resolves.toContain(
        `Imported rows: ${rows}`,
      );
      const capped = await commander.get<{ total: number; totalExact: boolean }>('/residents?limit=1');
      expect(capped).toMatchObject({ total: 10_000, totalExact: false });

      const page = await env.signedIn('demo-commander', '/residents');
      await page.getByTestId('residents-table').locator('tbody tr').first().waitFor();
      await page.locator('.pager span', { hasText: '1–20 of 10,000+' }).waitFor();
      // Read rendered state by waiting for it, not right after navigation.
      await page.getByRole('status').filter({ hasText: 'Residents found: 10,000+' }).first().waitFor();
      const next = page.getByRole('button', { name: 'Next' });
      await expect.poll(() => next.isEnabled()).toBe(true);
      await Promise.all([page.waitForResponse((r) => r.url().includes('offset=20')), next.click()]);
      await page.locator('.pager span', { hasText: '21–40 of 10,000+' }).waitFor();
      await expect.poll(() => next.isEnabled()).toBe(true);
      await screenshot(page, 'residents-10000-plus');
    },
    IMPORT_TIMEOUT_MS + 60_000,
  );
}
