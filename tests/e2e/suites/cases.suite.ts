import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { screenshot, seriousA11yViolations } from '../support/browser';
import { createStaffCase, pointInUnit, type Point } from '../support/case-fixtures';
import type { E2eEnv } from '../support/e2e-env';

const focusedId = (page: Page) => page.evaluate(() => document.activeElement?.id ?? '');

async function axeClean(page: Page, label: string) {
  await screenshot(page, label);
  expect(await seriousA11yViolations(page, label), label).toEqual([]);
}

export function casesSuite(env: E2eEnv): void {
  let g01: Point;
  const near = (dLat: number, dLng: number): Point => ({ lat: g01.lat + dLat, lng: g01.lng + dLng });

  it('finds a point inside grid G01 for the case tests', async () => {
    g01 = await pointInUnit(await env.api('demo-gridworker-1'), '-S01-C01-G01');
    expect(Number.isFinite(g01.lat)).toBe(true);
  });

  it('a resident reports at a map point; the grid worker accepts and resolves it; the resident confirms and rates', async () => {
    const title = `Loud noise e2e ${Date.now()}`;
    const resident = await env.signedIn('demo-resident-1', '/cases/report');
    await resident.context().grantPermissions(['geolocation'], { origin: env.server.baseUrl });
    await resident.context().setGeolocation({ latitude: g01.lat, longitude: g01.lng });
    await resident.locator('#report-category').fill('Noise');
    await resident.getByTestId('category-chosen').getByText('Chosen: Noise').waitFor();
    // The device position centres the map; the resident then taps the exact spot on it.
    await resident.getByTestId('use-my-location').click();
    await resident
      .getByTestId('report-where')
      .getByText(/^This point is in Grid /)
      .waitFor();
    const map = resident.getByTestId('report-map');
    const box = await map.boundingBox();
    if (!box) throw new Error('map has no box');
    await resident.mouse.click(box.x + box.width / 2 + 3, box.y + box.height / 2 + 3);
    await resident
      .getByTestId('report-where')
      .getByText(/^This point is in Grid /)
      .waitFor();
    await resident.getByTestId('nearby-cases').waitFor();
    await resident.locator('#report-title').fill(title);
    await resident.locator('#report-description').fill('Drilling every night after 23:00.');
    await axeClean(resident, 'cases-report-form');
    await resident.getByTestId('report-submit').click();
    const created = resident.getByTestId('report-created');
    await created.waitFor();
    const caseLink = created.getByRole('link');
    const caseId = (await caseLink.getAttribute('href'))!.split('/').pop()!;

    // The grid worker of that grid sees it among today's tasks, on a phone-sized screen.
    const worker = await env.signedIn('demo-gridworker-1', '/grid');
    await worker.setViewportSize({ width: 390, height: 844 });
    const card = worker.locator(`[data-case-id="${caseId}"]`);
    await card.waitFor();
    await expect(card.textContent()).resolves.toContain(title);
    await axeClean(worker, 'grid-tasks-mobile');
    await card.getByRole('button', { name: 'Accept' }).click();
    await worker.locator(`[data-case-id="${caseId}"][data-state="in_progress"]`).waitFor();
    await worker.locator('[data-testid="sync-status"][data-pending="0"]').waitFor();
    await card.getByRole('button', { name: 'Resolve' }).click();
    await card.getByLabel('Resolution note').fill('Talked to the neighbour; work now ends at 20:00.');
    await card.getByRole('button', { name: 'Resolve case' }).click();
    // Resolved work leaves the list of open tasks once the server has it.
    await card.waitFor({ state: 'detached' });
    const gridApi = await env.api('demo-gridworker-1');
    const resolved = await gridApi.get<{ state: string; assignee: { name: string } | null }>(
      `/cases/${caseId}`,
    );
    expect(resolved.state).toBe('resolved');
    expect(resolved.assignee?.name).toBe(gridApi.me.displayName);

    await worker.getByRole('button', { name: 'Map' }).click();
    await worker.getByTestId('grid-map').waitFor();
    await axeClean(worker, 'grid-map-mobile');

    // The resident sees the resolution in their cases and confirms it with a rating.
    await resident.goto('/cases/mine');
    await resident.locator(`[data-case-id="${caseId}"]`).getByRole('link').click();
    await resident.getByTestId('resident-feedback').waitFor();
    await expect(resident.getByTestId('case-state').textContent()).resolves.toBe('Resolved');
    await axeClean(resident, 'cases-resident-resolved');
    await resident.getByLabel('4 of 5').check();
    await resident.locator('#feedback-text').fill('Quiet now, thank you.');
    await resident.getByTestId('feedback-submit').click();
    await resident.getByTestId('case-state').getByText('Closed').waitFor();
    const timeline = resident.getByTestId('case-timeline');
    await timeline.locator('[data-action="confirm"]').waitFor();
    // The resident view names no staff member and carries no internal note.
    await expect(timeline.textContent()).resolves.not.toContain(gridApi.me.displayName);
    expect(await timeline.locator('li.internal').count()).toBe(0);
    const closed = await gridApi.get<{ state: string; satisfaction: number }>(`/cases/${caseId}`);
    expect(closed).toMatchObject({ state: 'closed', satisfaction: 4 });
    await axeClean(resident, 'cases-resident-closed');
  });

  it('hotline intake works with the keyboard only and clears for the next call', async () => {
    const page = await env.signedIn('demo-community-1', '/cases/hotline');
    await page.locator('#hotline-category').waitFor();
    await expect(focusedId(page)).resolves.toBe('hotline-category');
    const title = `Hotline pothole ${Date.now()}`;
    await page.keyboard.type('pothole');
    await page
      .getByTestId('category-chosen')
      .getByText('Chosen: Road and facility damage / Pothole')
      .waitFor();
    await page.keyboard.press('Tab');
    await expect(focusedId(page)).resolves.toBe('hotline-title');
    await page.keyboard.type(title);
    await page.keyboard.press('Tab');
    await expect(focusedId(page)).resolves.toBe('hotline-description');
    await page.keyboard.type('Deep hole in front of building 3.');
    await page.keyboard.press('Tab');
    await expect(focusedId(page)).resolves.toBe('hotline-address');
    await page.keyboard.type('Building 3, Xintian Road');
    // Past the location button and the map's own controls to the coordinate fields.
    for (let i = 0; i < 8 && (await focusedId(page)) !== 'hotline-lat'; i++) await page.keyboard.press('Tab');
    await expect(focusedId(page)).resolves.toBe('hotline-lat');
    const p = near(0.00002, 0.00002);
    await page.keyboard.type(String(p.lat));
    await page.keyboard.press('Tab');
    await expect(focusedId(page)).resolves.toBe('hotline-lng');
    await page.keyboard.type(String(p.lng));
    await page.keyboard.press('Tab');
    await expect(focusedId(page)).resolves.toBe('hotline-caller-name');
    await page.keyboard.type('Mr Wang');
    await page.keyboard.press('Tab');
    await expect(focusedId(page)).resolves.toBe('hotline-caller-phone');
    await page.keyboard.type('13800000000');
    await page
      .getByTestId('hotline-where')
      .getByText(/^This point is in Grid /)
      .waitFor();
    await axeClean(page, 'cases-hotline-filled');
    await page.keyboard.press('Control+Enter');
    await page
      .getByTestId('hotline-result')
      .getByText(/^Case .+ created/)
      .waitFor();
    // Ready for the next call: empty, and the first field has the focus again.
    await expect(page.locator('#hotline-title').inputValue()).resolves.toBe('');
    await expect(focusedId(page)).resolves.toBe('hotline-category');
    const api = await env.api('demo-community-1');
    const found = await api.get<{
      items: {
        title: string;
        description: string;
        contact: { name: string | null; phone: string | null } | null;
      }[];
    }>('/cases?channel=hotline&limit=50');
    const saved = found.items.find((c) => c.title === title);
    // The caller goes into the sealed contact, shown masked, and no longer into the description.
    expect(saved?.description).not.toContain('13800000000');
    expect(saved?.contact?.phone).toBeTruthy();
    expect(saved?.contact?.phone).not.toBe('13800000000');
  });

  it('two staff act on the same case: the second gets the conflict with the current state and can retry', async () => {
    const api = await env.api('demo-community-1');
    const c = await createStaffCase(api, near(-0.00002, 0.00001), `Conflict e2e ${Date.now()}`);
    const first = await env.signedIn('demo-community-1', `/cases/${c.id}`);
    const second = await env.signedIn('demo-street-1', `/cases/${c.id}`);
    for (const page of [first, second])
      await page.locator(`[data-testid="case-version"][data-version="${c.version}"]`).waitFor();

    await first.locator('#case-action').selectOption('accept');
    await first.getByTestId('case-action-submit').click();
    await first.getByTestId('case-state').getByText('Accepted').waitFor();

    // The second officer still sees "submitted" and tries to reject it.
    await second.locator('#case-action').selectOption('reject');
    await second.locator('#case-action-text').fill('Not our matter');
    await second.getByTestId('case-action-submit').click();
    const conflict = second.getByTestId('case-conflict');
    await conflict.waitFor();
    await expect(conflict.textContent()).resolves.toContain('Accepted');
    await second.getByTestId('case-state').getByText('Accepted').waitFor();
    await axeClean(second, 'cases-conflict');
    const now = await api.get<{ state: string; version: number }>(`/cases/${c.id}`);
    expect(now.state).toBe('accepted');
    // Retrying against the current version works.
    await second.locator('#case-action').selectOption('comment');
    await second.locator('#case-action-text').fill('Seen; the community handles it.');
    await second.getByTestId('case-action-submit').click();
    await second.locator(`[data-testid="case-version"][data-version="${now.version + 1}"]`).waitFor();
    await second.getByTestId('case-timeline').locator('li.internal[data-action="comment"]').waitFor();
  });

  it("a grid worker cannot open another grid's case by its address", async () => {
    const api = await env.api('demo-community-1');
    const c = await createStaffCase(api, near(0.00001, -0.00002), `Other grid e2e ${Date.now()}`);
    const page = await env.signedIn('demo-gridworker-2', `/cases/${c.id}`);
    await page.getByTestId('not-found').waitFor();
    await expect(page.locator('main').textContent()).resolves.not.toContain(c.ref);
  });

  it('the inbox filters, saves a named view usable by keyboard, shows a map and pages', async () => {
    const page = await env.signedIn('demo-community-1', '/cases');
    await page.getByTestId('inbox-table').locator('tbody tr').first().waitFor();
    await page.locator('#f-channel').selectOption('hotline');
    await page.getByRole('button', { name: 'Filter', exact: true }).click();
    await page.waitForURL(/channel=hotline/);
    await page.locator('#view-name').fill('Hotline cases');
    await page.locator('#view-name').press('Enter');
    await page.getByText('View "Hotline cases" saved.').waitFor();
    await page.goto('/cases');
    const view = page.getByTestId('saved-views').getByRole('button', { name: 'Hotline cases', exact: true });
    await view.focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/channel=hotline/);
    // The URL changes before the view's pressed state renders: wait for the state itself.
    await page
      .getByTestId('saved-views')
      .getByRole('button', { name: 'Hotline cases', exact: true, pressed: true })
      .waitFor();
    await expect(view.getAttribute('aria-pressed')).resolves.toBe('true');
    await page.getByTestId('inbox-table').locator('tbody tr').first().waitFor();
    const channels = await page
      .getByTestId('inbox-table')
      .locator('tbody tr td:nth-child(7)')
      .allTextContents();
    expect(channels.length).toBeGreaterThan(0);
    expect(new Set(channels)).toEqual(new Set(['12345 hotline']));
    await page.getByRole('button', { name: 'Show on map' }).click();
    await page.getByTestId('inbox-map').locator('.leaflet-overlay-pane path').first().waitFor();
    await axeClean(page, 'cases-inbox-map');
  });

  it('the commander creates, edits and deletes a routing rule, and sees the categories', async () => {
    const page = await env.signedIn('demo-commander', '/cases/rules');
    await page.getByTestId('rules-table').waitFor();
    await axeClean(page, 'cases-rules');
    await page.getByTestId('rule-new').click();
    await page.locator('#rule-category').selectOption({ label: 'Parking' });
    // Units are offered by name; the street whose code ends in -S02 is found through the API.
    const streets = await (
      await env.api('demo-commander')
    ).get<{ items: { id: string; code: string }[] }>('/org-units?type=street&limit=50');
    const areaId = streets.items.find((u) => u.code.endsWith('-S02'))?.id;
    if (!areaId) throw new Error('no S02 option');
    await page.locator('#rule-area').selectOption(areaId);
    await page.locator('#rule-role').selectOption('department_staff');
    await page.locator('#rule-department').selectOption('police');
    await page.locator('#rule-note').fill('e2e parking rule');
    await page.getByTestId('rule-save').click();
    const row = page.getByTestId('rules-table').locator('tr', { hasText: 'e2e parking rule' });
    await row.waitFor();
    await row.getByRole('button', { name: 'Edit' }).click();
    await page.locator('#rule-priority').fill('7');
    await page.getByTestId('rule-save').click();
    await row.locator('td', { hasText: /^7$/ }).waitFor();
    page.once('dialog', (d) => void d.accept());
    await row.getByRole('button', { name: 'Delete' }).click();
    await row.waitFor({ state: 'detached' });

    await page.goto('/cases/categories');
    await page.getByTestId('categories-table').locator('tbody tr').first().waitFor();
    await expect(page.getByTestId('categories-table').textContent()).resolves.toContain('Pothole');
    await axeClean(page, 'cases-categories');
  });

  it('notifications: the bell counts unread ones, the list marks them read', async () => {
    const page = await env.signedIn('demo-gridworker-1', '/notifications');
    await page.getByTestId('notifications').locator('li').first().waitFor();
    const bell = page.getByTestId('notification-bell');
    await expect(bell.getAttribute('aria-label')).resolves.toMatch(/^Notifications, [1-9]\d* unread$/);
    await axeClean(page, 'cases-notifications');
    await page.getByRole('button', { name: 'Mark all as read' }).click();
    await page.getByText(/^Marked as read: \d+\.$/).waitFor();
    await expect(page.getByTestId('notifications').locator('li.unread').count()).resolves.toBe(0);
  });
}
