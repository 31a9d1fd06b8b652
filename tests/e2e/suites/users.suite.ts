import * as OTPAuth from 'otpauth';
import { expect, it } from 'vitest';
import type { OrgUnit } from '@civitas/contracts/orgs';
import { ApiSession } from '../support/api-session';
import { navHrefs, screenshot, seriousA11yViolations } from '../support/browser';
import type { E2eEnv } from '../support/e2e-env';

const signIn = (env: E2eEnv, username: string, password: string, totp?: string) =>
  fetch(`${env.server.baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password, ...(totp ? { totp } : {}) }),
  });

/** A grid worker made through the API for one test, so the shared demo accounts stay as they are. */
async function newWorker(
  env: E2eEnv,
  prefix: string,
): Promise<{ id: string; username: string; password: string }> {
  const admin = await env.api('demo-admin');
  const grid = (await admin.get<{ items: OrgUnit[] }>('/org-units?type=grid&limit=1')).items[0];
  if (!grid) throw new Error('no grid visible to the admin');
  const username = `e2e-${prefix}-${Date.now() % 100_000}`;
  const password = 'Correct-horse-battery-9';
  const res = await admin.request('POST', '/users', {
    username,
    displayName: username,
    password,
    grants: [{ role: 'grid_worker', orgUnitId: grid.id }],
  });
  expect(res.status).toBe(201);
  return { id: ((await res.json()) as { id: string }).id, username, password };
}

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

  it('the admin resets a password; the user signs in with it, must change it, then works', async () => {
    const worker = await newWorker(env, 'reset');
    const page = await env.signedIn('demo-admin', '/users');
    await page.getByRole('button', { name: `Manage ${worker.username}`, exact: true }).click();
    const dialog = page.getByRole('dialog', { name: `Manage account ${worker.username}` });
    await dialog.getByRole('button', { name: 'Reset password', exact: true }).click();
    await dialog.getByText('Set a temporary password for').waitFor();
    const [reset] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/password-reset')),
      dialog.getByRole('button', { name: `Reset password of ${worker.username}` }).click(),
    ]);
    expect(reset.status()).toBe(200);
    const shown = dialog.getByTestId('temporary-password');
    await shown.waitFor();
    const temporary = await shown.inputValue();
    expect(temporary.length).toBeGreaterThanOrEqual(12);
    await screenshot(page, 'users-password-reset');
    expect(await seriousA11yViolations(page, 'users (password reset dialog)')).toEqual([]);
    await dialog.getByRole('button', { name: 'Close' }).click();
    expect((await signIn(env, worker.username, worker.password)).status).toBe(401);

    // The user signs in with it and sees only the change-password screen.
    const user = await env.page();
    await user.goto('/');
    await user.locator('#login-username').fill(worker.username);
    await user.locator('#login-password').fill(temporary);
    await user.locator('form button[type="submit"]').click();
    await user.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    expect(await user.locator('nav.app-nav').count()).toBe(0);
    expect(await seriousA11yViolations(user, 'forced password change')).toEqual([]);
    await screenshot(user, 'forced-password-change');
    await user.getByLabel('Current password').fill(temporary);
    await user.getByLabel('New password', { exact: true }).fill('My-own-new-password-5');
    await user.getByLabel('New password again').fill('My-own-new-password-5');
    await user.getByRole('button', { name: 'Change password' }).click();
    await user.locator('nav.app-nav').waitFor();
    expect(await navHrefs(user)).toContain('/residents');
    expect((await signIn(env, worker.username, 'My-own-new-password-5')).status).toBe(200);
  });

  it('the admin resets two-step verification; the user signs in with the password alone', async () => {
    const worker = await newWorker(env, 'mfa');
    const session = await ApiSession.login(env.server.baseUrl, worker.username, worker.password);
    const setup = (await (await session.request('POST', '/auth/totp/setup')).json()) as { secret: string };
    const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(setup.secret), digits: 6, period: 30 });
    expect((await session.request('POST', '/auth/totp/confirm', { code: totp.generate() })).status).toBe(204);
    expect(await (await signIn(env, worker.username, worker.password)).json()).toEqual({
      status: 'mfa_required',
    });

    const page = await env.signedIn('demo-admin', '/users');
    await page.getByRole('button', { name: `Manage ${worker.username}`, exact: true }).click();
    const dialog = page.getByRole('dialog', { name: `Manage account ${worker.username}` });
    await dialog.getByRole('button', { name: 'Reset two-step verification', exact: true }).click();
    const [reset] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/mfa-reset')),
      dialog.getByRole('button', { name: `Reset two-step verification of ${worker.username}` }).click(),
    ]);
    expect(reset.status()).toBe(204);
    await page.getByText(`Two-step verification of ${worker.username} was reset.`).waitFor();
    // The user's session ended with it.
    expect((await session.request('GET', '/auth/me')).status).toBe(401);
    const again = (await (await signIn(env, worker.username, worker.password)).json()) as { status: string };
    expect(again.status).toBe('ok');
  });

  it('a non-admin is offered no account actions, and the API refuses them', async () => {
    const worker = await newWorker(env, 'nonadmin');
    const page = await env.signedIn('demo-community-1', '/users');
    await page.getByTestId('users-table').waitFor();
    await page.locator('[data-testid="users-table"] tbody tr').first().waitFor();
    expect(await page.getByRole('button', { name: /^Manage / }).count()).toBe(0);
    const ca = await env.api('demo-community-1');
    expect((await ca.request('POST', `/users/${worker.id}/password-reset`, {})).status).toBe(403);
    expect((await ca.request('POST', `/users/${worker.id}/mfa-reset`)).status).toBe(403);
    expect((await ca.request('POST', `/users/${worker.id}/unlock`)).status).toBe(403);
    expect(
      (
        await ca.request('PUT', `/users/${worker.id}/grants`, {
          grants: [{ role: 'system_admin', orgUnitId: worker.id }],
        })
      ).status,
    ).toBe(403);
    expect((await signIn(env, worker.username, worker.password)).status).toBe(200);
  });
}
