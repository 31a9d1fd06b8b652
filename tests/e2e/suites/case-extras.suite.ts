import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { AuditEntry } from '@civitas/contracts/audit';
import type { CaseAttachment, CaseCategory } from '@civitas/contracts/cases';
// The same byte-built JPEG the server's upload tests use: a real file the browser decodes.
import { jpeg } from '../../../apps/server/src/test-support/image-fixtures';
import { screenshot, seriousA11yViolations } from '../support/browser';
import { actOn, createStaffCase, pointInUnit, type Point } from '../support/case-fixtures';
import type { E2eEnv } from '../support/e2e-env';

async function axeClean(page: Page, label: string) {
  await screenshot(page, label);
  expect(await seriousA11yViolations(page, label), label).toEqual([]);
}

/** The thumbnail has loaded and decoded: the server served the image to this session. */
async function thumbnailDecoded(page: Page): Promise<number> {
  const img = page.locator('[data-testid="case-photos"] li[data-purpose="resolution"] img').first();
  await img.waitFor();
  await page.waitForFunction(
    () => {
      const el = document.querySelector<HTMLImageElement>(
        '[data-testid="case-photos"] li[data-purpose="resolution"] img',
      );
      return el !== null && el.complete;
    },
    undefined,
    { polling: 'raf' },
  );
  return img.evaluate((el: HTMLImageElement) => el.naturalWidth);
}

