/**
 * Browser tests with playwright-core driving the system's Chromium (Debian: `apt-get install chromium`;
 * elsewhere set CHROMIUM_PATH). One headless browser per test file with a fresh profile directory; each test gets
 * its own page, a screenshot at the end (also when it fails) in test-artifacts/screenshots/<test>.png, and fails
 * on uncaught page errors and console errors (broken scripts, CSP violations).
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOT_DIR = resolve(__dirname, '../../../test-artifacts/screenshots');
/**
 * Per-step wait: long enough for a bot round trip while the other jest worker runs a burst or a fault test (a
 * Deny's evidence, with its access preview, then takes several seconds), short enough to fail in CI's time.
 */
export const STEP_TIMEOUT_MS = 15_000;
export const TEST_TIMEOUT_MS = 60_000;

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export interface BrowserHandle {
  context: BrowserContext;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<BrowserHandle> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`no Chromium at ${CHROMIUM_PATH}: apt-get install chromium, or set CHROMIUM_PATH`);
  }
  const profile = await mkdtemp(join(tmpdir(), 'console-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 800 },
    timeout: 15_000,
  });
  return {
    context,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** `Console journey shows messages` → `console-journey-shows-messages`. */
export function fileNameFor(testName: string): string {
  return (
    testName
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 120) || 'test'
  );
}

export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${fileNameFor(name)}.png`);
  await page.screenshot({ path, fullPage: false });
  return path;
}

export type BrowserTest = (name: string, fn: (page: Page) => Promise<void>, timeoutMs?: number) => void;

/** One browser for the file (beforeAll/afterAll); returns `test`, which hands each test a fresh page. */
export function useBrowser(): { test: BrowserTest; context: () => BrowserContext } {
  let handle: BrowserHandle | undefined;
  beforeAll(async () => {
    handle = await launchBrowser();
  }, 20_000);
  afterAll(async () => {
    await handle?.close();
  });
  const context = () => {
    if (!handle) throw new Error('the browser did not start');
    return handle.context;
  };
  const test: BrowserTest = (name, fn, timeoutMs = TEST_TIMEOUT_MS) => {
    it(
      name,
      async () => {
        const page = await context().newPage();
        page.setDefaultTimeout(STEP_TIMEOUT_MS);
        const problems: string[] = [];
        page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
        page.on('console', (msg) => {
          if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
        });
        const fullName = expect.getState().currentTestName ?? name;
        try {
          await fn(page);
          if (problems.length > 0) throw new Error(`the page reported errors:\n${problems.join('\n')}`);
        } finally {
          await screenshot(page, fullName).catch(() => undefined);
          await page.close();
        }
      },
      timeoutMs,
    );
  };
  return { test, context };
}

/** Waits until the locator shows `text` (fails with both in the message), then returns its visible text. */
export async function waitForText(locator: Locator, text: string | RegExp): Promise<string> {
  try {
    await locator.filter({ hasText: text }).first().waitFor({ state: 'visible' });
  } catch {
    const shown = await locator
      .first()
      .innerText({ timeout: 500 })
      .catch(() => '(not on the page)');
    throw new Error(`expected ${String(locator)} to show ${String(text)}; it shows:\n${shown}`);
  }
  return locator.first().innerText();
}

/** Waits until an input/textarea/select holds `expected`. */
export async function waitForValue(locator: Locator, expected: string): Promise<void> {
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  let last = '';
  while (Date.now() < deadline) {
    last = await locator.inputValue({ timeout: 500 }).catch(() => '');
    if (last === expected) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(
    `expected ${String(locator)} to hold ${JSON.stringify(expected)}; it holds ${JSON.stringify(last)}`,
  );
}
