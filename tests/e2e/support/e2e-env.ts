import { afterAll, beforeAll, inject } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ApiSession } from './api-session';
import { launchBrowser, loginViaUi, newContext, type StorageState } from './browser';
import { SERVER_START_TIMEOUT_MS, startServer, type RunningServer } from './server';

export interface E2eEnv {
  readonly server: RunningServer;
  readonly browser: Browser;
  /** A fresh browser profile with a page; closed after the suite. */
  page: (locale?: string) => Promise<Page>;
  /** A fresh page signed in as `username` through the login form. */
  signedIn: (username: string, path?: string, locale?: string) => Promise<Page>;
  /** An API session for checks, one per user: sign-ins are rate limited per address. */
  api: (username: string) => Promise<ApiSession>;
  /** Drops a cached browser session, e.g. after the test signed that user out. */
  forget: (username: string) => void;
}

/**
 * One server and one browser for an e2e file. The server starts from the demo snapshot the
 * project's global setup made (demo-snapshot.global-setup.ts), so each file has a district of
 * its own at the cost of a copy, and files can run side by side.
 */
export function setupE2e(): E2eEnv {
  let server: RunningServer | null = null;
  let browser: Browser | null = null;
  const contexts: BrowserContext[] = [];
  const sessions = new Map<string, Promise<ApiSession>>();
  // Browser sessions by user: sign-ins are rate limited per address, so each user signs in through
  // the form once and later pages reuse the cookie.
  const browserStates = new Map<string, StorageState>();

  beforeAll(async () => {
    server = await startServer({ snapshot: inject('e2eDemoSnapshot') });
    browser = await launchBrowser();
  }, SERVER_START_TIMEOUT_MS + 60_000);

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await server?.stop();
  });

  const env: E2eEnv = {
    get server() {
      if (!server) throw new Error('server not started');
      return server;
    },
    get browser() {
      if (!browser) throw new Error('browser not started');
      return browser;
    },
    async page(locale = 'en-US') {
      const context = await newContext(env.browser, env.server.baseUrl, locale);
      contexts.push(context);
      return context.newPage();
    },
    async signedIn(username, path = '/', locale = 'en-US') {
      const state = browserStates.get(username);
      if (state) {
        const context = await newContext(env.browser, env.server.baseUrl, locale, state);
        contexts.push(context);
        const page = await context.newPage();
        await page.goto(path);
        await page.locator('nav.app-nav').waitFor();
        return page;
      }
      const page = await env.page(locale);
      await loginViaUi(page, username, env.server.password, path);
      browserStates.set(username, await page.context().storageState());
      return page;
    },
    forget(username) {
      browserStates.delete(username);
    },
    api(username) {
      let session = sessions.get(username);
      if (!session) {
        session = ApiSession.login(env.server.baseUrl, username, env.server.password);
        sessions.set(username, session);
      }
      return session;
    },
  };
  return env;
}
