import { readFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { pngChunk } from '../../../apps/server/src/test-support/image-fixtures';
import { consoleErrorsOf, screenshot, seriousA11yViolations } from '../support/browser';
import { pointInUnit } from '../support/case-fixtures';
import type { E2eEnv } from '../support/e2e-env';

/** A real, decodable PNG of one colour, as large as a phone camera's photo is wide. */
function png(width: number, height: number, rgb: [number, number, number]): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, no interlace
  const row = Buffer.alloc(1 + width * 3);
  for (let x = 0; x < width; x++) row.set(rgb, 1 + x * 3);
  const raw = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(raw)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** The page scrolls only vertically: nothing on it is wider than the window. */
async function expectNoSidewaysScroll(page: Page, label: string): Promise<void> {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({
    scrollWidth: document.scrollingElement!.scrollWidth,
    innerWidth: window.innerWidth,
  }));
  expect(scrollWidth, `${label}: page width ${scrollWidth} > window ${innerWidth}`).toBeLessThanOrEqual(
    innerWidth,
  );
}

export function layoutSuite(env: E2eEnv): void {
  let caseId = '';

  it('a resident’s case with camera-size photos has no sideways scroll at 390 px, in both languages', async () => {
    const commander = await env.api('demo-commander');
    const resident = await env.api('demo-resident-1');
    const at = await pointInUnit(commander, 'G01');
    const created = await resident.request('POST', '/cases', {
      channel: 'resident_report',
      category: 'other',
      title: 'e2e 路灯照片',
      description: 'two photos from a phone camera',
      location: { type: 'Point', coordinates: [at.lng, at.lat] },
      address: null,
      attributes: {},
      sourceRef: null,
    });
    expect(created.status, await created.clone().text()).toBe(201);
    caseId = ((await created.json()) as { id: string }).id;
    for (const [name, photo] of [
      ['wide.png', png(2400, 1200, [200, 60, 40])],
      ['tall.png', png(900, 1800, [40, 90, 200])],
    ] as const) {
      const res = await resident.upload(`/cases/${caseId}/attachments`, {
        name,
        type: 'image/png',
        bytes: photo,
      });
      expect(res.status, await res.clone().text()).toBe(201);
    }
    for (const locale of ['zh-CN', 'en-US']) {
      const page = await env.signedIn('demo-resident-1', `/cases/${caseId}`, locale);
      await page.setViewportSize({ width: 390, height: 844 });
      const thumbs = page.getByTestId('case-photos').locator('img');
      await expect.poll(() => thumbs.count()).toBe(2);
      // Every thumbnail has loaded (a photo still loading has no width to overflow with).
      await expect
        .poll(() => thumbs.evaluateAll((imgs) => imgs.every((i) => (i as HTMLImageElement).complete)))
        .toBe(true);
      const widths = await thumbs.evaluateAll((imgs) => imgs.map((i) => i.getBoundingClientRect().width));
      expect(Math.max(...widths)).toBeLessThanOrEqual(160);
      await expectNoSidewaysScroll(page, `resident case page ${locale}`);
      await screenshot(page, `layout-resident-case-390-${locale}`);
      expect(await seriousA11yViolations(page, `resident case 390 ${locale}`)).toEqual([]);
      expect(consoleErrorsOf(page)).toEqual([]);
      await page.context().close();
    }
  });

  it('the photo viewer works by keyboard: open, next and previous with arrows and buttons, Escape', async () => {
    const page = await env.signedIn('demo-resident-1', `/cases/${caseId}`, 'en-US');
    await page.setViewportSize({ width: 390, height: 844 });
    const first = page.getByRole('button', { name: /^View larger: Reported/ }).first();
    await first.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('dialog', { name: 'Photo 1 of 2' }).waitFor();
    // The dialog's name follows the photo shown; these find it whichever photo that is.
    const dialog = page.getByRole('dialog');
    const shown = dialog.locator('figure img');
    expect(await shown.getAttribute('alt')).toMatch(/^Photo: Reported · /);
    await expectNoSidewaysScroll(page, 'viewer open');
    expect(await seriousA11yViolations(page, 'photo viewer')).toEqual([]);
    await screenshot(page, 'layout-photo-viewer-390-en');
    const firstUrl = await shown.getAttribute('src');
    await page.keyboard.press('ArrowRight');
    await page.getByRole('dialog', { name: 'Photo 2 of 2' }).waitFor();
    expect(await shown.getAttribute('src')).not.toBe(firstUrl);
    await page.keyboard.press('ArrowRight');
    await page.getByRole('dialog', { name: 'Photo 1 of 2' }).waitFor();
    await page.keyboard.press('ArrowLeft');
    await page.getByRole('dialog', { name: 'Photo 2 of 2' }).waitFor();
    await dialog.getByRole('button', { name: 'Previous' }).click();
    await page.getByRole('dialog', { name: 'Photo 1 of 2' }).waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
    // Focus is back on the thumbnail that opened the viewer.
    expect(await first.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.context().close();
  });

  it('audit: by kind of action and person, in words; the CSV of that view is UTF-8 with BOM and its export is audited', async () => {
    await env.api('demo-commander'); // a sign-in of the commander's is in the log
    for (const locale of ['zh-CN', 'en-US'] as const) {
      const page = await env.signedIn('demo-auditor', '/audit', locale);
      await page.setViewportSize({ width: 1440, height: 900 });
      const rows = page.getByTestId('audit-table').locator('tbody tr');
      await rows.first().waitFor();
      const en = locale === 'en-US';
      await page.getByLabel(en ? 'Who (name or user name)' : '操作人（姓名或用户名）').fill('demo-commander');
      await page.getByLabel(en ? 'Kind of action' : '操作类别').selectOption('signIn');
      await Promise.all([
        page.waitForResponse(
          (r) => r.url().includes('family=signIn') && r.url().includes('actor=demo-commander'),
        ),
        page.getByRole('button', { name: en ? 'Filter' : '筛选', exact: true }).click(),
      ]);
      await expect.poll(() => rows.count()).toBeGreaterThan(0);
      const actions = await rows.evaluateAll((trs) =>
        trs.map((tr) => (tr as HTMLElement).dataset.action ?? ''),
      );
      expect(actions.every((a) => a.startsWith('auth.'))).toBe(true);
      const cells = await rows.locator('td:nth-child(4)').allTextContents();
      // Actions in words, never their codes.
      expect(cells).toContain(en ? 'Signed in' : '登录');
      expect(cells.some((c) => c.includes('auth.'))).toBe(false);
      expect(await rows.locator('td:nth-child(3)').allTextContents()).not.toContainEqual(
        expect.not.stringContaining('demo-commander'),
      );
      await screenshot(page, `layout-audit-filtered-${locale}`);
      expect(await seriousA11yViolations(page, `audit filtered ${locale}`)).toEqual([]);

      const download = page.waitForEvent('download');
      await page.getByTestId('audit-export').click();
      const file = await download;
      expect(file.suggestedFilename()).toMatch(/^audit-\d{4}-\d{2}-\d{2}\.csv$/);
      const bytes = readFileSync(await file.path());
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const lines = bytes.toString('utf8').slice(1).trimEnd().split('\r\n');
      expect(lines[0]!.startsWith(en ? 'No.,Time (UTC),Who' : '序号,时间 (UTC),操作人')).toBe(true);
      expect(lines.length - 1).toBe(await rows.count());
      for (const line of lines.slice(1)) {
        expect(line).toContain(',demo-commander,');
        expect(line).toMatch(/,auth\.[a-z_]+,/);
      }
      expect(lines.slice(1).some((l) => l.includes(en ? ',Signed in,' : ',登录,'))).toBe(true);

      const auditor = await env.api('demo-auditor');
      const exports = await auditor.get<{
        items: { actorName: string; detail: { rows: number; filter: Record<string, string> } }[];
      }>('/audit?action=audit.export&limit=1');
      expect(exports.items[0]).toMatchObject({
        actorName: 'demo-auditor',
        detail: { rows: lines.length - 1, filter: { family: 'signIn', actor: 'demo-commander' } },
      });
      await page.context().close();
    }
  });

  it('a resident’s account offers no API tokens and explains two-factor; the server refuses a token too', async () => {
    for (const locale of ['zh-CN', 'en-US'] as const) {
      const en = locale === 'en-US';
      const page = await env.signedIn('demo-resident-1', '/account', locale);
      await page.setViewportSize({ width: 390, height: 844 });
      await page
        .getByRole('heading', { name: en ? 'Two-step verification (TOTP)' : '两步验证（TOTP）' })
        .waitFor();
      await page.getByText(en ? /^Optional\. Once on, signing in asks/ : /^可选。开启后/).waitFor();
      expect(await page.getByRole('heading', { name: en ? 'API tokens' : 'API 令牌' }).count()).toBe(0);
      expect(await page.locator('#token-name').count()).toBe(0);
      await expectNoSidewaysScroll(page, `resident account ${locale}`);
      await screenshot(page, `layout-account-resident-390-${locale}`);
      expect(await seriousA11yViolations(page, `resident account ${locale}`)).toEqual([]);
      await page.context().close();
    }
    const refused = await (
      await env.api('demo-resident-1')
    ).request('POST', '/auth/tokens', { name: 'mine' });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { code: string }).code).toBe('forbidden');

    const staff = await env.signedIn('demo-commander', '/account', 'en-US');
    await staff.getByRole('heading', { name: 'API tokens' }).waitFor();
    await staff.getByText(/^Staff accounts can see residents' personal data/).waitFor();
    await staff.context().close();
  });

  it('without a tile server the map draws the district’s own boundaries and names', async () => {
    const config = await (await fetch(`${env.server.baseUrl}/api/v1/config/public`)).json();
    expect((config as { tileUrl: string | null }).tileUrl).toBeNull();
    const base = await (
      await env.api('demo-resident-1')
    ).get<{ units: { name: Record<string, string> }[] }>('/map/base');
    for (const [size, locale] of [
      [{ width: 390, height: 844 }, 'zh-CN'],
      [{ width: 1440, height: 900 }, 'en-US'],
    ] as const) {
      const names = new Set(base.units.map((u) => (locale === 'en-US' ? u.name.en : u.name['zh-CN'])));
      const page = await env.signedIn('demo-resident-1', '/cases/report', locale);
      await page.setViewportSize(size);
      const map = page.locator('[data-testid="report-map"][data-base="own"]');
      await map.waitFor();
      // Outlines drawn in the base's own pane, under the page's layers.
      await expect.poll(() => map.locator('.leaflet-civitas-base-pane path').count()).toBeGreaterThan(0);
      const labels = map.locator('.map-base-label');
      await expect.poll(() => labels.count()).toBeGreaterThan(0);
      for (const label of await labels.allTextContents()) expect(names.has(label), label).toBe(true);
      await expectNoSidewaysScroll(page, `report map ${locale}`);
      await screenshot(page, `layout-map-own-base-${size.width}-${locale}`);
      expect(await seriousA11yViolations(page, `report map own base ${locale}`)).toEqual([]);
      await page.context().close();
    }
  });

  it('the users table at phone width in Chinese scrolls inside its wrapper instead of squeezing columns', async () => {
    const page = await env.signedIn('demo-admin', '/users', 'zh-CN');
    await page.setViewportSize({ width: 390, height: 844 });
    const table = page.locator('.table-wrap table').first();
    await table.locator('tbody tr').first().waitFor();
    // No header is broken over lines: each keeps its words on one line.
    const heights = await table
      .locator('thead th')
      .evaluateAll((ths) => ths.map((th) => th.getBoundingClientRect().height));
    const lineHeight = await table
      .locator('thead th')
      .first()
      .evaluate((th) => parseFloat(getComputedStyle(th).lineHeight));
    for (const h of heights) expect(h).toBeLessThan(lineHeight * 2 + 12);
    const wrap = page.locator('.table-wrap').first();
    expect(await wrap.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
    await expectNoSidewaysScroll(page, 'users zh-CN');
    await screenshot(page, 'layout-users-390-zh-CN');
    expect(await seriousA11yViolations(page, 'users 390 zh-CN')).toEqual([]);
    await page.context().close();
  });
}
