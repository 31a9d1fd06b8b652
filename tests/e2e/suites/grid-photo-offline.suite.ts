import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { CaseAttachment } from '@civitas/contracts/cases';
// Byte-built JPEGs the server's upload tests use; this one carries Exif with a GPS position.
import { exifWithGps, jpeg } from '../../../apps/server/src/test-support/image-fixtures';
import type { ApiSession } from '../support/api-session';
import { screenshot, seriousA11yViolations } from '../support/browser';
import { actOn, createStaffCase, pointInUnit, type CreatedCase, type Point } from '../support/case-fixtures';
import type { E2eEnv } from '../support/e2e-env';

interface TimelineEvent {
  action: string;
  note: string | null;
}

/** A photo as a phone camera writes it: the make and the GPS position in Exif. */
const phonePhoto = () => ({
  name: 'on-site.jpg',
  mimeType: 'image/jpeg',
  buffer: jpeg({ exif: exifWithGps({ make: 'PhoneCam' }) }),
});

/** The start of an iPhone HEIC: an ISO-BMFF `ftyp` box with the `heic` brand. */
const HEIC = Buffer.concat([
  Buffer.from([0, 0, 0, 0x18]),
  Buffer.from('ftypheic\0\0\0\0mif1heic', 'latin1'),
  Buffer.alloc(64),
]);

async function axeClean(page: Page, label: string) {
  await screenshot(page, label);
  expect(await seriousA11yViolations(page, label), label).toEqual([]);
}

/** A case in grid G01 that the demo grid worker holds and has started: ready to resolve. */
async function startedCase(env: E2eEnv, point: Point, title: string): Promise<CreatedCase> {
  const staff = await env.api('demo-community-1');
  const worker = await env.api('demo-gridworker-1');
  let c = await createStaffCase(staff, point, title);
  c = await actOn(staff, c.id, { action: 'accept', version: c.version });
  c = await actOn(staff, c.id, { action: 'assign', version: c.version, assigneeId: worker.me.id });
  return actOn(worker, c.id, { action: 'start', version: c.version });
}

/** Opens the grid app on a phone-sized screen, waits until it can start offline and shows the case. */
async function openWithCase(env: E2eEnv, caseId: string): Promise<Page> {
  const page = await env.signedIn('demo-gridworker-1', '/grid');
  await page.setViewportSize({ width: 390, height: 844 });
  await page.locator('[data-testid="offline-ready"][data-ready="true"]').waitFor();
  await page.locator(`[data-case-id="${caseId}"][data-state="in_progress"]`).waitFor();
  return page;
}

async function queueResolveWithPhoto(page: Page, caseId: string, note: string, heicFirst = false) {
  const card = page.locator(`[data-case-id="${caseId}"]`);
  await card.getByRole('button', { name: 'Resolve', exact: true }).click();
  await card.getByLabel('Resolution note').fill(note);
  const picker = card.locator(`#task-${caseId}-text-photo`);
  if (heicFirst) {
    // What an iPhone hands over when the page does not ask for JPEG: refused on the phone at once,
    // not after the queue reaches the server.
    await picker.setInputFiles({ name: 'IMG_0001.HEIC', mimeType: 'image/heic', buffer: HEIC });
    await card
      .getByTestId('photo-heic')
      .getByText(/^HEIC photos are not accepted/)
      .waitFor();
  }
  await picker.setInputFiles(phonePhoto());
  await card.getByTestId('photo-heic').waitFor({ state: 'detached' });
  await card.getByRole('button', { name: 'Resolve case' }).click();
}

async function attachments(api: ApiSession, caseId: string): Promise<CaseAttachment[]> {
  return (await api.get<{ items: CaseAttachment[] }>(`/cases/${caseId}/attachments`)).items;
}

async function download(api: ApiSession, url: string): Promise<Buffer> {
  const res = await api.request('GET', url.replace(/^\/api\/v1/, ''));
  expect(res.status).toBe(200);
  return Buffer.from(await res.arrayBuffer());
}

