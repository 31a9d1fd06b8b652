import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { OrgUnit } from '@civitas/contracts/orgs';
import { screenshot } from '../support/browser';
import type { ApiSession } from '../support/api-session';
import { actOn, pointInUnit, type CreatedCase, type Point } from '../support/case-fixtures';
import type { E2eEnv } from '../support/e2e-env';

/**
 * Stored HTML injection (ADR 0020). Every text field a person can write gets a payload through the
 * API, written by the role that would write it; then every page that shows it is visited (maps'
 * tooltips hovered, the metrics chart's tooltip opened) and no element may come from the payload,
 * and no request may go to its URL. Each payload names its field, so a failure says which one.
 */
const PROBE = '/xss-probe/';
const payload = (field: string) =>
  `<img src=${PROBE}${field} data-xss=1><b data-xss=1>${field}</b><svg data-xss=1 onload=x()>`;
/** What the page shows when the payload stays text. */
const shown = (field: string) => `<b data-xss=1>${field}</b>`;

async function post<T>(api: ApiSession, path: string, body: unknown, status = 201): Promise<T> {
  const res = await api.request('POST', path, body);
  if (res.status !== status) throw new Error(`POST ${path}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

const near = (p: Point, dLat: number, dLng: number) => ({
  type: 'Point' as const,
  coordinates: [p.lng + dLng, p.lat + dLat],
});

export function injectionSuite(env: E2eEnv): void {
  const probes: string[] = [];
  const ids = { category: '', resCase: '', hotline: '', device: '', resident: '' };
  let g01: Point;
  const worker = 'xss-worker';

  /** A page for `username` that records every request to the payloads' URL before it loads `path`. */
  async function open(username: string, path: string): Promise<Page> {
    const page = await env.signedIn(username, '/account');
    page.context().on('request', (r) => {
      if (r.url().includes(PROBE)) probes.push(`${username} ${path}: ${r.url()}`);
    });
    await page.goto(path);
    await page.locator('nav.app-nav').waitFor();
    return page;
  }

  /** Waits until the page shows every field's payload as text. */
  async function showsText(page: Page, fields: string[]) {
    for (const f of fields) {
      try {
        await page.waitForFunction((text) => document.body.textContent?.includes(text) ?? false, shown(f));
      } catch (e) {
        // Say what the page showed instead, so a failure on a busy machine can be explained.
        const seen = await page
          .evaluate(() => ({
            url: location.href,
            main: (document.querySelector('main')?.textContent ?? '').replace(/\s+/g, ' ').slice(0, 600),
            inputs: [...document.querySelectorAll('input')].map((i) => `${i.id}=${i.value}`).join(' '),
          }))
          .catch(() => null);
        throw new Error(`"${shown(f)}" not shown: ${JSON.stringify(seen)}`, { cause: e });
      }
    }
  }

  /** Nothing came from a payload: no element carries its attribute and nothing fetched its URL. */
  async function inert(page: Page, label: string) {
    const made = await page.evaluate(() =>
      [...document.querySelectorAll('[data-xss], img[src*="/xss-probe/"]')].map((e) => e.outerHTML),
    );
    expect(made, label).toEqual([]);
    expect(probes, label).toEqual([]);
  }

  /** Hovers each marker of a case map and checks its tooltip shows the title as text. */
  async function hoverMarkers(page: Page, mapTestId: string, fields: string[]) {
    const markers = page.locator(`[data-testid="${mapTestId}"] path.leaflet-interactive`);
    await markers.first().waitFor();
    // The map fits itself to its markers after drawing them: until then some paths are empty.
    await page.getByTestId(mapTestId).scrollIntoViewIfNeeded();
    await expect
      .poll(async () => {
        const all = await markers.count();
        let visible = 0;
        for (let i = 0; i < all; i++) if (await markers.nth(i).isVisible()) visible++;
        return visible === all;
      })
      .toBe(true);
    const seen = new Set<string>();
    for (let i = 0; i < (await markers.count()); i++) {
      // A re-render (live updates) can close the tooltip between showing and reading it: hover
      // until one is read, in one step in the page.
      let text = '';
      await expect
        .poll(async () => {
          await markers.nth(i).hover({ force: true });
          text = await page.evaluate(
            () => [...document.querySelectorAll('.leaflet-tooltip')].at(-1)?.textContent ?? '',
          );
          return text !== '';
        })
        .toBe(true);
      for (const f of fields) if (text.includes(shown(f))) seen.add(f);
      await inert(page, `${mapTestId} tooltip ${i}`);
    }
    expect([...seen].sort(), `${mapTestId} tooltips`).toEqual([...fields].sort());
  }

  it('writes a payload into every text field, through the API, as the role that writes it', async () => {
    const [admin, commander, community, resident] = await Promise.all([
      env.api('demo-admin'),
      env.api('demo-commander'),
      env.api('demo-community-1'),
      env.api('demo-resident-1'),
    ]);
    const units = (await commander.get<{ items: OrgUnit[] }>('/org-units?limit=500')).items;
    const unit = (suffix: string) => units.find((u) => u.code.endsWith(suffix))!;
    g01 = await pointInUnit(commander, '-S01-C01-G01');

    // Configuration: a category and a routing rule (district commander), an org unit (administrator).
    ids.category = (
      await post<{ id: string }>(commander, '/case-categories', {
        code: 'xss_probe',
        name: { 'zh-CN': payload('category'), en: payload('category') },
        responseHours: 24,
        resolutionHours: 72,
        duplicateRadiusM: 300,
      })
    ).id;
    await post(commander, '/routing-rules', {
      categoryId: ids.category,
      orgUnitId: unit('-S01-C01').id,
      targetUnitId: null,
      targetRole: 'grid_worker',
      note: payload('rule'),
    });
    await post(admin, '/org-units', {
      code: 'XSS-S9',
      type: 'street',
      name: { 'zh-CN': payload('unit'), en: payload('unit') },
      parentId: units.find((u) => u.parentId === null)!.id,
      // No boundary, so no report or device falls inside it (one outside the district is refused,
      // ADR 0037, and the district's streets leave no room for another).
    });
    // People: a staff member (administrator), a building and a resident (community).
    const workerId = (
      await post<{ id: string }>(admin, '/users', {
        username: worker,
        displayName: payload('user'),
        kind: 'staff',
        // The demo password, so the suite's sign-in helpers serve this user too.
        password: env.server.password,
        grants: [{ role: 'grid_worker', orgUnitId: unit('-S01-C01-G01').id }],
      })
    ).id;
    const building = await post<{ id: string }>(community, '/buildings', {
      code: 'XSS-B1',
      name: payload('building'),
      address: payload('baddress'),
      location: near(g01, 0.0004, 0.0004),
    });
    ids.resident = (
      await post<{ id: string }>(community, '/residents', {
        name: payload('resident'),
        buildingId: building.id,
        unitNo: '1-101',
      })
    ).id;
    ids.device = (
      await post<{ id: string }>(community, '/devices', {
        code: 'XSS-DEV-1',
        name: payload('device'),
        profile: 'noise',
        location: near(g01, -0.0004, 0.0004),
      })
    ).id;

    // A resident's report, with their comment.
    const res = await post<CreatedCase>(resident, '/cases', {
      channel: 'resident_report',
      category: 'xss_probe',
      title: payload('title'),
      description: payload('description'),
      address: payload('address'),
      location: near(g01, 0.0001, 0),
    });
    ids.resCase = res.id;
    let c = await actOn(resident, res.id, {
      action: 'comment',
      version: res.version,
      note: payload('rcomment'),
    });
    // Handled: accepted by the community, assigned to the new worker, who works and resolves it.
    c = await actOn(community, res.id, { action: 'accept', version: c.version, note: payload('accept') });
    c = await actOn(community, res.id, { action: 'assign', version: c.version, assigneeId: workerId });
    const workerApi = await env.api(worker);
    c = await actOn(workerApi, res.id, { action: 'start', version: c.version });
    c = await actOn(workerApi, res.id, { action: 'comment', version: c.version, note: payload('wcomment') });
    await actOn(workerApi, res.id, { action: 'resolve', version: c.version, note: payload('resolution') });

    // A hotline call with the caller's name, an internal note, left with the worker.
    const hot = await post<CreatedCase>(community, '/cases', {
      channel: 'hotline',
      category: 'xss_probe',
      title: payload('htitle'),
      description: payload('hdescription'),
      location: near(g01, -0.0001, 0.0001),
      contact: { name: payload('caller') },
    });
    ids.hotline = hot.id;
    c = await actOn(community, hot.id, {
      action: 'comment',
      version: hot.version,
      note: payload('note'),
      internal: true,
    });
    c = await actOn(community, hot.id, { action: 'accept', version: c.version });
    await actOn(community, hot.id, { action: 'assign', version: c.version, assigneeId: workerId });
  });

  it('the detector finds an injected element and its request (so the checks below can fail)', async () => {
    const page = await open('demo-community-1', '/account');
    await page.evaluate((html) => {
      const div = document.createElement('div');
      div.id = 'canary';
      // The one deliberate sink: it proves the detector sees an element and its request.
      div.innerHTML = html;
      document.body.append(div);
    }, payload('canary'));
    await expect.poll(() => probes.length).toBeGreaterThan(0);
    expect(await page.locator('[data-xss]').count()).toBeGreaterThan(0);
    await page.evaluate(() => document.getElementById('canary')?.remove());
    probes.length = 0;
    await inert(page, 'after the canary');
  });

  it('staff: the inbox list and its map tooltips, both case pages, hotline nearby, devices, residents', async () => {
    const page = await open('demo-community-1', '/cases?category=xss_probe');
    await showsText(page, ['title', 'htitle', 'category']);
    await inert(page, 'inbox list');
    await page.getByRole('button', { name: 'Show on map' }).click();
    await hoverMarkers(page, 'inbox-map', ['title', 'htitle']);
    await screenshot(page, 'injection-inbox-map');

    await page.goto(`/cases/${ids.resCase}`);
    await showsText(page, [
      'title',
      'description',
      'address',
      'rcomment',
      'accept',
      'wcomment',
      'resolution',
      'user',
    ]);
    await inert(page, 'staff case page (resident report)');
    await page.goto(`/cases/${ids.hotline}`);
    await showsText(page, ['htitle', 'hdescription', 'note', 'category']);
    await inert(page, 'staff case page (hotline)');

    await page.goto('/cases/hotline');
    await page.locator('#hotline-category').fill('xss_probe');
    await page.locator('#hotline-lat').fill(String(g01.lat));
    await page.locator('#hotline-lng').fill(String(g01.lng));
    await showsText(page, ['category', 'htitle']);
    await inert(page, 'hotline nearby');

    await page.goto('/devices');
    await page.locator('#device-q').fill('XSS-DEV');
    await page.locator('#device-q').press('Enter');
    await showsText(page, ['device']);
    await inert(page, 'device list');
    await page.goto(`/devices/${ids.device}`);
    await showsText(page, ['device']);
    await inert(page, 'device page');
    await page.goto('/devices/map');
    const shape = page.locator('[data-testid="device-map"] path.leaflet-interactive').first();
    await shape.waitFor();
    await shape.hover({ force: true });
    await inert(page, 'device map');

    await page.goto(`/residents/${ids.resident}`);
    await showsText(page, ['building']);
    await inert(page, 'resident page');
    await page.goto('/notifications');
    await inert(page, 'staff notifications');
  });

  it('the resident: my cases, the public case page, notifications, the report form’s nearby list', async () => {
    const page = await open('demo-resident-1', '/cases/mine');
    await showsText(page, ['title']);
    await inert(page, 'my cases');
    await page.goto(`/cases/${ids.resCase}`);
    await showsText(page, ['title', 'description', 'address', 'rcomment', 'resolution', 'category']);
    await inert(page, 'public case page');
    await page.goto('/notifications');
    await showsText(page, ['title']);
    await inert(page, 'resident notifications');
    await page.goto('/cases/report');
    await page.locator('#report-category').fill('xss_probe');
    await page.locator('#report-lat').fill(String(g01.lat));
    await page.locator('#report-lng').fill(String(g01.lng));
    await showsText(page, ['category']);
    await inert(page, 'report form');
  });

  it('the district: categories, rules, units, users, and the metrics chart’s tooltip', async () => {
    const page = await open('demo-commander', '/cases/categories');
    await showsText(page, ['category']);
    await inert(page, 'categories');
    await page.goto('/cases/rules');
    await showsText(page, ['rule', 'category']);
    await inert(page, 'routing rules');
    await page.goto('/orgs');
    await showsText(page, ['unit']);
    await inert(page, 'org units');
    await page.goto('/users');
    await showsText(page, ['user']);
    await inert(page, 'users');

    await page.goto('/metrics');
    await page.getByTestId('metrics-chart').locator('canvas').waitFor();
    await Promise.all([
      page.waitForResponse((r) => r.url().includes('groupBy=category') && r.status() === 200),
      page.getByRole('button', { name: 'By category' }).click(),
    ]);
    await showsText(page, ['category']);
    // ECharts draws on a canvas and shows its tooltip as HTML: sweep the plot until the tooltip
    // names the payload category (its bar's place depends on the other categories this month).
    const chart = page.getByTestId('metrics-chart');
    await chart.scrollIntoViewIfNeeded();
    const box = (await chart.boundingBox())!;
    const tipShows = () =>
      page.evaluate(
        (text) =>
          [...document.querySelectorAll('[data-testid="metrics-chart"] div')].some((d) =>
            d.textContent?.includes(text),
          ),
        shown('category'),
      );
    let found = false;
    // The plot starts 24 px from the top and 56 px from the left (metrics-chart.tsx); the long
    // rotated label squeezes it, so stay just below its top edge.
    for (let x = box.x + 60; x < box.x + box.width - 16 && !found; x += 8) {
      await page.mouse.move(x, box.y + 32);
      found = await tipShows();
    }
    await screenshot(page, 'injection-metrics-tooltip');
    expect(found, 'an ECharts tooltip naming the payload category').toBe(true);
    await inert(page, 'metrics tooltip');
  });

  it('the new worker: their name in the shell, the grid app and its map, the audit log', async () => {
    const page = await open(worker, '/grid');
    await showsText(page, ['user', 'htitle']);
    await inert(page, 'grid list');
    await page.getByRole('button', { name: 'Map' }).click();
    await hoverMarkers(page, 'grid-map', ['htitle']);
    await page.goto('/account');
    await showsText(page, ['user']);
    await inert(page, 'account');

    const audit = await open('demo-auditor', '/audit');
    await audit.getByTestId('audit-table').locator('tbody tr').first().waitFor();
    await inert(audit, 'audit log');
    expect(probes).toEqual([]);
  });
}
