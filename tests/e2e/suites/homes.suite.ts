import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openCaseStates } from '@civitas/contracts/cases';
import type { HomeOverview } from '@civitas/contracts/home';
import type { CaseMetrics } from '@civitas/contracts/metrics';
import { consoleErrorsOf, screenshot, seriousA11yViolations } from '../support/browser';
import type { ApiSession } from '../support/api-session';
import type { E2eEnv } from '../support/e2e-env';

const PHONE = { width: 390, height: 844 };
const DESK = { width: 1440, height: 900 };
const OPEN = openCaseStates.join(',');

/** Opens the home and returns the overview it drew, asked of the API again with the same query. */
async function openHome(
  page: Page,
  api: ApiSession,
): Promise<{ home: HomeOverview; query: URLSearchParams }> {
  const [response] = await Promise.all([
    page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/home' && r.status() === 200),
    page.goto('/'),
  ]);
  const query = new URL(response.url()).searchParams;
  return { home: await api.get<HomeOverview>(`/home?${query.toString()}`), query };
}

/** The figures the page shows, by name (data-figure), as numbers. */
async function shownFigures(page: Page): Promise<Record<string, number>> {
  await page.locator('[data-figure]').first().waitFor();
  const pairs = await page
    .locator('[data-figure]')
    .evaluateAll((els) =>
      els.map((e) => [e.getAttribute('data-figure') ?? '', e.getAttribute('data-value') ?? '']),
    );
  return Object.fromEntries(pairs.filter(([, v]) => v !== '').map(([k, v]) => [k, Number(v)]));
}

const total = async (api: ApiSession, path: string) => (await api.get<{ total: number }>(path)).total;

async function axeBothSizes(page: Page, label: string) {
  for (const [size, viewport] of [
    ['desk', DESK],
    ['phone', PHONE],
  ] as const) {
    await page.setViewportSize(viewport);
    await screenshot(page, `${label}-${size}`);
    expect(await seriousA11yViolations(page, `${label} ${size}`), `${label} ${size}`).toEqual([]);
  }
}

