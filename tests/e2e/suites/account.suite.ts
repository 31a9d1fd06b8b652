import { expect, it } from 'vitest';
import { consoleErrorsOf, screenshot, seriousA11yViolations } from '../support/browser';
import type { E2eEnv } from '../support/e2e-env';
import { totpCode } from '../support/totp';

export function accountSuite(env: E2eEnv): void {
  it('my account at phone size in English passes axe: the token table scrolls and takes focus', async () => {
    // demo-health-1 has no token yet (the next test makes one), so no revoke button inside the
    // table could take focus. Residents are offered no tokens at all (layout.suite.ts).
    const page = await env.signedIn('demo-health-1', '/account', 'en-US');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByText('You have no API tokens.').waitFor();
    const scroller = page.locator('.table-wrap', {
      has: page.locator('caption', { hasText: 'Your API tokens' }),
    });
    // The case under test: the table is wider than the phone, so its container scrolls.
    expect(await scroller.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
    await screenshot(page, 'account-phone-en');
    expect(await seriousA11yViolations(page, 'account at 390x844, en')).toEqual([]);
    // A keyboard user reaches the scroller by its name and scrolls it with the arrow keys.
    const region = page.getByRole('region', { name: 'Your API tokens' });
    await region.focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => region.evaluate((el) => el.scrollLeft)).toBeGreaterThan(0);
    expect(consoleErrorsOf(page)).toEqual([]);
  });

  it('API tokens: create shows the token once, it works as a bearer token, revoke stops it', async () => {
    const page = await env.signedIn('demo-health-1', '/account');
    await page.getByLabel('Token name').fill('e2e token');
    const [created] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/tokens') && r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Create token' }).click(),
    ]);
    expect(created.status()).toBe(201);
    const token = (await page.getByTestId('new-token').textContent()) ?? '';
    expect(token.length).toBeGreaterThan(20);
    const asBearer = () =>
      fetch(`${env.server.baseUrl}/api/v1/auth/me`, { headers: { Authorization: `Bearer ${token}` } });
    expect((await asBearer()).status).toBe(200);

    const revoke = page.getByRole('button', { name: 'Revoke e2e token' });
    await revoke.waitFor();
    await Promise.all([
      page.waitForResponse(
        (r) => r.request().method() === 'DELETE' && r.url().includes('/api/v1/auth/tokens/'),
      ),
      revoke.click(),
    ]);
    await revoke.waitFor({ state: 'detached' });
    expect((await asBearer()).status).toBe(401);
  });

  it('TOTP set-up, then signing in asks for the 6-digit code', async () => {
    const page = await env.signedIn('demo-health-1', '/account');
    await page.getByRole('button', { name: 'Set up two-step verification' }).click();
    const secret = (await page.getByTestId('totp-secret').textContent()) ?? '';
    expect(secret).toMatch(/^[A-Z2-7]+=*$/);
    await page.getByLabel('6-digit code').fill(totpCode(secret));
    await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/auth/totp/confirm') && r.ok()),
      page.getByRole('button', { name: 'Turn on' }).click(),
    ]);
    await page.getByText('Two-step verification is now on.').waitFor();
    await screenshot(page, 'account-totp-on');
    expect(await seriousA11yViolations(page, 'account')).toEqual([]);

    env.forget('demo-health-1');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.locator('#login-username').fill('demo-health-1');
    await page.locator('#login-password').fill(env.server.password);
    await page.locator('#login-password').press('Enter');
    await page.locator('main h1', { hasText: 'Two-step verification' }).waitFor();
    expect(await seriousA11yViolations(page, 'login mfa step')).toEqual([]);
    // The next step's code: the one used to confirm may not be replayed.
    await page.getByLabel('6-digit code').fill(totpCode(secret, 1));
    await page.getByLabel('6-digit code').press('Enter');
    await page.locator('nav.app-nav').waitFor();
  });
}
