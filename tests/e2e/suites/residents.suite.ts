import { expect, it } from 'vitest';
import type { AuditEntry } from '@civitas/contracts/audit';
import type { OrgUnit } from '@civitas/contracts/org-units';
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
