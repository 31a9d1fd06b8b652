import { expect, it } from 'vitest';
import type { OrgUnit } from '@civitas/contracts/orgs';
import { screenshot, seriousA11yViolations } from '../support/browser';
import type { E2eEnv } from '../support/e2e-env';

export function usersSuite(env: E2eEnv): void {
  it('the admin creates a grid worker, then disables and enables the account', async () => {
    const admin = await env.api('demo-admin');
    const grids = await admin.get<{ items: OrgUnit[] }>('/org-units?type=grid&limit=1');
    const grid = grids.items[0];
    if (!grid) throw new Error('no grid visible to the admin');
    const username = `e2e-worker-${Date.now() % 100_000}`;
    const password = 'Correct-horse-battery-9';

    const page = await env.signedIn('demo-admin', '/users');
    await page.getByLabel('User name', { exact: true }).fill(username);
    await page.getByLabel('Display name').fill('E2E Worker');
    await page.getByLabel('Initial password').fill(password);
    await page.getByLabel('Role').selectOption('grid_worker');
    await page.locator('#new-unit').selectOption(grid.id);
    const [created] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/v1/users') && r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Create user' }).click(),
    ]);
    expect(created.status()).toBe(201);
    await page.getByText(`User ${username} created.`).waitFor();

    const disable = page.getByRole('button', { name: `Disable ${username}` });
    await disable.waitFor();
    await screenshot(page, 'users-admin');
    expect(await seriousA11yViolations(page, 'users (admin)')).toEqual([]);
    await Promise.all([page.waitForResponse((r) => r.url().endsWith('/disable') && r.ok()), disable.click()]);
    const enable = page.getByRole('button', { name: `Enable ${username}` });
    await enable.waitFor();
    const login = () =>
      fetch(`${env.server.baseUrl}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ username, password }),
      });
    expect((await login()).status).toBe(401);

    await Promise.all([page.waitForResponse((r) => r.url().endsWith('/enable') && r.ok()), enable.click()]);
    await page.getByRole('button', { name: `Disable ${username}` }).waitFor();
    expect((await login()).status).toBe(200);
  });
}
