import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { CaseAttachment } from '@civitas/contracts/cases';
import { jpeg } from '../../../apps/server/src/test-support/image-fixtures';
import { navHrefs, screenshot, seriousA11yViolations } from '../support/browser';
import { actOn, createStaffCase, pointInUnit, type Point } from '../support/case-fixtures';
import type { E2eEnv } from '../support/e2e-env';

interface ListedCase {
  id: string;
  state: string;
  allowedActions: string[];
  responsible: { unit: { code: string } };
}

async function axeClean(page: Page, label: string) {
  await screenshot(page, label);
  expect(await seriousA11yViolations(page, label), label).toEqual([]);
}

/** The grid app on a phone in Chinese, ready to work without network. */
async function phoneGrid(env: E2eEnv, user: string): Promise<Page> {
  const page = await env.signedIn(user, '/grid', 'zh-CN');
  await page.setViewportSize({ width: 390, height: 844 });
  await page.locator('[data-testid="offline-ready"][data-ready="true"]').waitFor();
  return page;
}

/** Something the user can read: the app frame and a heading, never an empty (white) page. */
async function notWhite(page: Page, label: string) {
  await page.locator('h1').first().waitFor();
  const text = (await page.locator('body').innerText()).trim();
  expect(text.length, label).toBeGreaterThan(20);
}

/**
 * The grid worker's loop on a phone (issue 11 §1): only what the server would accept is offered,
 * the category's photo rule holds offline, nothing goes white offline, and a refusal is explained
 * in the worker's language with a way out.
 */
