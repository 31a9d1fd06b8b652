import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { screenshot, seriousA11yViolations } from '../support/browser';
import type { E2eEnv } from '../support/e2e-env';

const focusedAttr = (page: Page, name: string) =>
  page.evaluate((attr) => document.activeElement?.getAttribute(attr) ?? null, name);

export function interactionSuite(env: E2eEnv): void {
  it('the language switch changes visible text to English and back to Chinese', async () => {
    const page = await env.page('zh-CN');
    await page.goto('/');
    const heading = page.locator('main h1');
    await expect(heading.textContent()).resolves.toBe('登录');
    await expect(page.evaluate(() => document.documentElement.lang)).resolves.toBe('zh-CN');

    await page.getByTestId('language-switcher').selectOption('en');
    await page.locator('main h1', { hasText: 'Sign in' }).waitFor();
    await expect(page.evaluate(() => document.documentElement.lang)).resolves.toBe('en');
    await expect(page.locator('label[for="login-password"]').textContent()).resolves.toBe('Password');

    // The choice survives a reload and carries into the signed-in shell.
    await page.reload();
    await page.locator('main h1', { hasText: 'Sign in' }).waitFor();
    await page.locator('#login-username').fill('demo-commander');
    await page.locator('#login-password').fill(env.server.password);
    await page.locator('#login-password').press('Enter');
    await page.locator('nav.app-nav').waitFor();
    await expect(page.locator('nav.app-nav').textContent()).resolves.toContain('Residents');

    await page.getByTestId('language-switcher').selectOption('zh-CN');
    await page.locator('nav.app-nav a', { hasText: '居民' }).waitFor();
    await expect(page.locator('nav.app-nav').textContent()).resolves.not.toContain('Residents');
    await expect(page.evaluate(() => document.documentElement.lang)).resolves.toBe('zh-CN');
    await expect(page.title()).resolves.toContain('首页');
  });

  it('the login form can be completed with the keyboard only', async () => {
    const page = await env.page('en-US');
    await page.goto('/');
    await page.locator('#login-username').waitFor();
    await expect(focusedAttr(page, 'id')).resolves.toBe('login-username');
    await page.keyboard.type('demo-gridworker-1');
    await page.keyboard.press('Tab');
    await expect(focusedAttr(page, 'id')).resolves.toBe('login-password');
    await page.keyboard.type(env.server.password);
    await page.keyboard.press('Enter');
    await page.locator('nav.app-nav').waitFor();
    // The skip link is the first stop on the signed-in page.
    await page.keyboard.press('Tab');
    await expect(focusedAttr(page, 'href')).resolves.toBe('#main');
  });

  it('a wrong password shows the generic error', async () => {
    const page = await env.page('en-US');
    await page.goto('/');
    await page.locator('#login-username').fill('demo-commander');
    await page.locator('#login-password').fill('not-the-password');
    await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/auth/login') && r.status() === 401),
      page.locator('#login-password').press('Enter'),
    ]);
    await page.getByRole('alert').getByText('Wrong username or password.').waitFor();
  });

  it('the org tree responds to arrow keys and selecting a unit drives the unit switcher', async () => {
    const page = await env.signedIn('demo-community-1', '/orgs');
    const tree = page.getByRole('tree', { name: 'Org units' });
    const root = tree.locator('[role="treeitem"][aria-level="1"]').first();
    await root.waitFor();
    await expect(root.getAttribute('aria-expanded')).resolves.toBe('true');
    await root.focus();

    await page.keyboard.press('ArrowLeft');
    await expect(root.getAttribute('aria-expanded')).resolves.toBe('false');
    await page.keyboard.press('ArrowRight');
    await expect(root.getAttribute('aria-expanded')).resolves.toBe('true');
    await page.keyboard.press('ArrowDown');
    // Focus moves in an effect after the render that the key caused: wait for it, do not sample once.
    await expect.poll(() => focusedAttr(page, 'aria-level')).toBe('2');
    const childId = await focusedAttr(page, 'data-unit-id');
    await page.keyboard.press('Enter');
    await expect(tree.locator(`[data-unit-id="${childId}"]`).getAttribute('aria-selected')).resolves.toBe(
      'true',
    );
    await expect(page.getByTestId('unit-switcher').inputValue()).resolves.toBe(childId);
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => focusedAttr(page, 'aria-level')).toBe('1');

    await page.locator('.leaflet-overlay-pane path').first().waitFor();
    await screenshot(page, 'org-tree-map');
    expect(await seriousA11yViolations(page, 'org tree')).toEqual([]);
  });

  it('clicking the map lists the units containing that point', async () => {
    const page = await env.signedIn('demo-gridworker-1', '/orgs');
    const map = page.getByTestId('org-map');
    await page.locator('.leaflet-overlay-pane path').first().waitFor();
    const box = await map.boundingBox();
    if (!box) throw new Error('map has no box');
    // The map fits the worker's only grid, so its centre lies inside that grid.
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().includes('/api/v1/org-units/containing?')),
      page.mouse.click(box.x + box.width / 2, box.y + box.height / 2),
    ]);
    expect(response.status()).toBe(200);
    const items = page.getByTestId('containing-result').locator('li');
    await items.first().waitFor();
    await expect(items.last().textContent()).resolves.toMatch(/^Grid: /);
  });

  it('the auditor verifies the audit chain', async () => {
    const page = await env.signedIn('demo-auditor', '/audit');
    await page.getByTestId('audit-table').locator('tbody tr').first().waitFor();
    await page.getByRole('button', { name: 'Verify chain' }).click();
    const result = page.getByTestId('verify-result');
    await result.waitFor();
    await expect(result.getAttribute('data-ok')).resolves.toBe('true');
    await screenshot(page, 'audit-verified');
    expect(await seriousA11yViolations(page, 'audit verified')).toEqual([]);
  });
}
