import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { screenshot, seriousA11yViolations } from '../support/browser';
import { actOn, createStaffCase, pointInUnit, type Point } from '../support/case-fixtures';
import type { E2eEnv } from '../support/e2e-env';

interface TimelineEvent {
  action: string;
  note: string | null;
}

/** Opens the grid app on a phone-sized screen and waits until it can also start without network. */
async function openGridApp(env: E2eEnv): Promise<Page> {
  const page = await env.signedIn('demo-gridworker-1', '/grid');
  await page.setViewportSize({ width: 390, height: 844 });
  await page.locator('[data-testid="offline-ready"][data-ready="true"]').waitFor();
  return page;
}

async function queueUpdate(page: Page, caseId: string, note: string) {
  const card = page.locator(`[data-case-id="${caseId}"]`);
  await card.getByRole('button', { name: 'Add update' }).click();
  await card.getByLabel('Update').fill(note);
  await card.getByRole('button', { name: 'Save update' }).click();
}

export function gridOfflineSuite(env: E2eEnv): void {
  let g01: Point;

  it('finds a point inside grid G01 for the offline tests', async () => {
    g01 = await pointInUnit(await env.api('demo-gridworker-1'), '-S01-C01-G01');
    expect(Number.isFinite(g01.lng)).toBe(true);
  });

  it('an update made offline survives a reload and is sent when the network returns', async () => {
    const staff = await env.api('demo-community-1');
    const c = await createStaffCase(
      staff,
      { lat: g01.lat + 0.00003, lng: g01.lng },
      `Offline e2e ${Date.now()}`,
    );
    const page = await openGridApp(env);
    await page.locator(`[data-case-id="${c.id}"]`).waitFor();

    await page.context().setOffline(true);
    const note = `Checked on site while offline ${Date.now()}`;
    await queueUpdate(page, c.id, note);
    await page.locator('[data-testid="sync-status"][data-pending="1"]').waitFor();
    await page
      .getByTestId('sync-status')
      .getByText(/^Offline\. Waiting to send: 1\./)
      .waitFor();

    // The service worker serves the app shell and the last task list; the queue is in IndexedDB.
    await page.reload();
    await page.locator(`[data-case-id="${c.id}"]`).getByTestId('task-queued').waitFor();
    await page.locator('[data-testid="sync-status"][data-pending="1"]').waitFor();
    await screenshot(page, 'grid-offline-queued');
    expect(await seriousA11yViolations(page, 'grid offline queued')).toEqual([]);
    const before = await staff.get<{ items: TimelineEvent[] }>(`/cases/${c.id}/timeline`);
    expect(before.items.map((e) => e.note)).not.toContain(note);

    // Nothing was accepted by the server since this page opened; the return of the network sends it.
    await page.locator('[data-testid="sync-status"][data-sent="0"]').waitFor();
    await page.context().setOffline(false);
    await page.locator('[data-testid="sync-status"][data-sent="1"][data-pending="0"]').waitFor();
    await page.getByTestId('sync-status').getByText('Everything is sent.').waitFor();
    const after = await staff.get<{ items: TimelineEvent[] }>(`/cases/${c.id}/timeline`);
    expect(after.items.filter((e) => e.action === 'comment').map((e) => e.note)).toContain(note);
  });

  it('an offline update that conflicts with a change made meanwhile is shown, not applied', async () => {
    const staff = await env.api('demo-community-1');
    const c = await createStaffCase(
      staff,
      { lat: g01.lat, lng: g01.lng + 0.00003 },
      `Conflict offline ${Date.now()}`,
    );
    const page = await openGridApp(env);
    await page.locator(`[data-case-id="${c.id}"]`).waitFor();

    await page.context().setOffline(true);
    const note = `Offline note that must not overwrite ${Date.now()}`;
    await queueUpdate(page, c.id, note);
    await page.locator('[data-testid="sync-status"][data-pending="1"]').waitFor();
    // Meanwhile the community accepts the case: the version the worker saw is now stale.
    const accepted = await actOn(staff, c.id, {
      action: 'accept',
      version: c.version,
      note: 'Accepted at the office',
    });

    await page.context().setOffline(false);
    const conflicts = page.getByTestId('sync-conflicts');
    await conflicts.locator('li[data-status="conflict"]').waitFor();
    await expect(conflicts.textContent()).resolves.toContain('"Accepted"');
    await screenshot(page, 'grid-offline-conflict');
    expect(await seriousA11yViolations(page, 'grid offline conflict')).toEqual([]);
    const now = await staff.get<{ state: string; version: number }>(`/cases/${c.id}`);
    expect(now).toMatchObject({ state: 'accepted', version: accepted.version });
    const events = await staff.get<{ items: TimelineEvent[] }>(`/cases/${c.id}/timeline`);
    expect(events.items.map((e) => e.note)).not.toContain(note);

    // The worker decides: apply the note to the case as it is now.
    const sentBefore = Number(await page.getByTestId('sync-status').getAttribute('data-sent'));
    await conflicts.getByRole('button', { name: 'Apply my change to the current case' }).click();
    await page
      .locator(`[data-testid="sync-status"][data-sent="${sentBefore + 1}"][data-pending="0"]`)
      .waitFor();
    await expect(conflicts.count()).resolves.toBe(0);
    const later = await staff.get<{ items: TimelineEvent[] }>(`/cases/${c.id}/timeline`);
    expect(later.items.map((e) => e.note)).toContain(note);
  });

  it('a patrol finding is reported in two taps at the current location', async () => {
    const page = await openGridApp(env);
    await page.context().grantPermissions(['geolocation'], { origin: env.server.baseUrl });
    await page.context().setGeolocation({ latitude: g01.lat - 0.00003, longitude: g01.lng });
    await page.getByRole('button', { name: 'Greenery', exact: true }).click();
    await page.getByTestId('patrol-report').click();
    await page.getByTestId('patrol-status').getByText('Finding "Greenery" recorded.').waitFor();
    await page.locator('[data-testid="sync-status"][data-pending="0"]').waitFor();
    const api = await env.api('demo-gridworker-1');
    const patrol = await api.get<{ items: { title: string; channel: string }[] }>(
      '/cases?channel=patrol&limit=5',
    );
    // The system names a finding by its category; `title` keeps the installation's language (zh-CN).
    expect(patrol.items.map((c) => c.title)).toContain('绿化养护');
  });
}