export function gridLoopSuite(env: E2eEnv): void {
  let g01: Point;
  const stamp = Date.now();

  it('finds a point inside grid G01', async () => {
    g01 = await pointInUnit(await env.api('demo-gridworker-1'), '-S01-C01-G01');
    expect(Number.isFinite(g01.lat)).toBe(true);
  });

  it('offers the grid worker no claim on a task held by the community, and the commander none below the district', async () => {
    const office = await env.api('demo-community-1');
    const ours = await createStaffCase(office, g01, `Loop ours ${stamp}`);
    let theirs = await createStaffCase(
      office,
      { lat: g01.lat + 0.00003, lng: g01.lng },
      `Loop theirs ${stamp}`,
    );
    theirs = await actOn(office, theirs.id, {
      action: 'escalate',
      version: theirs.version,
      reason: 'the community takes it',
    });

    const page = await phoneGrid(env, 'demo-gridworker-1');
    const ourCard = page.locator(`[data-case-id="${ours.id}"]`);
    const theirCard = page.locator(`[data-case-id="${theirs.id}"]`);
    await ourCard.getByRole('button', { name: '接单' }).waitFor();
    await theirCard.getByTestId('task-held-elsewhere').waitFor();
    await expect(theirCard.getByRole('button').count()).resolves.toBe(0);
    await axeClean(page, 'grid-loop-held-elsewhere-zh-390');

    const commander = await env.api('demo-commander');
    const tasks = await commander.get<{ items: ListedCase[] }>(
      '/cases?state=submitted,accepted,assigned,in_progress,pending_info,reopened&limit=100',
    );
    const claimable = tasks.items.filter((c) => c.allowedActions.includes('claim'));
    // The command centre dispatches: the commander takes only what the district itself holds.
    for (const c of claimable) expect(c.responsible.unit.code).not.toContain('-');
    const desk = await env.signedIn('demo-commander', '/grid', 'zh-CN');
    await desk.setViewportSize({ width: 1440, height: 900 });
    await desk.getByTestId('grid-tasks').locator('li').first().waitFor();
    await expect(desk.getByRole('button', { name: '认领' }).count()).resolves.toBe(
      claimable.filter((c) => c.state !== 'submitted').length,
    );
    await desk.locator(`[data-case-id="${ours.id}"]`).getByRole('button', { name: '受理' }).waitFor();
    await axeClean(desk, 'grid-loop-commander-zh-1440');
  });

  it('claims, starts and resolves a photo-required task offline on a phone, survives a reload, and syncs', async () => {
    const office = await env.api('demo-community-1');
    let c = await createStaffCase(
      office,
      { lat: g01.lat - 0.00003, lng: g01.lng },
      `Loop pothole ${stamp}`,
      'road_facility.pothole',
    );
    c = await actOn(office, c.id, { action: 'accept', version: c.version });
    const page = await phoneGrid(env, 'demo-gridworker-1');
    const card = page.locator(`[data-case-id="${c.id}"]`);
    await card.getByTestId('task-photo-required').waitFor();

    await page.context().setOffline(true);
    await card.getByRole('button', { name: '认领' }).click();
    await page.locator(`[data-case-id="${c.id}"][data-state="in_progress"]`).waitFor();
    await card.getByRole('button', { name: '办结', exact: true }).click();
    await card.getByLabel('办结说明').fill('坑已填平');
    // No photo: the category's rule holds on the phone, offline, before anything is queued.
    await card.getByTestId('photo-required-note').waitFor();
    await expect(card.getByRole('button', { name: '办结案件' }).isDisabled()).resolves.toBe(true);
    await axeClean(page, 'grid-loop-photo-required-zh-390');
    await card.locator(`#task-${c.id}-text-photo`).setInputFiles({
      name: 'pothole.jpg',
      mimeType: 'image/jpeg',
      buffer: jpeg(),
    });
    await card.getByTestId('photo-required-note').waitFor({ state: 'detached' });
    await card.getByRole('button', { name: '办结案件' }).click();
    await page.locator('[data-testid="sync-status"][data-pending="3"]').waitFor();

    await page.reload();
    await page.locator(`[data-case-id="${c.id}"][data-state="resolved"]`).waitFor();
    await page.locator('[data-testid="sync-status"][data-pending="3"]').waitFor();
    await axeClean(page, 'grid-loop-queued-zh-390');
    await expect(office.get<{ state: string }>(`/cases/${c.id}`)).resolves.toMatchObject({
      state: 'accepted',
    });

    await page.context().setOffline(false);
    await page.locator('[data-testid="sync-status"][data-pending="0"]').waitFor();
    await expect(office.get<{ state: string }>(`/cases/${c.id}`)).resolves.toMatchObject({
      state: 'resolved',
    });
    const files = await office.get<{ items: CaseAttachment[] }>(`/cases/${c.id}/attachments`);
    expect(files.items).toMatchObject([{ purpose: 'resolution', fileName: 'pothole.jpg' }]);
  });

  it('shows a refused queued action with its reason in Chinese and a way out: retry, discard, open the case', async () => {
    const office = await env.api('demo-community-1');
    let c = await createStaffCase(office, { lat: g01.lat, lng: g01.lng + 0.00003 }, `Loop refused ${stamp}`);
    c = await actOn(office, c.id, { action: 'accept', version: c.version });
    const page = await phoneGrid(env, 'demo-gridworker-1');
    const card = page.locator(`[data-case-id="${c.id}"]`);
    await card.getByRole('button', { name: '认领' }).waitFor();

    await page.context().setOffline(true);
    await card.getByRole('button', { name: '认领' }).click();
    await page.locator('[data-testid="sync-status"][data-pending="2"]').waitFor();
    // Meanwhile the office sends the case up to the community: the claim is no longer the worker's.
    await actOn(office, c.id, { action: 'escalate', version: c.version, reason: '社区统一处理' });
    await page.context().setOffline(false);

    const refused = page.getByTestId('sync-conflicts').locator('li[data-status="failed"]').first();
    await refused.waitFor();
    await expect(refused.getByTestId('queue-refusal').innerText()).resolves.toMatch(
      /您不负责此案件，现由.+办理/,
    );
    // Worded from the code, not the server's English detail.
    await expect(refused.innerText()).resolves.not.toMatch(/responsible|held by/);
    await refused.getByRole('button', { name: '重试' }).waitFor();
    await refused.getByRole('link', { name: `打开案件 ${c.ref}` }).waitFor();
    await axeClean(page, 'grid-loop-refused-zh-390');
    await refused.getByRole('button', { name: '放弃我的修改' }).click();
    // The start queued behind it is refused the same way; discarding it leaves nothing stuck.
    const next = page.getByTestId('sync-conflicts').locator('li[data-status="failed"]').first();
    await next.getByTestId('queue-refusal').waitFor();
    await next.getByRole('button', { name: '放弃我的修改' }).click();
    await page.getByTestId('sync-conflicts').waitFor({ state: 'detached' });
    await page.locator('[data-testid="sync-status"][data-pending="0"]').waitFor();
  });

  it('offline, every page of the grid worker shows its content or a clear offline state, never a white page', async () => {
    const page = await phoneGrid(env, 'demo-gridworker-1');
    const hrefs = await navHrefs(page);
    expect(hrefs).toEqual(expect.arrayContaining(['/cases', '/cases/mine', '/grid']));
    await page.context().setOffline(true);
    for (const href of hrefs) {
      // In-app navigation (the chunk may be missing) and a cold open (served by the worker).
      // A place not on the bottom bar is behind "more".
      const onBar = page.locator(`nav.bottom-nav a[href="${href}"]`);
      if (await onBar.isVisible()) await onBar.click();
      else {
        await page.getByTestId('more-menu').click();
        await page.locator(`.more-sheet a[href="${href}"]`).click();
      }
      await notWhite(page, `click ${href}`);
      await page.goto(href);
      await notWhite(page, `open ${href}`);
    }
    await page.goto('/cases');
    await notWhite(page, 'inbox offline');
    await axeClean(page, 'grid-loop-offline-inbox-zh-390');
    await page.goto('/cases/mine');
    await notWhite(page, 'my cases offline');
    await axeClean(page, 'grid-loop-offline-mine-zh-390');
    await page.context().setOffline(false);
  });
}
