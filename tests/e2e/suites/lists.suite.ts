import { expect, it } from 'vitest';
import type { OrgUnit } from '@civitas/contracts/orgs';
import { screenshot, seriousA11yViolations } from '../support/browser';
import type { E2eEnv } from '../support/e2e-env';

export function listsSuite(env: E2eEnv): void {
  it('residents: the unit switcher, flag filter and paging drive the list', async () => {
    const commander = await env.api('demo-commander');
    const grids = await commander.get<{ items: OrgUnit[] }>('/org-units?type=grid&limit=1');
    const grid = grids.items[0];
    if (!grid) throw new Error('no grid');
    const page = await env.signedIn('demo-commander', '/residents');
    const rows = page.getByTestId('residents-table').locator('tbody tr');
    await rows.first().waitFor();
    await expect(page.locator('.pager span').textContent()).resolves.toMatch(/^1–20 of (\d+|10,000\+)$/);

    await Promise.all([
      page.waitForResponse((r) => r.url().includes(`/api/v1/residents?unitId=${grid.id}`)),
      page.getByTestId('unit-switcher').selectOption(grid.id),
    ]);
    // The answer arrives before React re-renders the table: wait for the rows to show it.
    await expect
      .poll(async () => [...new Set(await rows.locator('td:nth-child(4)').allTextContents())], {
        timeout: 60_000,
      })
      // Units are shown by name with their parent ("Shiyan Village · Grid 2"), never by code.
      .toEqual([expect.stringMatching(new RegExp(`· ${grid.name.en}$`))]);

    await page.getByLabel('Flag').selectOption('elderlyLivingAlone');
    await Promise.all([
      page.waitForResponse((r) => r.url().includes('flag=elderlyLivingAlone')),
      page.getByRole('button', { name: 'Search' }).click(),
    ]);
    // Every row shown carries the flag once the filtered answer is rendered.
    await expect
      .poll(
        async () => {
          const count = await rows.count();
          return count > 0 && (await rows.locator('.badge-elderlyLivingAlone').count()) === count;
        },
        { timeout: 60_000 },
      )
      .toBe(true);

    await page.getByRole('button', { name: 'Clear' }).click();
    await page.getByTestId('unit-switcher').selectOption({ index: 0 });
    await page.locator('.pager span', { hasText: /^1–20 of/ }).waitFor();
    await Promise.all([
      page.waitForResponse((r) => r.url().includes('offset=20')),
      page.getByRole('button', { name: 'Next' }).click(),
    ]);
    await page.locator('.pager span', { hasText: /^21–40 of/ }).waitFor();
  });

  it('audit: filtering by a kind of action shows only actions of that kind, in words', async () => {
    const page = await env.signedIn('demo-auditor', '/audit');
    await page.getByTestId('audit-table').locator('tbody tr').first().waitFor();
    await page.getByLabel('Kind of action').selectOption('signIn');
    await Promise.all([
      page.waitForResponse((r) => r.url().includes('family=signIn')),
      page.getByRole('button', { name: 'Filter', exact: true }).click(),
    ]);
    const rows = page.getByTestId('audit-table').locator('tbody tr');
    const actions = await rows.evaluateAll((trs) =>
      trs.map((tr) => (tr as HTMLElement).dataset.action ?? ''),
    );
    expect(actions.length).toBeGreaterThan(0);
    expect(actions.every((a) => a.startsWith('auth.'))).toBe(true);
    expect(await rows.locator('td:nth-child(4)').allTextContents()).toContain('Signed in');
  });

  it('after repeated wrong passwords from one place the login form asks to wait, in the user’s language', async () => {
    // No account is locked any more: this source waits, growing waits, while others sign in.
    const username = 'e2e-no-such-user';
    // Fails from this address until the server asks it to wait. The limiter's sliding window
    // weighs the previous minute's failures down as the current minute goes on, so right after a
    // minute boundary a count can dip under the limit again: each page's attempt below follows a
    // fresh refusal, so it meets the throttle and not a dip.
    const throttleNow = async () => {
      const statuses: number[] = [];
      while (statuses.at(-1) !== 429 && statuses.length < 12) {
        const res = await fetch(`${env.server.baseUrl}/api/v1/auth/login`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ username, password: 'wrong-password' }),
        });
        statuses.push(res.status);
      }
      return statuses;
    };
    const first = await throttleNow();
    expect(first.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(first.at(-1)).toBe(429);
    for (const [locale, text] of [
      [
        'en-US',
        /^Too many sign-in attempts from this device or network\. You can try again in \d+ (seconds?|minutes?)\./,
      ],
      ['zh-CN', /^此设备或网络的登录尝试次数过多，请\d+\s?(秒钟|秒|分钟)后再试。/],
    ] as const) {
      const page = await env.page(locale);
      await page.goto('/');
      await page.locator('#login-username').fill(username);
      await page.locator('#login-password').fill('wrong-password');
      expect((await throttleNow()).at(-1)).toBe(429);
      const [response] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith('/auth/login')),
        page.locator('#login-password').press('Enter'),
      ]);
      expect(response.status()).toBe(429);
      expect(Number(response.headers()['retry-after'])).toBeGreaterThan(0);
      await expect.poll(() => page.getByRole('alert').textContent()).toMatch(text);
      // Sending again would only be refused: the button waits too.
      await expect(page.locator('button[type=submit]').isDisabled()).resolves.toBe(true);
      await page.context().close();
    }
    // Another account from the same place is not affected.
    const other = await fetch(`${env.server.baseUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'demo-auditor', password: env.server.password }),
    });
    expect(other.status).toBe(200);
  });

  it('audit: "security alerts only" shows the sign-in alert in the user’s language', async () => {
    for (const [locale, text] of [
      ['en-US', 'Repeated failed sign-ins — account e2e-no-such-user from 127.0.0.1'],
      ['zh-CN', '多次登录失败 — 账户 e2e-no-such-user，来源 127.0.0.1'],
    ] as const) {
      const page = await env.signedIn('demo-auditor', '/audit', locale);
      await page.getByTestId('audit-table').locator('tbody tr').first().waitFor();
      await Promise.all([
        page.waitForResponse((r) => r.url().includes('action=security.alert')),
        page.locator('#audit-alerts-only').check(),
      ]);
      const rows = page.getByTestId('audit-table').locator('tbody tr.alert-row');
      await expect
        .poll(() => rows.allTextContents(), { timeout: 60_000 })
        .toContainEqual(expect.stringContaining(text));
      await expect(page.getByTestId('audit-table').locator('tbody tr:not(.alert-row)').count()).resolves.toBe(
        0,
      );
      await screenshot(page, `audit-security-alerts-${locale}`);
      expect(await seriousA11yViolations(page, `audit security alerts ${locale}`)).toEqual([]);
      await page.context().close();
    }
  });
}
