/**
 * Shared browser helpers for the e2e tests: Debian's Chromium driven by playwright-core (never a
 * downloaded browser), with console errors and every request recorded.
 */
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Flags for a closed network and running as root in a container. */
const BASE_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
];

/** Software WebGPU (SwiftShader): slow but real, so the WebGPU code path can be tested. */
export const WEBGPU_ARGS = ['--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader'];

export function launchBrowser(opts: { webgpu: boolean }): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...BASE_ARGS, ...(opts.webgpu ? WEBGPU_ARGS : [])],
  });
}

/**
 * Console messages that are expected and harmless; everything else at level "error" fails a test.
 * (tfjs reports a failed backend initialisation with console.warn, not error.)
 */
const EXPECTED_CONSOLE_ERRORS: RegExp[] = [];

export interface PageSession {
  page: Page;
  /** Console errors and uncaught exceptions (page and workers) not in the expected list. */
  errors: string[];
  /** Every URL the page or its workers requested. */
  requests: string[];
}

export async function openApp(browser: Browser, baseUrl: string): Promise<PageSession> {
  const context = await browser.newContext({ viewport: { width: 1200, height: 1400 } });
  const page = await context.newPage();
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const text = msg.text();
    if (!EXPECTED_CONSOLE_ERRORS.some((re) => re.test(text))) errors.push(`console: ${text}`);
  });
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  context.on('request', (req) => requests.push(req.url()));
  context.on('weberror', (e) => errors.push(`weberror: ${e.error().message}`));
  await page.goto(baseUrl);
  return { page, errors, requests };
}

/** The text of the header line "Backend: …", once the worker reported ready. */
export async function waitForBackend(page: Page, timeoutMs = 120_000): Promise<string> {
  const line = page.getByText(/^Backend: /);
  await line.waitFor({ timeout: timeoutMs });
  return (await line.textContent()) ?? '';
}
