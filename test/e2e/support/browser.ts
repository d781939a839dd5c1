import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startStack, type Stack, type StackOptions } from '../../support/stack';

/**
 * Headless Chromium from Debian's package (devstack/install-tools.sh
 * installs it), driven by playwright-core: no browser is ever downloaded.
 * Playwright gives each launch a fresh, temporary user-data directory.
 */
export const CHROMIUM = '/usr/bin/chromium';
export const ARTIFACTS = path.resolve(__dirname, '../../../test-artifacts');

export function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run bash devstack/install-tools.sh`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/**
 * A test stack and a Chromium for one test file: started together before its
 * tests, closed after them. Tests read them as env.stack and env.browser.
 */
export function stackAndBrowser(options?: StackOptions): { readonly stack: Stack; readonly browser: Browser } {
  const env = {} as { stack: Stack; browser: Browser };
  beforeAll(async () => {
    [env.stack, env.browser] = await Promise.all([startStack(options), launchBrowser()]);
  });
  afterAll(async () => {
    await env.browser?.close();
    await env.stack?.close();
  });
  return env;
}

export interface TestPage {
  page: Page;
  context: BrowserContext;
  /** Uncaught errors in the page: a test ends by expecting none. */
  errors: string[];
}

/** A page in a context of its own (its own storage, so its own sign-in), on the gateway's origin. */
export async function openPage(browser: Browser, baseURL: string, o: { width?: number; height?: number } = {}): Promise<TestPage> {
  const context = await browser.newContext({ baseURL, viewport: { width: o.width ?? 1280, height: o.height ?? 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) errors.push(m.text());
  });
  return { page, context, errors };
}

/** Saves a full-page screenshot as a test artifact (test-artifacts/, git-ignored). */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Signs in through the app's own form and waits until it has moved on. */
export async function signInThroughUi(page: Page, email: string, password: string, next = '/') {
  await page.goto(`/sign-in?next=${encodeURIComponent(next)}`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/sign-in'));
}

// Page functions run in the browser; this project's test tsconfig has no DOM types, so they reach the
// document through globalThis. (A string predicate would be eval'd, which the app's CSP forbids.)
type Doc = { querySelectorAll(s: string): ArrayLike<any>; querySelector(s: string): any };

/** Waits until at least `count` images matching `selector` have loaded. */
export async function waitForLoadedImages(page: Page, selector: string, count: number) {
  await page.waitForFunction(
    ({ selector, count }) => {
      const d = (globalThis as unknown as { document: Doc }).document;
      return Array.from(d.querySelectorAll(selector)).filter((i) => i.complete && i.naturalWidth > 0).length >= count;
    },
    { selector, count },
  );
}

/** Waits until the text of the element matching `selector` is no longer `text`. */
export async function waitForTextChange(page: Page, selector: string, text: string | null) {
  await page.waitForFunction(({ selector, text }) => (globalThis as unknown as { document: Doc }).document.querySelector(selector)?.textContent !== text, { selector, text });
}
