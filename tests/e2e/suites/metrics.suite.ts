import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { CaseMetrics } from '@civitas/contracts/metrics';
import type { OrgUnit } from '@civitas/contracts/orgs';
import { screenshot, seriousA11yViolations } from '../support/browser';
import { createStaffCase, pointInUnit } from '../support/case-fixtures';
import type { E2eEnv } from '../support/e2e-env';
import type { ApiSession } from '../support/api-session';

async function axeClean(page: Page, label: string) {
  await screenshot(page, label);
  expect(await seriousA11yViolations(page, label), label).toEqual([]);
}

/** Waits for the page's next metrics answer and asks the API the very same question again. */
async function nextMetrics(page: Page, api: ApiSession, act: () => Promise<void>): Promise<CaseMetrics> {
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().includes('/api/v1/metrics/cases') && r.status() === 200),
    act(),
  ]);
  const url = new URL(response.url());
  return api.get<CaseMetrics>(`/metrics/cases${url.search}`);
}

export function metricsSuite(env: E2eEnv): void {
  it('drills district → street → community → grid by keyboard, with figures as the API gives them', async () => {
    const api = await env.api('demo-commander');
    const units = (await api.get<{ items: OrgUnit[] }>('/org-units?limit=500')).items;
    const byCode = (suffix: string) => {
      const unit = units.find((u) => u.code.endsWith(suffix));
      if (!unit) throw new Error(`no unit ending ${suffix}`);
      return unit;
    };
    const street = byCode('-S01');
    const community = byCode('-S01-C01');
    const grid = byCode('-S01-C01-G01');
    // At least one case this month in the grid at the bottom of the path.
    await createStaffCase(api, await pointInUnit(api, '-S01-C01-G01'), `Metrics e2e ${Date.now()}`);

    const page = await env.signedIn('demo-commander', '/');
    const district = await nextMetrics(page, api, async () => {
      await page.goto('/metrics');
    });
    const result = page.getByTestId('metrics-result');
    await page.locator(`[data-testid="metrics-result"][data-unit-id="${district.unit.id}"]`).waitFor();
    await page.getByTestId('metrics-chart').locator('canvas').waitFor();
    await axeClean(page, 'metrics-district');
    const summaryTotal = page.getByTestId('metrics-summary').locator('[data-figure="total"] dd');
    await expect(summaryTotal.textContent()).resolves.toBe(
      district.total.cases.total.toLocaleString('en-US'),
    );
    const rowTotals = await page
      .getByTestId('metrics-table')
      .locator('tbody tr')
      .evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-total'))));
    expect(rowTotals).toEqual(district.groups.map((g) => g.figures.cases.total));
    expect(rowTotals.reduce((a, b) => a + b, 0)).toBe(district.total.cases.total);

    // Keyboard only: focus the street's button, Enter, and the focus lands on the new heading.
    const drill = async (unit: OrgUnit) =>
      nextMetrics(page, api, async () => {
        await page.locator(`[data-testid="metrics-table"] tr[data-key="${unit.id}"] button`).focus();
        await page.keyboard.press('Enter');
      });
    const streetFigures = await drill(street);
    await page.locator(`[data-testid="metrics-result"][data-unit-id="${street.id}"]`).waitFor();
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('metrics-unit-heading');
    expect(streetFigures.unit.id).toBe(street.id);
    const communityFigures = await drill(community);
    await page.locator(`[data-testid="metrics-result"][data-unit-id="${community.id}"]`).waitFor();
    const crumbs = page.getByTestId('metrics-breadcrumb').locator('li');
    await expect(crumbs.count()).resolves.toBe(3);

    // The grid row carries the API's figures, and a grid (a leaf) offers no further drill.
    const gridGroup = communityFigures.groups.find((g) => g.key === grid.id);
    if (!gridGroup) throw new Error('grid row missing from the API answer');
    expect(gridGroup.figures.cases.total).toBeGreaterThan(0);
    const gridRow = page.locator(`[data-testid="metrics-table"] tr[data-key="${grid.id}"]`);
    await expect(gridRow.locator('[data-col="total"]').textContent()).resolves.toBe(
      gridGroup.figures.cases.total.toLocaleString('en-US'),
    );
    await expect(gridRow.locator('[data-col="open"]').textContent()).resolves.toBe(
      gridGroup.figures.cases.open.toLocaleString('en-US'),
    );
    expect(await gridRow.locator('button').count()).toBe(0);
    await axeClean(page, 'metrics-community');

    // Back up to the district through the path, by keyboard.
    await nextMetrics(page, api, async () => {
      await crumbs.first().getByRole('button').focus();
      await page.keyboard.press('Enter');
    });
    await page.locator(`[data-testid="metrics-result"][data-unit-id="${district.unit.id}"]`).waitFor();
    await expect(result.getByRole('heading', { level: 2 }).textContent()).resolves.toContain(
      district.unit.name.en,
    );

    // The other breakdowns, and the period picker.
    const byCategory = await nextMetrics(page, api, () =>
      page.getByRole('button', { name: 'By category' }).click(),
    );
    await expect(
      page
        .getByTestId('metrics-table')
        .locator('tbody tr')
        .evaluateAll((rows) => rows.length),
    ).resolves.toBe(byCategory.groups.length);
    await axeClean(page, 'metrics-by-category');
    const byMonth = await nextMetrics(page, api, () =>
      page.getByRole('button', { name: 'By month' }).click(),
    );
    expect(byMonth.groupBy).toBe('month');
    const yearly = await nextMetrics(page, api, () => page.getByLabel('This year').check());
    await expect(summaryTotal.textContent()).resolves.toBe(yearly.total.cases.total.toLocaleString('en-US'));
    await page.getByLabel('Custom').check();
    await page.locator('#metrics-from').waitFor();
    await axeClean(page, 'metrics-by-month-custom');
  });

  it('is not there for a resident', async () => {
    const page = await env.signedIn('demo-resident-1', '/');
    await page.goto('/metrics');
    await page.getByTestId('not-found').waitFor();
  });
}
