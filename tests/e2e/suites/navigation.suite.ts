import { expect, it } from 'vitest';
import type { OrgUnit } from '@civitas/contracts/orgs';
import { consoleErrorsOf, navHrefs, screenshot, seriousA11yViolations } from '../support/browser';
import type { E2eEnv } from '../support/e2e-env';

/** What each demo role must see in the navigation, and nothing else (from the role → permission table). */
const expectedNav: Record<string, string[]> = {
  'demo-admin': [
    '/',
    '/orgs',
    '/orgs/import',
    '/devices',
    '/devices/map',
    '/devices/import',
    '/devices/profiles',
    '/cases/rules',
    '/cases/categories',
    '/users',
    '/account',
  ],
  'demo-commander': [
    '/',
    '/orgs',
    '/residents',
    '/devices',
    '/devices/map',
    '/cases/report',
    '/cases/mine',
    '/cases',
    '/cases/hotline',
    '/grid',
    '/cases/rules',
    '/cases/categories',
    '/metrics',
    '/users',
    '/account',
  ],
  'demo-community-1': [
    '/',
    '/orgs',
    '/residents',
    '/residents/import',
    '/devices',
    '/devices/map',
    '/devices/import',
    '/devices/profiles',
    '/cases/report',
    '/cases/mine',
    '/cases',
    '/cases/hotline',
    '/grid',
    '/metrics',
    '/users',
    '/account',
  ],
  'demo-gridworker-1': [
    '/',
    '/orgs',
    '/residents',
    '/devices',
    '/devices/map',
    '/cases/report',
    '/cases/mine',
    '/cases',
    '/cases/hotline',
    '/grid',
    '/metrics',
    '/account',
  ],
  'demo-auditor': ['/', '/orgs', '/audit', '/users', '/account'],
  'demo-resident-1': ['/', '/cases/report', '/cases/mine', '/account'],
};

function slug(path: string): string {
  return path === '/' ? 'home' : path.slice(1).replaceAll('/', '-');
}

export function navigationSuite(env: E2eEnv): void {
  it('the login page passes axe', async () => {
    const page = await env.page('zh-CN');
    await page.goto('/');
    await page.locator('#login-username').waitFor();
    await screenshot(page, 'login');
    expect(await seriousA11yViolations(page, 'login')).toEqual([]);
    expect(consoleErrorsOf(page)).toEqual([]);
  });

  for (const [username, hrefs] of Object.entries(expectedNav)) {
    it(`${username} sees exactly the navigation of their role, every page passes axe and logs no error`, async () => {
      const page = await env.signedIn(username);
      expect(await navHrefs(page)).toEqual(hrefs);
      for (const href of hrefs) {
        await page.goto(href);
        await page.locator('main h1').waitFor();
        await page.waitForLoadState('networkidle');
        await screenshot(page, `${username}-${slug(href)}`);
        expect(await seriousA11yViolations(page, `${username} ${href}`), `${username} ${href}`).toEqual([]);
      }
      // Under the server's CSP a blocked eval probe (zod's JIT, app/zod-jitless.ts) is logged here.
      expect(consoleErrorsOf(page)).toEqual([]);
    });
  }

  it('a screen outside the role shows the not-found page', async () => {
    const page = await env.signedIn('demo-resident-1', '/audit');
    await page.getByTestId('not-found').waitFor();
    expect(await seriousA11yViolations(page, 'not found')).toEqual([]);
  });

  it('the unit switcher of a grid worker lists only their grid', async () => {
    const api = await env.api('demo-gridworker-1');
    const page = await env.signedIn('demo-gridworker-1');
    const options = page.getByTestId('unit-switcher').locator('option');
    await options.first().waitFor({ state: 'attached' });
    const values = await options.evaluateAll((els) => els.map((o) => (o as HTMLOptionElement).value));
    expect(values).toEqual(api.me.grants.map((g) => g.orgUnitId));
  });

  it('the unit switcher of a community admin lists exactly their community subtree', async () => {
    const api = await env.api('demo-community-1');
    const communityId = api.me.grants[0]?.orgUnitId ?? '';
    const subtree = await api.get<{ items: OrgUnit[] }>(`/org-units/${communityId}/subtree`);
    const page = await env.signedIn('demo-community-1');
    const options = page.getByTestId('unit-switcher').locator('option');
    await options.first().waitFor({ state: 'attached' });
    const values = await options.evaluateAll((els) => els.map((o) => (o as HTMLOptionElement).value));
    expect(values[0]).toBe(communityId);
    expect([...values].sort()).toEqual(subtree.items.map((u) => u.id).sort());
    expect(subtree.items.every((u) => u.type === 'community' || u.type === 'grid')).toBe(true);
  });
}
