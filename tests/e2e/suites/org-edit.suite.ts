import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { OrgUnit, OrgUnitType } from '@civitas/contracts/orgs';
import { retireBlockers, type OrgUnitImpact, type UnitRecordKind } from '@civitas/contracts/org-lifecycle';
import { consoleErrorsOf, navHrefs, screenshot, seriousA11yViolations } from '../support/browser';
import type { E2eEnv } from '../support/e2e-env';

type Ring = [number, number][];
interface Feature {
  type: 'Feature';
  properties: Record<string, string>;
  geometry: { type: 'Polygon'; coordinates: Ring[] } | null;
}

const collection = (features: Feature[]) => ({ type: 'FeatureCollection', features });
const fileOf = (name: string, json: unknown) => ({
  name,
  mimeType: 'application/geo+json',
  buffer: Buffer.from(JSON.stringify(json)),
});

/** The centroid of a ring by the shoelace formula (a grid's interior for the demo's convex-ish grids). */
function centroid(ring: Ring): [number, number] {
  let a = 0;
  let x = 0;
  let y = 0;
  for (let i = 0; i < ring.length - 1; i++) {
    const [x0, y0] = ring[i]!;
    const [x1, y1] = ring[i + 1]!;
    const f = x0 * y1 - x1 * y0;
    a += f;
    x += (x0 + x1) * f;
    y += (y0 + y1) * f;
  }
  return [x / (3 * a), y / (3 * a)];
}

const square = (west: number, south: number, size: number): Ring => [
  [west, south],
  [west + size, south],
  [west + size, south + size],
  [west, south + size],
  [west, south],
];

/** What the zh-CN page calls each kind of record (apps/web/src/app/i18n/zh-CN.json, orgs.records). */
const zhRecordKinds: Record<UnitRecordKind, string> = {
  children: '下级单位',
  users: '用户',
  devices: '设备',
  apiKeyGroups: '设备密钥组',
  open311Keys: 'Open311 对接密钥',
  buildings: '楼栋',
  residents: '居民',
  openCases: '未办结案件',
  closedCases: '已办结案件（作为历史保留）',
  routingRules: '分派规则',
};

const treeItem = (page: Page, id: string) => page.locator(`li[role="treeitem"][data-unit-id="${id}"]`);

/** Opens each unit of `path` in the tree (a click selects, a second click on the selected one opens it). */
async function openPath(page: Page, path: string[]): Promise<void> {
  for (const id of path) {
    const item = treeItem(page, id);
    await item.waitFor();
    for (let i = 0; i < 3 && (await item.getAttribute('aria-expanded')) !== 'true'; i++) {
      await item.locator('> span.tree-label').click();
      await page.waitForTimeout(100);
    }
    expect(await item.getAttribute('aria-expanded')).toBe('true');
  }
}

/** Selects a unit in the tree and waits for its panel with the server's answer on what it may do. */
async function selectUnit(page: Page, ancestors: string[], unit: OrgUnit): Promise<void> {
  await openPath(page, ancestors);
  await Promise.all([
    page.waitForResponse((r) => r.url().endsWith(`/org-units/${unit.id}/impact`) && r.ok()),
    treeItem(page, unit.id).locator('> span.tree-label').click(),
  ]);
  await page.locator('#unit-heading', { hasText: `(${unit.code})` }).waitFor();
}

/**
 * Org units edited in the web: import from GeoJSON with a preview, rename, retire, merge, and who
 * is offered none of it. Everything it changes is units it imported itself under the demo's
 * second street, so the demo units the other suites use stay as they are; they end retired.
 */
