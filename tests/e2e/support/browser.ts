import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export type StorageState = Awaited<ReturnType<BrowserContext['storageState']>>;
import { repoRoot } from './server';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const screenshotDir = path.join(repoRoot, 'test-artifacts/screenshots');

/** Longest a single Playwright wait may take before it counts as a hang. */
export const E2E_WAIT_TIMEOUT_MS = 180_000;

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A fresh browser profile that may only talk to the server under test (map tiles etc. are refused). */
export async function newContext(
  browser: Browser,
  baseUrl: string,
  locale = 'en-US',
  storageState?: StorageState,
): Promise<BrowserContext> {
  const context = await browser.newContext({
    ...(storageState ? { storageState } : {}),
    baseURL: baseUrl,
    locale,
    viewport: { width: 1280, height: 900 },
  });
  // Playwright waits 30 s by default, which measures speed on a loaded machine: a hang guard
  // instead, well inside the test timeout (vitest.config.ts).
  context.setDefaultTimeout(E2E_WAIT_TIMEOUT_MS);
  await context.route('**/*', (route) =>
    route.request().url().startsWith(baseUrl) ? route.continue() : route.abort('blockedbyclient'),
  );
  context.on('page', watchConsole);
  return context;
}

const consoleErrors = new WeakMap<Page, string[]>();

/**
 * A refusal the server answered and the app handles (the signed-out check of /auth/me, a 404 the
 * page explains): Chromium logs each as a console error, but it is the API working, not the page.
 */
const handledRefusal = /^Failed to load resource: the server responded with a status of 4\d\d\b/;

/**
 * Keeps what a page logs as an error: console.error, a Content-Security-Policy violation (Chromium
 * logs those as console errors), an uncaught exception, a 5xx answer. Every page of newContext is
 * watched.
 */
function watchConsole(page: Page): void {
  const errors: string[] = [];
  consoleErrors.set(page, errors);
  page.on('console', (message) => {
    if (message.type() === 'error' && !handledRefusal.test(message.text()))
      errors.push(`${page.url()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`${page.url()}: uncaught ${error.message}`));
}

/** The errors a page has logged so far (see watchConsole). */
export function consoleErrorsOf(page: Page): string[] {
  const errors = consoleErrors.get(page);
  if (!errors) throw new Error('page not made by newContext: its console is not watched');
  return [...errors];
}

/** Signs in through the real login form and waits for the signed-in shell. */
export async function loginViaUi(page: Page, username: string, password: string, path = '/'): Promise<void> {
  await page.goto(path);
  await page.locator('#login-username').fill(username);
  await page.locator('#login-password').fill(password);
  await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/login') && r.status() === 200),
    page.locator('form button[type="submit"]').click(),
  ]);
  await page.locator('nav.app-nav').waitFor();
}

export async function navHrefs(page: Page): Promise<string[]> {
  const read = (selector: string) =>
    page.locator(selector).evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''));
  // On a phone: the bottom bar and the "more" sheet, which lists its places only while open.
  const more = page.getByTestId('more-menu');
  if (await more.isVisible()) {
    await more.click();
    await page.locator('.more-sheet a').first().waitFor();
    const hrefs = await read('nav.bottom-nav a, .more-sheet a');
    await more.click();
    return hrefs;
  }
  return read('nav.app-nav a');
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
}

/** Runs axe-core in the page; returns serious and critical violations, printing them for the log. */
export async function seriousA11yViolations(page: Page, label: string): Promise<AxeViolation[]> {
  // Evaluated through the DevTools protocol rather than a <script> tag, so the server's CSP stays on.
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: () => Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run();
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })),
    }));
  });
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  if (serious.length > 0)
    process.stderr.write(`axe violations on ${label}:\n${JSON.stringify(serious, null, 2)}\n`);
  return serious;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: true });
}
