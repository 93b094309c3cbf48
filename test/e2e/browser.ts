/**
 * Shared browser helpers for the e2e tests: Debian's Chromium driven by playwright-core (never a
 * downloaded browser), with console errors and every request recorded.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
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

/** Playwright's flags that keep background pages from being throttled like a real browser's. */
const NO_BACKGROUND_THROTTLING_ARGS = [
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
];

/**
 * `backgroundThrottling: true` drops Playwright's anti-throttling flags, so background tabs are
 * treated as in a user's browser (the hidden-tab test).
 */
export function launchBrowser(opts: {
  webgpu: boolean;
  backgroundThrottling?: boolean;
}): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...BASE_ARGS, ...(opts.webgpu ? WEBGPU_ARGS : [])],
    ...(opts.backgroundThrottling === true
      ? { ignoreDefaultArgs: NO_BACKGROUND_THROTTLING_ARGS }
      : {}),
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
  const context = await browser.newContext({
    viewport: { width: 1200, height: 1400 },
    acceptDownloads: true,
  });
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

/**
 * Starts recording main-thread long tasks (PerformanceObserver 'longtask': tasks over 50 ms).
 * Read them with readLongTasks(). Call after the page has loaded.
 */
export async function startLongTaskObserver(page: Page): Promise<void> {
  // Playwright injects its helper script into the page on the first waitForFunction: a ~100 ms
  // task of the test harness, not of the page. Inject it now, before the window opens.
  await page.waitForFunction(() => true, null, { polling: 500 });
  await page.evaluate(() => {
    const w = window as unknown as {
      __longTasks: number[];
      __longTaskObserver?: PerformanceObserver;
    };
    // A new window: the previous observer (if any) stops, so no task is counted twice.
    w.__longTaskObserver?.disconnect();
    const seen: number[] = [];
    w.__longTasks = seen;
    w.__longTaskObserver = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) seen.push(e.duration);
    });
    w.__longTaskObserver.observe({ type: 'longtask', buffered: false });
  });
}

/** Durations (ms) of the long tasks seen since startLongTaskObserver. */
export function readLongTasks(page: Page): Promise<number[]> {
  return page.evaluate(() => (window as unknown as { __longTasks: number[] }).__longTasks);
}

/** Clicks `button` and returns the downloaded file's name and bytes. */
export async function download(
  page: Page,
  click: () => Promise<void>,
): Promise<{ name: string; bytes: Buffer }> {
  const [dl] = await Promise.all([page.waitForEvent('download', { timeout: 30_000 }), click()]);
  const file = await dl.path();
  return { name: dl.suggestedFilename(), bytes: readFileSync(file) };
}

/**
 * Waits until the training status line matches `re`. Polls twice a second with one cheap query
 * (a text locator polls every animation frame and scans the page, which would load the very
 * main thread the long-task measurement watches).
 */
export async function waitForTrainingStatus(page: Page, re: RegExp, timeoutMs = 180_000) {
  await page.waitForFunction(
    (source) =>
      new RegExp(source).test(
        document.querySelector('section[aria-labelledby="train-title"] p[role="status"]')
          ?.textContent ?? '',
      ),
    re.source,
    { polling: 500, timeout: timeoutMs },
  );
}

/**
 * The long-task check. The product target is no main-thread task over 50 ms while training, but
 * wall-clock task lengths depend on the machine's load (Chrome traces of the same run: 60–340 ms
 * wall for tasks of 5–50 ms CPU at load 8–11), and the house rule is no timing assertions in
 * `make test`. So by default this is a freeze guard (1 s: training or parsing on the main thread
 * would break it), and every measurement is printed and written to
 * docs/results/e2e-longtasks.json. `E2E_LONGTASK_BUDGET_MS=50` applies the product target
 * (`off` only reports).
 */
export function expectLongTaskBudget(durations: number[], defaultBudgetMs = 1000): void {
  const raw = process.env.E2E_LONGTASK_BUDGET_MS ?? String(defaultBudgetMs);
  if (raw === 'off') return;
  const budget = Number(raw);
  const over = durations.filter((d) => d > budget);
  if (over.length > 0) {
    throw new Error(
      `${over.length} main-thread task(s) over ${budget} ms (max ${Math.max(...over).toFixed(0)} ms; all: ${durations.map((d) => d.toFixed(0)).join(', ')})`,
    );
  }
}

/** Appends the measured long tasks to docs/results/e2e-longtasks.json (count, max, all). */
export function writeLongTaskReport(name: string, durations: number[]): void {
  const file = path.resolve(import.meta.dirname, '../../docs/results/e2e-longtasks.json');
  let all: Record<string, unknown>;
  try {
    all = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    all = {};
  }
  all[name] = {
    count: durations.length,
    maxMs: Math.round(Math.max(0, ...durations)),
    durationsMs: durations.map((d) => Math.round(d)),
    measuredAt: new Date().toISOString(),
  };
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(all, null, 2) + '\n');
}
