import { expect, it } from 'vitest';
import type { AuditEntry } from '@civitas/contracts/audit';
import type { OrgUnit } from '@civitas/contracts/orgs';
import type { ResidentMasked } from '@civitas/contracts/registry';
import { screenshot, seriousA11yViolations } from '../support/browser';
import type { E2eEnv } from '../support/e2e-env';

interface Page<T> {
  items: T[];
  total: number;
}

/** A resident of a grid of community 1 other than the given one, found as the community admin. */
async function residentOfAnotherGrid(env: E2eEnv, ownGridId: string): Promise<ResidentMasked> {
  const admin = await env.api('demo-community-1');
  const grids = await admin.get<Page<OrgUnit>>('/org-units?type=grid&limit=500');
  for (const grid of grids.items.filter((g) => g.id !== ownGridId)) {
    const residents = await admin.get<Page<ResidentMasked>>(`/residents?unitId=${grid.id}&limit=1`);
    if (residents.items[0]) return residents.items[0];
  }
  throw new Error('no resident found in another grid of community 1');
}

export function residentsSuite(env: E2eEnv): void {
  it("a grid worker opening another grid's resident gets the not-found page, and the API answers 404", async () => {
    const worker = await env.api('demo-gridworker-1');
    const ownGrid = worker.me.grants[0]?.orgUnitId ?? '';
    const other = await residentOfAnotherGrid(env, ownGrid);
    expect(other.gridId).not.toBe(ownGrid);
    expect((await worker.request('GET', `/residents/${other.id}`)).status).toBe(404);

    const page = await env.signedIn('demo-gridworker-1', `/residents/${other.id}`);
    await page.getByTestId('not-found').waitFor();
    await expect(page.locator('main h1').textContent()).resolves.toBe('Not found');
    expect(await page.getByTestId('resident-details').count()).toBe(0);
    await screenshot(page, 'resident-not-found');
  });

  it('a grid worker reveals a phone number; the plain value shows and the audit log records it', async () => {
    const worker = await env.api('demo-gridworker-1');
    const list = await worker.get<Page<ResidentMasked>>('/residents?limit=50');
    const resident = list.items.find((r) => r.phone !== null);
    if (!resident) throw new Error('grid worker 1 has no resident with a phone number');

    const page = await env.signedIn('demo-gridworker-1', '/residents');
    await page.getByTestId('residents-table').locator('tbody tr').first().waitFor();
    expect(await seriousA11yViolations(page, 'residents list (grid worker)')).toEqual([]);
    await page.goto(`/residents/${resident.id}`);
    const masked = page.getByTestId('masked-phone');
    await masked.waitFor();
    expect(await masked.textContent()).toBe(resident.phone);

    await page.getByRole('button', { name: 'Reveal Phone' }).click();
    const dialog = page.getByRole('dialog', { name: 'Reveal Phone' });
    await dialog.waitFor();
    const reason = dialog.getByLabel('Reason');
    await expect(reason.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
    await screenshot(page, 'reveal-dialog');
    expect(await seriousA11yViolations(page, 'reveal dialog')).toEqual([]);
    await reason.fill('home visit follow-up call');
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith(`/residents/${resident.id}/reveal`)),
      dialog.getByRole('button', { name: 'Reveal', exact: true }).click(),
    ]);
    expect(response.status()).toBe(200);
    const revealed = (await response.json()) as { value: string };
    const plain = page.getByTestId('plain-phone');
    await plain.waitFor();
    expect(await plain.textContent()).toBe(revealed.value);
    expect(revealed.value).not.toBe(resident.phone);
    expect(revealed.value).toMatch(/\d{6,}/);
    await screenshot(page, 'resident-revealed');
    expect(await seriousA11yViolations(page, 'resident detail')).toEqual([]);

    const auditor = await env.api('demo-auditor');
    const audit = await auditor.get<{ items: AuditEntry[] }>(
      `/audit?action=resident.reveal&targetId=${resident.id}&limit=10`,
    );
    expect(audit.items.length).toBeGreaterThan(0);
    expect(audit.items[0]).toMatchObject({ action: 'resident.reveal', targetId: resident.id });
    expect(audit.items[0]?.actorId).toBe(worker.me.id);
  });

  it('a community admin finds a resident by phone: the reason is asked, the number stays out of every URL, the search is audited as a reveal', async () => {
    const admin = await env.api('demo-community-1');
    const list = await admin.get<Page<ResidentMasked>>('/residents?limit=50');
    const resident = list.items.find((r) => r.phone !== null);
    if (!resident) throw new Error('community 1 has no resident with a phone number');
    const revealed = await admin.request('POST', `/residents/${resident.id}/reveal`, {
      field: 'phone',
      reason: 'e2e setup: the number to search for',
    });
    const phone = ((await revealed.json()) as { value: string }).value;

    const page = await env.signedIn('demo-community-1', '/residents');
    const urls: string[] = [];
    page.on('request', (r) => urls.push(r.url()));
    await page.getByTestId('residents-table').locator('tbody tr').first().waitFor();
    const form = page.getByRole('search', { name: 'Find a resident by phone or ID number' });
    await form.getByLabel('Phone (exact)').fill(phone);
    await form.getByRole('button', { name: 'Find…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Find by Phone' });
    await dialog.waitFor();
    await screenshot(page, 'identifier-search-dialog');
    expect(await seriousA11yViolations(page, 'identifier search dialog')).toEqual([]);
    await dialog.getByLabel('Reason').fill('caller asks about a parcel');
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/v1/residents/search')),
      dialog.getByRole('button', { name: 'Search', exact: true }).click(),
    ]);
    expect(response.status()).toBe(200);
    await page.getByRole('status').filter({ hasText: 'Residents found by Phone: 1' }).waitFor();
    const rows = page.getByTestId('residents-table').locator('tbody tr');
    await expect(rows.count()).resolves.toBe(1);
    await expect(rows.first().locator('a').getAttribute('href')).resolves.toBe(`/residents/${resident.id}`);
    await screenshot(page, 'identifier-search-result');
    expect(await seriousA11yViolations(page, 'identifier search result')).toEqual([]);
    const digits = phone.replace(/\D/g, '');
    expect(urls.filter((u) => u.replace(/\D/g, '').includes(digits.slice(-8)))).toEqual([]);

    const auditor = await env.api('demo-auditor');
    const audit = await auditor.get<{ items: AuditEntry[] }>(
      `/audit?action=resident.reveal&targetId=${resident.id}&limit=10`,
    );
    const bySearch = audit.items.find((e) => e.detail.via === 'search');
    expect(bySearch?.detail).toMatchObject({
      field: 'phone',
      reason: 'caller asks about a parcel',
      matched: 1,
    });
    expect(JSON.stringify(bySearch)).not.toContain(digits.slice(-8));
  });

  it('a street officer, who may not reveal, is not offered the identifier search, and the API agrees', async () => {
    const street = await env.api('demo-street-1');
    const page = await env.signedIn('demo-street-1', '/residents');
    await page.getByTestId('residents-table').locator('tbody tr').first().waitFor();
    await page.getByRole('search', { name: 'Filter residents' }).waitFor();
    await expect(
      page.getByRole('search', { name: 'Find a resident by phone or ID number' }).count(),
    ).resolves.toBe(0);
    const search = await street.request('POST', '/residents/search', {
      field: 'phone',
      value: '13800138000',
      reason: 'curious',
    });
    expect(search.status).toBe(403);
    // An old client that still puts a number in the list URL learns where the search went.
    const old = await street.request('GET', '/residents?phone=13800138000');
    expect(old.status).toBe(400);
    expect(((await old.json()) as { code: string; detail: string }).detail).toContain(
      'POST /api/v1/residents/search',
    );
  });

  it("past the search limit the page says when to try again, in the user's language, and one alert is audited", async () => {
    const worker = await env.api('demo-gridworker-2');
    let status = 200;
    for (let i = 0; i < 200 && status === 200; i++) {
      const res = await worker.request('POST', '/residents/search', {
        field: 'phone',
        value: `1990000${String(i).padStart(4, '0')}`,
        reason: 'e2e: reaching the limit',
      });
      status = res.status;
    }
    expect(status).toBe(429);

    const page = await env.signedIn('demo-gridworker-2', '/residents', 'zh-CN');
    await page.getByTestId('residents-table').locator('tbody tr').first().waitFor();
    await page.locator('#identifier-value').fill('13800138000');
    await page.locator('#identifier-value').press('Enter');
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await dialog.locator('#identifier-search-reason').fill('来电询问');
    await dialog.locator('button[type="submit"]').click();
    const limited = page.getByTestId('identifier-search-limited');
    await limited.waitFor();
    await expect(limited.textContent()).resolves.toMatch(/次数已达上限，请在 \d+ 分钟后（.+）再试/);
    await screenshot(page, 'identifier-search-limited-zh');
    expect(await seriousA11yViolations(page, 'identifier search limited')).toEqual([]);
    await dialog.getByRole('button', { name: '取消' }).click();
    await expect(page.getByTestId('identifier-search-blocked').textContent()).resolves.toMatch(/后可再次/);
    await expect(
      page
        .getByRole('search', { name: '按电话或身份证号查找居民' })
        .locator('button[type="submit"]')
        .isDisabled(),
    ).resolves.toBe(true);

    const auditor = await env.api('demo-auditor');
    const alerts = await auditor.get<{ items: AuditEntry[] }>(
      `/audit?action=security.alert&actorId=${worker.me.id}&limit=50`,
    );
    expect(alerts.items.filter((e) => e.detail.kind === 'identifier_search_limit')).toHaveLength(1);
  });

  it('Escape closes the reveal dialog and returns focus to its button', async () => {
    const worker = await env.api('demo-gridworker-1');
    const list = await worker.get<Page<ResidentMasked>>('/residents?limit=5');
    const resident = list.items[0];
    if (!resident) throw new Error('grid worker 1 has no residents');
    const page = await env.signedIn('demo-gridworker-1', `/residents/${resident.id}`);
    const button = page.getByRole('button', { name: 'Reveal Name' });
    await button.click();
    await page.getByRole('dialog').waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
    await expect(button.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
  });
}
