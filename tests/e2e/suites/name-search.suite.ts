import { expect, it } from 'vitest';
import type { AuditEntry } from '@civitas/contracts/audit';
import type { ResidentMasked } from '@civitas/contracts/registry';
import { screenshot, seriousA11yViolations } from '../support/browser';
import type { E2eEnv } from '../support/e2e-env';

interface Page<T> {
  items: T[];
  total: number;
}

/** A unit code as the org tree writes them (`D01-S01-C01-G03`). */
const UNIT_CODE = /\b[A-Z]\d{2}(-[A-Z]+\d{2})+\b/;

// Issue 11 §4 (ADR 0045): staff find residents by name, and places are named, never coded.
export function nameSearchSuite(env: E2eEnv): void {
  it('a community admin finds a resident by name; the result is masked, the name stays out of URLs, the search is audited', async () => {
    const admin = await env.api('demo-community-1');
    const list = await admin.get<Page<ResidentMasked>>('/residents?limit=20&offset=7');
    const resident = list.items[0];
    if (!resident) throw new Error('community 1 has no residents');
    const revealed = await admin.request('POST', `/residents/${resident.id}/reveal`, {
      field: 'name',
      reason: 'e2e setup: the name to search for',
    });
    const name = ((await revealed.json()) as { value: string }).value;

    const page = await env.signedIn('demo-community-1', '/residents');
    const urls: string[] = [];
    page.on('request', (r) => urls.push(decodeURIComponent(r.url())));
    await page.getByTestId('residents-table').locator('tbody tr').first().waitFor();
    const form = page.getByRole('search', { name: 'Find a resident by name' });
    await form.getByLabel('Name, pinyin or initials').fill(name);
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/v1/residents/name-search')),
      form.getByRole('button', { name: 'Find', exact: true }).click(),
    ]);
    expect(response.status()).toBe(200);
    const found = (await response.json()) as { items: ResidentMasked[] };
    expect(found.items.map((r) => r.id)).toContain(resident.id);
    await page
      .getByRole('status')
      .filter({ hasText: `Residents found by Name: ${found.items.length}` })
      .waitFor();
    const row = page
      .getByTestId('residents-table')
      .locator(`tbody tr:has(a[href="/residents/${resident.id}"])`);
    await expect(row.locator('th').textContent()).resolves.toBe(resident.name);
    expect(resident.name).not.toBe(name);
    await screenshot(page, 'name-search-result');
    expect(await seriousA11yViolations(page, 'name search result')).toEqual([]);
    expect(urls.filter((u) => u.includes(name))).toEqual([]);

    const auditor = await env.api('demo-auditor');
    const audit = await auditor.get<{ items: AuditEntry[] }>(
      `/audit?action=resident.search&actorId=${admin.me.id}&limit=5`,
    );
    expect(audit.items[0]?.detail).toMatchObject({ via: 'name' });
    expect((audit.items[0]?.detail as { ids: string[] }).ids).toContain(resident.id);
    expect(JSON.stringify(audit.items)).not.toContain(name);
  });

  it('a part of a name finds nobody, and a grid worker does not find a resident of another grid', async () => {
    const admin = await env.api('demo-community-1');
    const worker = await env.api('demo-gridworker-1');
    const ownGrid = worker.me.grants[0]?.orgUnitId ?? '';
    const list = await admin.get<Page<ResidentMasked>>('/residents?limit=50');
    const elsewhere = list.items.find((r) => r.gridId !== ownGrid);
    if (!elsewhere) throw new Error('community 1 has no resident outside grid worker 1');
    const revealed = await admin.request('POST', `/residents/${elsewhere.id}/reveal`, {
      field: 'name',
      reason: 'e2e setup: the name to search for',
    });
    const name = ((await revealed.json()) as { value: string }).value;
    const byWorker = await worker.request('POST', '/residents/name-search', { name });
    expect(byWorker.status).toBe(200);
    expect(((await byWorker.json()) as { items: ResidentMasked[] }).items.map((r) => r.id)).not.toContain(
      elsewhere.id,
    );
    const part = await admin.request('POST', '/residents/name-search', { name: [...name][0] });
    const partIds = ((await part.json()) as { items: ResidentMasked[] }).items.map((r) => r.id);
    expect(partIds).not.toContain(elsewhere.id);
  });

  it('the residents list names grids with their community in zh-CN, codes only in the tooltip, and filters by building', async () => {
    const page = await env.signedIn('demo-community-1', '/residents', 'zh-CN');
    const table = page.getByTestId('residents-table');
    await table.locator('tbody tr').first().waitFor();
    const cell = table.locator('tbody tr td .unit-label').first();
    await cell.waitFor();
    const text = (await cell.textContent()) ?? '';
    expect(text).toMatch(/社区 · /);
    expect(text).not.toMatch(UNIT_CODE);
    await expect(cell.getAttribute('title')).resolves.toMatch(UNIT_CODE);
    expect((await table.textContent()) ?? '').not.toMatch(UNIT_CODE);

    const filters = page.getByRole('search', { name: '筛选居民' });
    const grid = filters.getByLabel('网格');
    const gridOptions = await grid.locator('option').allTextContents();
    expect(gridOptions.slice(1).every((o) => o.includes(' · ') && !UNIT_CODE.test(o))).toBe(true);
    await grid.selectOption({ index: 1 });
    const building = filters.getByLabel('楼栋');
    await building.locator('option').nth(1).waitFor({ state: 'attached' });
    await building.selectOption({ index: 1 });
    const buildingName = (await building.locator('option:checked').textContent()) ?? '';
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().includes('/api/v1/residents?') && r.url().includes('buildingId=')),
      filters.getByRole('button', { name: '查询' }).click(),
    ]);
    expect(response.status()).toBe(200);
    const body = (await response.json()) as Page<ResidentMasked>;
    expect(body.items.every((r) => r.buildingName === buildingName)).toBe(true);
    await screenshot(page, 'residents-filtered-zh');
    expect(await seriousA11yViolations(page, 'residents filters (zh-CN)')).toEqual([]);
  });
}