export function homesSuite(env: E2eEnv): void {
  it('the commander’s situation overview shows the API’s figures, against targets, and drills down by unit', async () => {
    const api = await env.api('demo-commander');
    const page = await env.signedIn('demo-commander', '/', 'zh-CN');
    await page.setViewportSize(DESK);
    const { home, query } = await openHome(page, api);
    await page.getByRole('heading', { level: 1, name: '态势总览' }).waitFor();
    const c = home.cases!;
    const unit = query.get('unitId') ? `&unitId=${query.get('unitId')}` : '';
    // The API's figures are the lists' totals (home.int.test.ts checks every one on both engines).
    expect(c.open).toBe(await total(api, `/cases?state=${OPEN}&limit=1${unit}`));
    expect(c.overdue).toBe(await total(api, `/cases?overdue=true&limit=1${unit}`));
    await page.getByTestId('home-targets').waitFor();
    const shown = await shownFigures(page);
    expect(shown).toMatchObject({
      open: c.open,
      overdue: c.overdue,
      dueSoon: c.dueSoon,
      elderlyLivingAlone: home.residents!.elderlyLivingAlone,
      needsAssistance: home.residents!.needsAssistance,
      devicesInactive: home.devices!.inactive,
      devicesNever: home.devices!.never,
    });
    // Key rates as the metrics endpoint gives them for the last 30 days, flagged in words when below target.
    const metricsUrl = await page.evaluate(
      () =>
        performance
          .getEntriesByType('resource')
          .map((e) => e.name)
          .find((n) => n.includes('/api/v1/metrics/cases')) ?? '',
    );
    const metrics = await api.get<CaseMetrics>(`/metrics/cases${new URL(metricsUrl).search}`);
    const days = (Date.parse(metrics.to) - Date.parse(metrics.from)) / 86_400_000;
    expect(Math.round(days)).toBe(30);
    const rate = metrics.total.onTime.response.rate;
    if (rate !== null) expect(shown.responseOnTime).toBeCloseTo(rate, 6);
    const responseTile = page.locator('[data-figure="responseOnTime"]');
    if (rate !== null && rate < home.targets!.responseOnTimeRate)
      await expect(responseTile.textContent()).resolves.toContain('未达目标');

    // Overdue by unit: each row as the API counts it, and its link opens that unit's overdue inbox.
    const rows = page.getByTestId('home-by-unit').locator('tbody tr');
    const drawn = await rows.evaluateAll((trs) =>
      trs.map((tr) => [
        tr.getAttribute('data-unit'),
        Number(tr.querySelector('[data-col="overdue"]')?.firstChild?.textContent),
      ]),
    );
    expect(Object.fromEntries(drawn)).toEqual(
      Object.fromEntries(c.byUnit.map((u) => [u.unit.code, u.overdue])),
    );
    const worst = c.byUnit.find((u) => u.unit.code === drawn[0]?.[0])!;
    const [inbox] = await Promise.all([
      page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/cases' && r.status() === 200),
      rows.first().getByRole('link').click(),
    ]);
    expect(new URL(page.url()).searchParams.get('unitId')).toBe(worst.unit.id);
    expect(((await inbox.json()) as { total: number }).total).toBe(worst.overdue);

    await page.goto('/');
    await page.getByTestId('home-targets').waitFor();
    await page.getByTestId('metrics-chart').locator('canvas').waitFor();
    await page.getByRole('button', { name: '90 天' }).click();
    await page.getByRole('heading', { name: '近 90 天每日上报案件数' }).waitFor();
    await axeBothSizes(page, 'home-commander-zh');
    expect(consoleErrorsOf(page)).toEqual([]);
  });

  it('the community admin’s home counts the inbox by state as the inbox does', async () => {
    const api = await env.api('demo-community-1');
    const page = await env.signedIn('demo-community-1', '/', 'en-US');
    await page.setViewportSize(DESK);
    const { home, query } = await openHome(page, api);
    await page.getByRole('heading', { level: 1, name: 'Today in your community' }).waitFor();
    const unit = query.get('unitId') ? `&unitId=${query.get('unitId')}` : '';
    const shown = await shownFigures(page);
    for (const s of openCaseStates) {
      expect(shown[`state-${s}`], s).toBe(home.cases!.byState[s]);
      expect(shown[`state-${s}`], s).toBe(await total(api, `/cases?state=${s}&limit=1${unit}`));
    }
    expect(shown.overdue).toBe(await total(api, `/cases?overdue=true&limit=1${unit}`));
    expect(shown.pendingInfo).toBe(await total(api, `/cases?state=pending_info&limit=1${unit}`));
    expect(shown.awaitingConfirmation).toBe(await total(api, `/cases?state=resolved&limit=1${unit}`));
    expect(shown.elderlyLivingAlone).toBe(
      await total(api, `/residents?flag=elderlyLivingAlone&limit=1${unit}`),
    );
    expect(shown.devicesNever).toBe(
      (await api.get<{ total: number }>(`/devices?connectivity=never&limit=1${unit}`)).total,
    );
    // A figure opens the list it counted.
    await page.locator('[data-figure="state-accepted"] a').click();
    await page.waitForURL((u) => u.pathname === '/cases' && u.searchParams.get('state') === 'accepted');
    await page.goto('/');
    await page.locator('[data-figure]').first().waitFor();
    await axeBothSizes(page, 'home-community-en');
  });

  it('the grid worker’s home is today’s tasks and the unsent work on this phone', async () => {
    const api = await env.api('demo-gridworker-1');
    const page = await env.signedIn('demo-gridworker-1', '/', 'zh-CN');
    await page.setViewportSize(PHONE);
    const { home } = await openHome(page, api);
    await page.getByRole('heading', { level: 1, name: '今日任务' }).waitFor();
    await page.locator('[data-figure="mineOpen"]:not([data-value=""])').waitFor();
    await page.locator('[data-figure="queued"]:not([data-value=""])').waitFor();
    const shown = await shownFigures(page);
    expect(shown.mineOpen).toBe(home.cases!.mine.open);
    expect(shown.mineOpen).toBe(await total(api, `/cases?assignedToMe=true&state=${OPEN}&limit=1`));
    expect(shown.mineOverdue).toBe(home.cases!.mine.overdue);
    // Nothing queued on a fresh phone: the figure reads the offline queue itself.
    expect(shown.queued).toBe(0);
    await expect(
      page.getByTestId('bottom-nav').getByRole('link', { name: '任务' }).isVisible(),
    ).resolves.toBe(true);
    await axeBothSizes(page, 'home-gridworker-zh');
  });

  it('the resident’s home lists their open reports with the next step', async () => {
    const api = await env.api('demo-resident-1');
    const page = await env.signedIn('demo-resident-1', '/', 'en-US');
    await page.setViewportSize(PHONE);
    await page.getByRole('heading', { name: 'Your open reports' }).waitFor();
    const open = await total(api, `/cases?state=${OPEN},resolved&limit=1`);
    await expect(page.locator('[data-figure="openReports"]').getAttribute('data-value')).resolves.toBe(
      String(open),
    );
    const items = page.locator('.case-brief li');
    expect(await items.count()).toBe(Math.min(open, 20));
    await expect(items.first().textContent()).resolves.toMatch(/Next: |Done\./);
    await expect(page.getByTestId('resident-entries').getByRole('link').allTextContents()).resolves.toEqual([
      'Report a problem',
      'My cases',
    ]);
    await axeBothSizes(page, 'home-resident-en');
  });

  it('metrics open on the last 30 days, with one duration unit per column named in its header', async () => {
    const page = await env.signedIn('demo-commander', '/', 'en-US');
    await page.setViewportSize(DESK);
    const [response] = await Promise.all([
      page.waitForResponse(
        (r) => new URL(r.url()).pathname === '/api/v1/metrics/cases' && r.status() === 200,
      ),
      page.goto('/metrics'),
    ]);
    const q = new URL(response.url()).searchParams;
    expect(Math.round((Date.parse(q.get('to')!) - Date.parse(q.get('from')!)) / 86_400_000)).toBe(30);
    await expect(page.getByLabel('Last 30 days').isChecked()).resolves.toBe(true);
    const headers = await page.getByTestId('metrics-table').locator('thead th').allTextContents();
    const durationHeaders = headers.filter(
      (h) => /^(Median|90th|Response|Resolution)/.test(h) && /\((min|h|days)\)$/.test(h),
    );
    expect(durationHeaders.length).toBe(4);
    // The cells carry no unit of their own: the header names it.
    const cells = await page
      .getByTestId('metrics-table')
      .locator('td[data-col="resolution-median"]')
      .allTextContents();
    for (const cell of cells) expect(cell).toMatch(/^(—|[\d.,]+)$/);
  });

  it('on a phone the app bar and the bottom bar take under 20 % of the screen, and work by keyboard', async () => {
    const page = await env.signedIn('demo-community-1', '/', 'en-US');
    await page.setViewportSize(PHONE);
    const bottom = page.getByTestId('bottom-nav');
    await bottom.waitFor();
    expect(await page.locator('nav.app-nav').count()).toBe(0);
    const header = await page.locator('header.app-header').boundingBox();
    const bar = await bottom.boundingBox();
    const share = ((header?.height ?? 0) + (bar?.height ?? 0)) / PHONE.height;
    expect(share).toBeGreaterThan(0);
    expect(share).toBeLessThan(0.2);
    expect(bar!.y + bar!.height).toBeCloseTo(PHONE.height, 0);
    // Four main places and "more"; the current one is marked for screen readers.
    expect(await bottom.getByRole('link').count()).toBe(4);
    await expect(bottom.getByRole('link', { name: 'Home' }).getAttribute('aria-current')).resolves.toBe(
      'page',
    );
    const more = bottom.getByRole('button', { name: 'More' });
    await more.focus();
    await page.keyboard.press('Enter');
    await expect(more.getAttribute('aria-expanded')).resolves.toBe('true');
    // The rest of the places and the tools live in the sheet, each once in the page.
    await page.getByRole('link', { name: 'Import residents' }).waitFor();
    expect(await page.getByTestId('language-switcher').count()).toBe(1);
    expect(await seriousA11yViolations(page, 'more menu open')).toEqual([]);
    await page.keyboard.press('Escape');
    await expect(more.getAttribute('aria-expanded')).resolves.toBe('false');
    await expect(page.evaluate(() => document.activeElement?.textContent ?? '')).resolves.toContain('More');
    // A place from the sheet: the sheet closes and "more" is marked as holding the current page.
    await page.keyboard.press('Enter');
    await page.getByRole('link', { name: 'Import residents' }).click();
    await page.waitForURL((u) => u.pathname === '/residents/import');
    await expect(more.getAttribute('aria-expanded')).resolves.toBe('false');
    // Back on a desk the full navigation returns.
    await page.setViewportSize(DESK);
    await page.locator('nav.app-nav').waitFor();
    expect(await page.getByTestId('bottom-nav').count()).toBe(0);
  });
}