export function orgEditSuite(env: E2eEnv): void {
  const tag = `E2E-OE${Date.now() % 100_000}`;
  const codes = { c1: `${tag}-C1`, c2: `${tag}-C2`, g1: `${tag}-G1`, g2: `${tag}-G2` };
  let district: OrgUnit;
  let street: OrgUnit;
  let good: ReturnType<typeof collection>;
  const imported = new Map<string, OrgUnit>();

  const admin = () => env.api('demo-admin');
  const byCode = async (code: string, status = 'active'): Promise<OrgUnit | undefined> => {
    const page = await (
      await admin()
    ).get<{ items: OrgUnit[] }>(`/org-units?q=${encodeURIComponent(code)}&status=${status}&limit=50`);
    return page.items.find((u) => u.code === code);
  };
  const unit = (key: keyof typeof codes) => {
    const u = imported.get(codes[key]);
    if (!u) throw new Error(`${codes[key]} was not imported (the import test failed)`);
    return u;
  };
  const feature = (
    code: string,
    type: OrgUnitType,
    parent: string,
    zh: string,
    en: string,
    ring: Ring | null,
  ): Feature => ({
    type: 'Feature',
    properties: { code, parent_code: parent, name_zh: zh, name_en: en, level: type },
    geometry: ring ? { type: 'Polygon', coordinates: [ring] } : null,
  });

  it('the district admin previews a GeoJSON file: a bad feature is named by number and cannot be applied; a good one applies', async () => {
    const api = await admin();
    district = (await byCode('D01'))!;
    street = (await byCode('D01-S02'))!;
    expect(district && street).toBeTruthy();
    // Two small squares side by side deep inside the street's largest grid: the street is the
    // nearest unit above them with a boundary (their communities have none), and they overlap
    // nothing of their own.
    const below = await api.get<{ items: OrgUnit[] }>(`/org-units/${street.id}/subtree`);
    const grids = below.items.filter((u) => u.type === 'grid' && u.boundary?.type === 'Polygon');
    const extent = (u: OrgUnit) => {
      const ring = (u.boundary!.coordinates as Ring[])[0]!;
      const xs = ring.map((p) => p[0]);
      const ys = ring.map((p) => p[1]);
      return (Math.max(...xs) - Math.min(...xs)) * (Math.max(...ys) - Math.min(...ys));
    };
    const host = grids.sort((a, b) => extent(b) - extent(a))[0]!;
    const [lng, lat] = centroid((host.boundary!.coordinates as Ring[])[0]!);
    const inside = await api.get<{ items: OrgUnit[] }>(`/org-units/containing?lat=${lat}&lng=${lng}`);
    expect(inside.items.map((u) => u.code)).toContain(host.code);
    const size = 0.0005;
    good = collection([
      feature(codes.g1, 'grid', codes.c1, `${tag}甲网格`, `${tag} Grid A`, square(lng - size, lat, size)),
      feature(codes.c1, 'community', street.code, `${tag}甲社区`, `${tag} Community A`, null),
      feature(codes.c2, 'community', street.code, `${tag}乙社区`, `${tag} Community B`, null),
      feature(codes.g2, 'grid', codes.c2, `${tag}乙网格`, `${tag} Grid B`, square(lng, lat, size)),
    ]);
    // The server's own dry run agrees before the page is asked.
    const dry = await api.request('POST', '/org-units/import/preview', { geojson: good });
    expect(dry.status).toBe(200);
    expect(((await dry.json()) as { problems: unknown[] }).problems).toEqual([]);

    const page = await env.signedIn('demo-admin', '/orgs');
    expect(await navHrefs(page)).toContain('/orgs/import');
    await page.getByRole('link', { name: 'Import units from GeoJSON' }).click();
    await page.getByRole('heading', { name: 'Import org units', level: 1 }).waitFor();

    // One feature without a code: the preview names it by number and Apply stays off.
    const bad = collection([
      good.features[1]!,
      { ...good.features[2]!, properties: { ...good.features[2]!.properties, code: '' } },
    ]);
    await page.getByLabel('GeoJSON file').setInputFiles(fileOf('bad.geojson', bad));
    const preview = page.getByRole('button', { name: 'Preview' });
    const apply = page.getByRole('button', { name: 'Apply import' });
    await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/org-units/import/preview') && r.ok()),
      preview.click(),
    ]);
    const problems = page.locator('table', {
      has: page.locator('caption', { hasText: 'Problems by feature' }),
    });
    await problems.waitFor();
    const rows = problems.locator('tbody tr');
    expect(await rows.count()).toBe(1);
    expect(await rows.first().locator('td').allInnerTexts()).toEqual([
      '2',
      '',
      'Property “code” (the code) is missing.',
    ]);
    await page.getByText('2 features; 0 units; 1 problems.').waitFor();
    expect(await apply.isDisabled()).toBe(true);
    expect(await seriousA11yViolations(page, 'org import (problems)')).toEqual([]);
    await screenshot(page, 'org-import-problems');

    // The good file by keyboard alone: open the file chooser, Tab to Preview, then to Apply.
    await page.getByLabel('GeoJSON file').focus();
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.keyboard.press('Space')]);
    await chooser.setFiles(fileOf('good.geojson', good));
    await expect.poll(() => preview.isEnabled()).toBe(true);
    const tabTo = async (name: string) => {
      for (let i = 0; i < 80; i++) {
        await page.keyboard.press('Tab');
        if ((await page.evaluate(() => document.activeElement?.textContent ?? '')) === name) return;
      }
      throw new Error(`Tab never reached ${name}`);
    };
    await tabTo('Preview');
    await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/org-units/import/preview') && r.ok()),
      page.keyboard.press('Enter'),
    ]);
    const planned = page.locator('table', {
      has: page.locator('caption', { hasText: 'Units that would be created, parents first' }),
    });
    await planned.waitFor();
    // Parents first: the grid of feature 1 comes after its community of feature 2.
    expect(await planned.locator('tbody tr td:nth-child(2)').allInnerTexts()).toEqual([
      codes.c1,
      codes.g1,
      codes.c2,
      codes.g2,
    ]);
    expect(await planned.locator('tbody tr td:nth-child(6)').allInnerTexts()).toEqual([
      'No',
      'Yes',
      'No',
      'Yes',
    ]);
    expect(await byCode(codes.c1)).toBeUndefined();
    expect(await seriousA11yViolations(page, 'org import (preview)')).toEqual([]);
    await expect.poll(() => apply.isEnabled()).toBe(true);
    await tabTo('Apply import');
    const [applied] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/org-units/import') && r.request().method() === 'POST'),
      page.keyboard.press('Enter'),
    ]);
    expect(applied.status()).toBe(200);
    expect(((await applied.json()) as { applied: boolean }).applied).toBe(true);
    await page.getByText('Imported 4 units.').waitFor();
    await page.locator('caption', { hasText: 'Units created' }).waitFor();

    for (const code of Object.values(codes)) {
      const u = await byCode(code);
      expect(u, code).toBeDefined();
      imported.set(code, u!);
    }
    expect(unit('g1').parentId).toBe(unit('c1').id);
    expect(unit('c1').parentId).toBe(street.id);
    expect(unit('g1').boundary).toEqual(good.features[0]!.geometry);

    // The tree (reloaded by the import) shows the new units under the street.
    await page.getByRole('link', { name: 'Org tree & map', exact: true }).click();
    await openPath(page, [district.id, street.id, unit('c1').id]);
    await treeItem(page, unit('g1').id).getByText(`${tag} Grid A`).waitFor();
    expect(consoleErrorsOf(page)).toEqual([]);
  });

  it('in Chinese the import preview says each problem in Chinese, the server’s refusals included', async () => {
    const page = await env.signedIn('demo-admin', '/orgs/import', 'zh-CN');
    await page.getByRole('heading', { name: '导入组织单位', level: 1 }).waitFor();
    const far = good.features[1]!;
    const east = good.features[0]!.geometry!.coordinates[0]!.map(
      ([x, y]) => [x + 0.1, y] as [number, number],
    );
    // Ten kilometres east of the street: the server's dry run refuses it (boundary_outside_parent).
    const outside = collection([
      {
        ...far,
        properties: { ...far.properties, code: `${tag}-FAR` },
        geometry: { type: 'Polygon', coordinates: [east] },
      },
    ]);
    await page.getByLabel('GeoJSON 文件').setInputFiles(fileOf('far.geojson', outside));
    await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/org-units/import/preview') && r.ok()),
      page.getByRole('button', { name: '预览' }).click(),
    ]);
    const cells = page
      .locator('table', { has: page.locator('caption', { hasText: '各要素的问题' }) })
      .locator('tbody td');
    await cells.first().waitFor();
    const [number, code, problem] = await cells.allInnerTexts();
    expect([number, code]).toEqual(['1', `${tag}-FAR`]);
    expect(problem).toContain(`社区${tag}-FAR将有`);
    expect(problem).toContain(`超出上级街道${street.code}的边界`);
    expect(await page.getByRole('button', { name: '执行导入' }).isDisabled()).toBe(true);

    // A feature the file itself gets wrong: a point for a boundary, a level nobody named.
    const wrong = collection([
      {
        ...far,
        properties: { ...far.properties, code: `${tag}-P` },
        geometry: { type: 'Point', coordinates: [113.9, 22.6] } as never,
      },
      { ...far, properties: { ...far.properties, code: `${tag}-L`, level: '居委' } },
    ]);
    await page.getByLabel('GeoJSON 文件').setInputFiles(fileOf('wrong.geojson', wrong));
    await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/org-units/import/preview') && r.ok()),
      page.getByRole('button', { name: '预览' }).click(),
    ]);
    await page.getByText('2 个要素；0 个单位；2 个问题。').waitFor();
    const rows = page
      .locator('table', { has: page.locator('caption', { hasText: '各要素的问题' }) })
      .locator('tbody tr');
    expect(await rows.nth(0).locator('td').allInnerTexts()).toEqual([
      '1',
      `${tag}-P`,
      '几何不是 Polygon 或 MultiPolygon（实际为 Point）。',
    ]);
    expect(await rows.nth(1).locator('td').allInnerTexts()).toEqual([
      '2',
      `${tag}-L`,
      '层级“居委”未知，请在层级取值中添加。',
    ]);
    const text = await page.locator('main').innerText();
    expect(text).not.toMatch(
      /\$t\(|unitTypes|errors\.byCode|orgs\.import|boundary_outside_parent|geometry_not_polygon|level_unknown/,
    );
    expect(await seriousA11yViolations(page, 'org import (zh-CN problems)')).toEqual([]);
    await screenshot(page, 'org-import-problems-zh');
    expect(await byCode(`${tag}-FAR`, 'all')).toBeUndefined();
  });

  it('the admin renames a unit in both languages and the tree shows it', async () => {
    const c1 = unit('c1');
    const page = await env.signedIn('demo-admin', '/orgs');
    await selectUnit(page, [district.id, street.id], c1);
    const panel = page.locator('section.unit-panel');
    await panel.getByLabel('Name (Chinese)').fill(`${tag}新甲社区`);
    await panel.getByLabel('Name (English)').fill(`${tag} Renamed Community`);
    const [saved] = await Promise.all([
      page.waitForResponse(
        (r) => r.url().endsWith(`/org-units/${c1.id}`) && r.request().method() === 'PATCH',
      ),
      panel.getByRole('button', { name: 'Save names' }).click(),
    ]);
    expect(saved.status()).toBe(200);
    await panel.getByText('Saved.').waitFor();
    await treeItem(page, c1.id)
      .locator('> span.tree-label', { hasText: `${tag} Renamed Community` })
      .waitFor();
    await page.locator('#unit-heading', { hasText: `${tag} Renamed Community (${c1.code})` }).waitFor();
    expect((await byCode(c1.code))!.name).toEqual({
      'zh-CN': `${tag}新甲社区`,
      en: `${tag} Renamed Community`,
    });
    expect(await seriousA11yViolations(page, 'org unit panel (admin)')).toEqual([]);
    await screenshot(page, 'org-unit-panel');

    // In Chinese the tree gives the Chinese name.
    const zh = await env.signedIn('demo-admin', '/orgs', 'zh-CN');
    await openPath(zh, [district.id, street.id]);
    await treeItem(zh, c1.id)
      .locator('> span.tree-label', { hasText: `${tag}新甲社区` })
      .waitFor();
  });

  it('retiring a unit with records is refused with its counts, in the page’s language; an empty unit retires', async () => {
    const api = await admin();
    const community = (await byCode('D01-S01-C01'))!;
    const streetOne = (await byCode('D01-S01'))!;
    const impact = await api.get<OrgUnitImpact>(`/org-units/${community.id}/impact`);
    const blockers = retireBlockers(impact.counts);
    expect(blockers.find((c) => c.kind === 'children')?.count).toBeGreaterThan(0);
    expect(impact.actions.retire).toBe(false);
    const refused = await api.request('POST', `/org-units/${community.id}/retire`, {
      version: community.version,
    });
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { code: string }).code).toBe('unit_has_records');

    const zh = await env.signedIn('demo-admin', '/orgs', 'zh-CN');
    await selectUnit(zh, [district.id, streetOne.id], community);
    const panel = zh.locator('section.unit-panel');
    await panel.getByText('仍有以下记录指向它，不能撤销；请先移走或合并该单位：').waitFor();
    const blocked = panel
      .locator('p', { hasText: '仍有以下记录指向它' })
      .locator('xpath=following-sibling::ul[1]');
    expect(await blocked.locator('li').allInnerTexts()).toEqual(
      blockers.map((c) => `${zhRecordKinds[c.kind]}: ${c.count}`),
    );
    expect(await panel.getByRole('button', { name: '撤销…' }).count()).toBe(0);
    const text = await zh.locator('main').innerText();
    expect(text).not.toMatch(/unit_has_records|orgs\.|errors\.byCode|records\.\w/);
    expect(await seriousA11yViolations(zh, 'org unit panel (zh-CN, retire blocked)')).toEqual([]);
    await screenshot(zh, 'org-unit-retire-blocked-zh');

    // The empty grid retires through the dialog and leaves the tree.
    const g2 = unit('g2');
    const page = await env.signedIn('demo-admin', '/orgs');
    await selectUnit(page, [district.id, street.id, unit('c2').id], g2);
    await page.locator('section.unit-panel').getByRole('button', { name: 'Retire…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Retire' });
    await dialog.getByText(`Retire ${tag} Grid B (${g2.code})?`).waitFor();
    const [retired] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith(`/org-units/${g2.id}/retire`)),
      dialog.getByRole('button', { name: 'Confirm' }).click(),
    ]);
    expect(retired.status()).toBe(200);
    await page.getByText('Retired.').waitFor();
    await expect.poll(() => treeItem(page, g2.id).count()).toBe(0);
    expect((await byCode(g2.code, 'retired'))?.status).toBe('retired');
  });

  it('the admin merges a unit into a sibling after a confirmation listing what moves', async () => {
    const [c1, c2, g1] = [unit('c1'), unit('c2'), unit('g1')];
    const page = await env.signedIn('demo-admin', '/orgs');
    await selectUnit(page, [district.id, street.id], c1);
    const panel = page.locator('section.unit-panel');
    await panel.getByRole('listitem').filter({ hasText: 'Units below: 1' }).first().waitFor();
    await panel.getByLabel('Merge into', { exact: true }).selectOption(c2.id);
    await panel.getByRole('button', { name: 'Merge…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Merge into a sibling' });
    await dialog
      .getByText(
        `Merge ${tag} Renamed Community (${c1.code}) into ${tag} Community B (${c2.code})? These move to`,
      )
      .waitFor();
    expect(await dialog.getByRole('listitem').allInnerTexts()).toEqual(['Units below: 1']);
    expect(await seriousA11yViolations(page, 'org merge dialog')).toEqual([]);
    await screenshot(page, 'org-merge-confirm');
    const [merged] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith(`/org-units/${c1.id}/merge`)),
      dialog.getByRole('button', { name: 'Confirm' }).click(),
    ]);
    expect(merged.status()).toBe(200);
    const result = (await merged.json()) as { unit: OrgUnit; moved: { kind: string; count: number }[] };
    expect(result.unit.status).toBe('retired');
    expect(result.moved.find((m) => m.kind === 'children')?.count).toBe(1);
    await page.getByText(`Merged into ${tag} Community B (${c2.code}).`).waitFor();
    await expect.poll(() => treeItem(page, c1.id).count()).toBe(0);
    await openPath(page, [c2.id]);
    await treeItem(page, g1.id).waitFor();
    expect((await byCode(g1.code))!.parentId).toBe(c2.id);
    const gone = (await byCode(c1.code, 'retired'))!;
    expect(gone.mergedIntoId).toBe(c2.id);

    // The moved grid gets a smaller boundary from a GeoJSON file in its panel; a file with no
    // polygon is turned away before anything is sent.
    await selectUnit(page, [c2.id], g1);
    const gridPanel = page.locator('section.unit-panel');
    const boundaryFile = gridPanel.getByLabel('Boundary from a GeoJSON file (Polygon or MultiPolygon)');
    await boundaryFile.setInputFiles(fileOf('point.geojson', { type: 'Point', coordinates: [113.9, 22.6] }));
    await gridPanel.getByText('The file holds no Polygon or MultiPolygon.').waitFor();
    expect(await gridPanel.getByRole('button', { name: 'Save boundary' }).isDisabled()).toBe(true);
    const [west, south] = good.features[0]!.geometry!.coordinates[0]![0]!;
    const smaller = { type: 'Polygon' as const, coordinates: [square(west, south, 0.0003)] };
    await boundaryFile.setInputFiles(
      fileOf('smaller.geojson', collection([{ ...good.features[0]!, geometry: smaller }])),
    );
    const [patched] = await Promise.all([
      page.waitForResponse(
        (r) => r.url().endsWith(`/org-units/${g1.id}`) && r.request().method() === 'PATCH',
      ),
      gridPanel.getByRole('button', { name: 'Save boundary' }).click(),
    ]);
    expect(patched.status()).toBe(200);
    await gridPanel.getByText('Saved.').waitFor();

    const api = await admin();
    expect((await byCode(g1.code))!.boundary).toEqual(smaller);

    // Leave nothing of this suite active for the suites after it: the grid, then its community.
    for (const u of [await byCode(g1.code), await byCode(c2.code)]) {
      const res = await api.request('POST', `/org-units/${u!.id}/retire`, { version: u!.version });
      expect(res.status).toBe(200);
    }
  });

  it('a community admin is offered no edits, no import, and the API refuses them', async () => {
    const page = await env.signedIn('demo-community-1', '/orgs');
    const hrefs = await navHrefs(page);
    expect(hrefs).toContain('/orgs');
    expect(hrefs).not.toContain('/orgs/import');
    const panel = page.locator('section.unit-panel');
    await panel.getByText('You may view this unit but not change it.').waitFor();
    for (const name of ['Save names', 'Save boundary', 'Move', 'Merge…', 'Retire…'])
      expect(await page.getByRole('button', { name, exact: true }).count(), name).toBe(0);
    expect(await page.getByLabel('Name (Chinese)').count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Import units from GeoJSON' }).count()).toBe(0);
    expect(await seriousA11yViolations(page, 'org unit panel (community admin)')).toEqual([]);

    const ca = await env.api('demo-community-1');
    const own = (await ca.get<{ items: OrgUnit[] }>('/org-units?type=community&limit=5')).items[0]!;
    expect(own.code).toBe('D01-S01-C01');
    const file = collection([feature(`${tag}-X`, 'grid', own.code, '越权网格', 'Forbidden grid', null)]);
    for (const [method, path, body] of [
      ['POST', '/org-units/import/preview', { geojson: file }],
      ['POST', '/org-units/import', { geojson: file }],
      ['PATCH', `/org-units/${own.id}`, { version: own.version, name: { 'zh-CN': 'x', en: 'x' } }],
      ['POST', `/org-units/${own.id}/retire`, { version: own.version }],
    ] as const) {
      const res = await ca.request(method, path, body);
      expect([403, 404], `${method} ${path}`).toContain(res.status);
    }
    expect(await byCode(`${tag}-X`, 'all')).toBeUndefined();
    expect((await byCode('D01-S01-C01'))!.version).toBe(own.version);
  });
}
