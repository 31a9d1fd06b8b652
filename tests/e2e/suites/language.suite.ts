import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Device } from '@civitas/contracts/devices';
import { screenshot, seriousA11yViolations } from '../support/browser';
import { actOn, pointInUnit, type CreatedCase } from '../support/case-fixtures';
import type { E2eEnv } from '../support/e2e-env';

/**
 * Internal values that must never reach a reader (ADR 0048): timeline actions, states, channels,
 * roles, the actor "system" and sensor metric keys. Matched as whole words in the page's text.
 */
const rawValues = [
  'system',
  'attach',
  'create',
  'route',
  'accept',
  'assign',
  'start',
  'submitted',
  'accepted',
  'assigned',
  'in_progress',
  'pending_info',
  'patrol',
  'grid_worker',
  'community_admin',
  'road_facility',
  'smokeDensity',
  'heartRate',
  'batteryLevel',
  'rssi',
  'fillingLevel',
];
const wordsOf = (values: string[], flags: string) =>
  new RegExp(`(?<![\\w-])(${values.join('|')})(?![\\w-])`, flags);
// In Chinese any of them is raw; in English "accept" is a word, so only the identifiers are.
const rawPatterns = {
  'zh-CN': wordsOf(rawValues, 'i'),
  en: wordsOf(
    rawValues.filter((v) => /_|[A-Z]/.test(v)),
    '',
  ),
};

async function mainText(page: Page): Promise<string> {
  return page.locator('main').innerText();
}

/** In Chinese no internal value and no English state word shows; in English no Chinese one does. */
async function readsIn(page: Page, lang: 'zh-CN' | 'en', label: string) {
  const text = await mainText(page);
  expect(text.match(rawPatterns[lang])?.[0] ?? null, `${label}: raw value on screen`).toBeNull();
  if (lang === 'zh-CN')
    expect(text, label).not.toMatch(/\b(Submitted|Accepted|Assigned|In progress|Version)\b/);
  else expect(text, label).not.toMatch(/已派遣|已派单|已受理|处置中|版本/);
  await screenshot(page, `language-${label}-${lang}`);
  expect(await seriousA11yViolations(page, label), label).toEqual([]);
}

export function languageSuite(env: E2eEnv): void {
  let finding: CreatedCase & { category: { name: { 'zh-CN': string; en: string } } };
  let device: Device;

  it('a patrol finding without a title is handled: accepted, assigned to the grid worker, started', async () => {
    const community = await env.api('demo-community-1');
    const worker = await env.api('demo-gridworker-1');
    const g01 = await pointInUnit(worker, '-S01-C01-G01');
    const res = await worker.request('POST', '/cases', {
      channel: 'patrol',
      category: 'road_facility.pothole',
      location: { type: 'Point', coordinates: [g01.lng, g01.lat] },
    });
    expect(res.status).toBe(201);
    finding = (await res.json()) as typeof finding;
    let c = await actOn(community, finding.id, { action: 'accept', version: finding.version });
    c = await actOn(community, c.id, { action: 'assign', version: c.version, assigneeId: worker.me.id });
    await actOn(worker, c.id, { action: 'start', version: c.version });
    const devices = await community.get<{ items: Device[] }>('/devices?profile=smoke-detector&limit=1');
    expect(devices.items.length).toBe(1);
    device = devices.items[0]!;
  });

  for (const lang of ['zh-CN', 'en'] as const) {
    const browserLocale = lang === 'zh-CN' ? 'zh-CN' : 'en-US';

    it(`${lang}: the case page names the finding by its category and its timeline in words`, async () => {
      const page = await env.signedIn('demo-community-1', `/cases/${finding.id}`, browserLocale);
      await switchTo(page, lang);
      const heading = page.locator('h1');
      await heading.getByText(finding.category.name[lang]).waitFor();
      await page.locator('[data-testid="case-timeline"] li[data-action="start"]').waitFor();
      await readsIn(page, lang, 'case-timeline');
    });

    it(`${lang}: the grid worker's notification says the same word for the state as the case`, async () => {
      const page = await env.signedIn('demo-gridworker-1', '/notifications', browserLocale);
      await switchTo(page, lang);
      const item = page.getByTestId('notifications').locator('li[data-kind="case.assigned"]').first();
      await item.waitFor();
      // The title a system wrote reads in the reader's language here too.
      await item.getByText(finding.category.name[lang]).first().waitFor();
      await item.getByText(lang === 'zh-CN' ? '已派遣给您' : 'is assigned to you').waitFor();
      await readsIn(page, lang, 'notifications');
    });

    it(`${lang}: the device page names metrics and events, never their keys`, async () => {
      const page = await env.signedIn('demo-community-1', `/devices/${device.id}`, browserLocale);
      await switchTo(page, lang);
      await page.locator('#series-metric').waitFor();
      const options = await page.locator('#series-metric option').allInnerTexts();
      expect(options.join(' ')).toContain(lang === 'zh-CN' ? '烟雾浓度' : 'Smoke density');
      await readsIn(page, lang, 'device');
    });
  }
}

/** The language switcher, as a person would use it; the choice is also saved to the account. */
async function switchTo(page: Page, lang: 'zh-CN' | 'en') {
  const switcher = page.getByTestId('language-switcher').first();
  if ((await switcher.inputValue()) !== lang) await switcher.selectOption(lang);
  await page.waitForFunction((l) => document.documentElement.lang === l, lang);
}
