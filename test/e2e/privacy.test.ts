/**
 * Privacy and the Content-Security-Policy, over a whole session on the production build: load
 * the page, train a step on every backend (WebGPU on the software adapter, WebGL, CPU, WASM),
 * upload a CSV, train on it, save a PNG, export the board as CSV. Every request must stay on the
 * page's own origin, and the browser must report no CSP violation (page or workers) meanwhile.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { download, launchBrowser, openApp, waitForBackend, waitForTrainingStatus } from './browser';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser({ webgpu: true });
});
afterAll(async () => {
  await browser?.close();
});

/** A small two-task CSV (labels first), seeded so the test is the same every run. */
function writeSmallCsv(dir: string): string {
  let s = 1;
  const rand = () => (s = (s * 16807) % 2147483647) / 2147483647;
  const lines: string[] = [];
  for (let i = 0; i < 400; i++) {
    const x = [rand(), rand(), rand(), rand()];
    const a = x[0]! + 0.3 * rand() > 0.6 ? 1 : 0;
    const b = x[1]! + x[2]! + 0.3 * rand() > 1 ? 1 : 0;
    lines.push([a, b, ...x.map((v) => v.toFixed(4))].join(','));
  }
  const file = path.join(dir, 'private.csv');
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

it('a whole session stays on the page origin and breaks no CSP rule on any backend', async () => {
  const baseUrl = inject('baseUrl');
  const { page, errors, requests } = await openApp(browser, baseUrl);
  // The policy is in the built page itself (not only in the preview server's headers).
  const csp = await page
    .locator('meta[http-equiv="Content-Security-Policy"]')
    .getAttribute('content');
  expect(csp).toMatch(/script-src 'self' blob: 'wasm-unsafe-eval'/);
  expect(csp).not.toMatch(/script-src[^;]*'unsafe-(inline|eval)'/);
  await page.evaluate(() => {
    const w = window as unknown as { __cspViolations: string[] };
    w.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      w.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`),
    );
  });
  await waitForBackend(page);
  await page.getByText(/rows · \d+ features/).waitFor({ timeout: 90_000 });

  const backendSelect = page.getByLabel('Backend', { exact: true });
  for (const [value, label] of [
    ['webgpu', 'WebGPU'],
    ['webgl', 'WebGL'],
    ['cpu', 'CPU'],
    ['wasm', 'WASM'],
  ] as const) {
    await backendSelect.selectOption(value);
    await expect
      .poll(() => page.getByText(/^Backend: /).textContent(), { timeout: 120_000 })
      .toContain(`Backend: ${label}`);
    expect(await page.getByRole('note').count()).toBe(0);
    await page.getByRole('button', { name: 'Step', exact: true }).click();
    await waitForTrainingStatus(page, /^Stepped · Epoch 1 · step 1\//, 120_000);
  }

  // Upload, train, save a PNG, export the board.
  const csvPath = writeSmallCsv(mkdtempSync(path.join(tmpdir(), 'mtl-privacy-')));
  await page.getByLabel('Data source').selectOption('csv');
  await page.getByLabel('Training CSV file').setInputFiles(csvPath);
  await page.getByRole('button', { name: 'Load data' }).click();
  await page.getByText(/rows · 4 features/).waitFor({ timeout: 60_000 });
  await page.getByLabel('Model', { exact: true }).selectOption('mmoe');
  await page.getByLabel('Epochs', { exact: true }).fill('1');
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await waitForTrainingStatus(page, /^Done after 1 epoch/);
  // The AUC chart always has the epoch's validation points here; a 400-row file trains in two
  // steps, which may end before any (rate-limited) gate update reaches the heatmap.
  const png = await download(page, () =>
    page.getByRole('button', { name: 'Save as PNG (AUC chart)' }).click(),
  );
  expect(png.bytes.subarray(1, 4).toString()).toBe('PNG');
  const csv = await download(page, () => page.getByRole('button', { name: 'Export CSV' }).click());
  expect(csv.bytes.length).toBeGreaterThan(0);

  const origin = new URL(baseUrl).origin;
  const foreign = requests.filter(
    (u) => !u.startsWith(origin + '/') && !u.startsWith('blob:') && !u.startsWith('data:'),
  );
  expect(foreign).toEqual([]);
  expect(
    await page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations),
  ).toEqual([]);
  // CSP refusals in workers reach the console (and would be page errors): none.
  expect(errors).toEqual([]);
});