export function gridPhotoOfflineSuite(env: E2eEnv): void {
  let g01: Point;

  it('finds a point inside grid G01 for the offline photo tests', async () => {
    g01 = await pointInUnit(await env.api('demo-gridworker-1'), '-S01-C01-G01');
    expect(Number.isFinite(g01.lng)).toBe(true);
  });

  it('a resolution with a photo taken offline survives a reload and is sent, photo first, when the network returns', async () => {
    const staff = await env.api('demo-community-1');
    const c = await startedCase(
      env,
      { lat: g01.lat - 0.00002, lng: g01.lng + 0.00002 },
      `Offline photo e2e ${Date.now()}`,
    );
    const page = await openWithCase(env, c.id);

    await page.context().setOffline(true);
    const note = `Cleared while offline ${Date.now()}`;
    await queueResolveWithPhoto(page, c.id, note, true);
    await page.locator('[data-testid="sync-status"][data-pending="1"]').waitFor();
    await page
      .getByTestId('queue-pending')
      .locator('[data-testid="queued-photo"][data-sent="false"]')
      .waitFor();

    // The app shell and the task list come from the service worker; the queue and the photo's
    // bytes from IndexedDB.
    await page.reload();
    await page.locator(`[data-case-id="${c.id}"]`).getByTestId('task-queued').waitFor();
    const queued = page.getByTestId('queue-pending');
    await queued.locator('[data-testid="queued-photo"][data-sent="false"]').waitFor();
    await expect(queued.textContent()).resolves.toContain('with photo on-site.jpg');
    await axeClean(page, 'grid-offline-photo-queued');
    expect(await attachments(staff, c.id)).toEqual([]);
    await expect(staff.get<{ state: string }>(`/cases/${c.id}`)).resolves.toMatchObject({
      state: 'in_progress',
    });

    await page.locator('[data-testid="sync-status"][data-sent="0"]').waitFor();
    await page.context().setOffline(false);
    await page.locator('[data-testid="sync-status"][data-sent="1"][data-pending="0"]').waitFor();
    await page.getByTestId('sync-status').getByText('Everything is sent.').waitFor();

    const now = await staff.get<{ state: string }>(`/cases/${c.id}`);
    expect(now.state).toBe('resolved');
    const events = await staff.get<{ items: TimelineEvent[] }>(`/cases/${c.id}/timeline`);
    expect(events.items.filter((e) => e.action === 'resolve').map((e) => e.note)).toEqual([note]);
    const files = await attachments(staff, c.id);
    expect(files).toMatchObject([{ purpose: 'resolution', mime: 'image/jpeg', fileName: 'on-site.jpg' }]);
    // What is stored is the picture without the phone's Exif: the clean build, byte for byte.
    const stored = await download(staff, files[0]!.url);
    expect(stored.includes(Buffer.from('Exif\0\0', 'latin1'))).toBe(false);
    expect(stored.includes(Buffer.from('PhoneCam', 'latin1'))).toBe(false);
    expect(stored.equals(jpeg())).toBe(true);
  });

  it('an offline resolution whose case changed meanwhile is shown as a conflict; the photo is sent once', async () => {
    const staff = await env.api('demo-community-1');
    const c = await startedCase(
      env,
      { lat: g01.lat + 0.00002, lng: g01.lng - 0.00002 },
      `Offline photo conflict ${Date.now()}`,
    );
    const page = await openWithCase(env, c.id);

    await page.context().setOffline(true);
    const note = `Resolution that must not overwrite ${Date.now()}`;
    await queueResolveWithPhoto(page, c.id, note);
    await page.locator('[data-testid="sync-status"][data-pending="1"]').waitFor();
    // Meanwhile the community adds a note: the version the worker resolved against is now stale.
    const commented = await actOn(staff, c.id, {
      action: 'comment',
      version: c.version,
      note: 'Office: the caller says the bin is still full',
      internal: true,
    });
    expect(commented.version).toBeGreaterThan(c.version);

    await page.context().setOffline(false);
    const conflicts = page.getByTestId('sync-conflicts');
    const entry = conflicts.locator('li[data-status="conflict"]');
    await entry.waitFor();
    // The photo went up before the action was refused; the entry says so and keeps it sent.
    await entry.locator('[data-testid="queued-photo"][data-sent="true"]').waitFor();
    await expect(entry.textContent()).resolves.toContain('"In progress"');
    await axeClean(page, 'grid-offline-photo-conflict');
    const held = await staff.get<{ state: string; version: number }>(`/cases/${c.id}`);
    expect(held).toMatchObject({ state: 'in_progress', version: commented.version });
    const before = await staff.get<{ items: TimelineEvent[] }>(`/cases/${c.id}/timeline`);
    expect(before.items.map((e) => e.action)).not.toContain('resolve');
    expect(await attachments(staff, c.id)).toHaveLength(1);

    // Having seen the office note, the worker resolves the case as it is now.
    const sentBefore = Number(await page.getByTestId('sync-status').getAttribute('data-sent'));
    await conflicts.getByRole('button', { name: 'Apply my change to the current case' }).click();
    await page
      .locator(`[data-testid="sync-status"][data-sent="${sentBefore + 1}"][data-pending="0"]`)
      .waitFor();
    await expect(conflicts.count()).resolves.toBe(0);
    await expect(staff.get<{ state: string }>(`/cases/${c.id}`)).resolves.toMatchObject({
      state: 'resolved',
    });
    const files = await attachments(staff, c.id);
    expect(files).toMatchObject([{ purpose: 'resolution', mime: 'image/jpeg' }]);
  });
}