export function caseExtrasSuite(env: E2eEnv): void {
  let g01: Point;
  const photo = { name: 'fixed.jpg', mimeType: 'image/jpeg', buffer: jpeg() };

  it('finds a point inside grid G01', async () => {
    g01 = await pointInUnit(await env.api('demo-gridworker-1'), '-S01-C01-G01');
    expect(Number.isFinite(g01.lat)).toBe(true);
  });

  it('staff resolve a case with a photo; the thumbnail shows on the case', async () => {
    const api = await env.api('demo-community-1');
    let c = await createStaffCase(api, g01, `Photo resolve e2e ${Date.now()}`);
    c = await actOn(api, c.id, { action: 'accept', version: c.version });
    c = await actOn(api, c.id, { action: 'assign', version: c.version, assigneeId: api.me.id });
    c = await actOn(api, c.id, { action: 'start', version: c.version });

    const page = await env.signedIn('demo-community-1', `/cases/${c.id}`);
    await page.locator('#case-action').selectOption('resolve');
    await page.locator('#case-resolve-photo').setInputFiles(photo);
    await page.locator('#case-action-text').fill('Filled and levelled; photo attached.');
    await axeClean(page, 'case-resolve-with-photo');
    await page.getByTestId('case-action-submit').click();
    await page.getByTestId('case-state').getByText('Resolved').waitFor();
    expect(await thumbnailDecoded(page)).toBe(1);
    await axeClean(page, 'case-resolved-thumbnail');
    const files = await api.get<{ items: CaseAttachment[] }>(`/cases/${c.id}/attachments`);
    expect(files.items).toMatchObject([{ purpose: 'resolution', mime: 'image/jpeg' }]);
  });

  it('the grid worker resolves with a photo taken on the phone; it goes through the queue', async () => {
    const api = await env.api('demo-community-1');
    const c = await createStaffCase(
      api,
      { lat: g01.lat + 0.00001, lng: g01.lng },
      `Grid photo e2e ${Date.now()}`,
    );
    const worker = await env.signedIn('demo-gridworker-1', '/grid');
    await worker.setViewportSize({ width: 390, height: 844 });
    const card = worker.locator(`[data-case-id="${c.id}"]`);
    await card.waitFor();
    await card.getByRole('button', { name: 'Accept' }).click();
    await worker.locator(`[data-case-id="${c.id}"][data-state="in_progress"]`).waitFor();
    await worker.locator('[data-testid="sync-status"][data-pending="0"]').waitFor();
    await card.getByRole('button', { name: 'Resolve' }).click();
    await card.getByLabel('Resolution note').fill('Swept and bagged.');
    await card.locator(`#task-${c.id}-text-photo`).setInputFiles(photo);
    await axeClean(worker, 'grid-resolve-with-photo');
    await card.getByRole('button', { name: 'Resolve case' }).click();
    await card.waitFor({ state: 'detached' });
    const gridApi = await env.api('demo-gridworker-1');
    const files = await gridApi.get<{ items: CaseAttachment[] }>(`/cases/${c.id}/attachments`);
    expect(files.items).toMatchObject([{ purpose: 'resolution', mime: 'image/jpeg' }]);
    await worker.goto(`/cases/${c.id}`);
    expect(await thumbnailDecoded(worker)).toBe(1);
  });

  it('hotline intake stores the caller as a contact; revealing it needs a reason and writes an audit row', async () => {
    const page = await env.signedIn('demo-community-1', '/cases/hotline');
    const title = `Hotline contact e2e ${Date.now()}`;
    await page.locator('#hotline-category').fill('pothole');
    await page
      .getByTestId('category-chosen')
      .getByText('Chosen: Road and facility damage / Pothole')
      .waitFor();
    await page.locator('#hotline-title').fill(title);
    await page.locator('#hotline-lat').fill(String(g01.lat + 0.00002));
    await page.locator('#hotline-lng').fill(String(g01.lng - 0.00002));
    await page.locator('#hotline-caller-name').fill('Li Lei');
    await page.locator('#hotline-caller-phone').fill('13900001111');
    await page
      .getByTestId('hotline-where')
      .getByText(/^This point is in Grid /)
      .waitFor();
    await page.keyboard.press('Control+Enter');
    const result = page.getByTestId('hotline-result');
    await result.getByText(/^Case .+ created/).waitFor();
    const caseId = (await result.getByRole('link').getAttribute('href'))!.split('/').pop()!;

    await result.getByRole('link').click();
    const phone = page.getByTestId('contact-phone');
    await phone.waitFor();
    const masked = await phone.locator('[data-value]').textContent();
    expect(masked).not.toContain('13900001111');
    await phone.getByRole('button', { name: 'Show Phone' }).click();
    const form = page.getByTestId('contact-reveal-form');
    await form.waitFor();
    // No reason, no reveal.
    await expect(form.getByTestId('contact-reveal-submit').isDisabled()).resolves.toBe(true);
    await page.locator('#contact-reason').fill('Calling back about the repair date');
    await axeClean(page, 'case-contact-reveal-dialog');
    await form.getByTestId('contact-reveal-submit').click();
    await phone.locator('[data-value]').getByText('13900001111').waitFor();
    await axeClean(page, 'case-contact-revealed');

    const auditor = await env.api('demo-auditor');
    const audit = await auditor.get<{ items: AuditEntry[] }>(
      `/audit?action=case.contact.reveal&targetId=${caseId}&limit=10`,
    );
    expect(audit.items[0]).toMatchObject({ action: 'case.contact.reveal', targetId: caseId });
  });

  it('a category typed before the categories arrive is kept when the field is left, and chosen once they do', async () => {
    const page = await env.signedIn('demo-community-1', '/');
    // The categories answer late, as on a slow network: only after the call taker has moved on.
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/api/v1/case-categories*', async (route) => {
      await held;
      await route.continue();
    });
    await page.goto('/cases/hotline');
    await page.locator('#hotline-category').fill('pothole');
    await page.locator('#hotline-lat').fill(String(g01.lat));
    expect(await page.locator('#hotline-category').inputValue()).toBe('pothole');
    release();
    await page
      .getByTestId('category-chosen')
      .getByText('Chosen: Road and facility damage / Pothole')
      .waitFor();
    await page.unroute('**/api/v1/case-categories*');
  });

  it('an admin creates a category; bad fields are named before anything is sent', async () => {
    const page = await env.signedIn('demo-admin', '/cases/categories');
    await page.getByTestId('categories-table').waitFor();
    await page.getByTestId('category-new').click();
    const form = page.getByTestId('category-form');
    await form.waitFor();
    await page.locator('#category-responseHours').fill('0');
    await form.getByTestId('category-save').click();
    await page.locator('#category-code-error').waitFor();
    await page.locator('#category-responseHours-error').waitFor();
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('category-code');
    await axeClean(page, 'category-form-errors');

    const code = `e2e_cat_${Date.now()}`;
    await page.locator('#category-code').fill(code);
    await page.locator('#category-nameZh').fill('测试类别');
    await page.locator('#category-nameEn').fill('Test category');
    await page.locator('#category-department').selectOption('environment');
    await page.locator('#category-responseHours').fill('8');
    await page.locator('#category-resolutionHours').fill('48');
    await page.locator('#category-duplicateRadiusM').fill('150');
    await page.locator('#category-photo').check();
    await form.getByTestId('category-save').click();
    await page.locator(`[data-testid="categories-table"] tr[data-code="${code}"]`).waitFor();
    await axeClean(page, 'category-created');

    const admin = await env.api('demo-admin');
    const all = await admin.get<{ items: CaseCategory[] }>('/case-categories');
    expect(all.items.find((x) => x.code === code)).toMatchObject({
      name: { 'zh-CN': '测试类别', en: 'Test category' },
      department: 'environment',
      responseHours: 8,
      resolutionHours: 48,
      duplicateRadiusM: 150,
      requiresPhoto: true,
      parentId: null,
    });
  });

  it('a resident lands on report and my cases', async () => {
    const page = await env.signedIn('demo-resident-1', '/');
    const entries = page.getByTestId('resident-entries');
    await entries.getByRole('link', { name: 'Report a problem' }).waitFor();
    await entries.getByRole('link', { name: 'My cases' }).waitFor();
    await axeClean(page, 'home-resident');
  });
}
