/**
 * Hardening on the production build: (1) the training worker dying mid-training → the page says
 * so (role=alert) and "Restart engine" brings up a fresh worker that trains again; (2) malformed
 * CSV files uploaded through the page each give a clear message naming the file, and the tab
 * stays responsive.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { launchBrowser, openApp, waitForBackend, waitForTrainingStatus } from './browser';

const CORPUS = path.resolve(import.meta.dirname, '../fixtures/csv');

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser({ webgpu: false });
});
afterAll(async () => {
  await browser?.close();
});

async function waitForBuiltinData(page: Page): Promise<void> {
  await expect
    .poll(() => page.getByText(/rows · \d+ features/).count(), { timeout: 90_000 })
    .toBe(1);
}

it('a crashed training worker is reported and the engine restarts and trains again', async () => {
  const { page } = await openApp(browser, inject('baseUrl'));
  await waitForBackend(page);
  await waitForBuiltinData(page);

  await page.getByLabel('Epochs', { exact: true }).fill('50');
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect
    .poll(() => page.getByRole('button', { name: 'Stop' }).isEnabled(), { timeout: 30_000 })
    .toBe(true);

  // An uncaught exception inside the training worker, as when it runs out of memory.
  const worker = page.workers().find((w) => w.url().includes('training.worker'));
  expect(worker).toBeDefined();
  await worker!.evaluate(() => {
    setTimeout(() => {
      throw new RangeError('Array buffer allocation failed (simulated)');
    }, 0);
  });

  const alert = page.getByRole('alert').filter({ hasText: 'The training engine stopped' });
  await alert.waitFor({ timeout: 30_000 });
  expect(await alert.textContent()).toMatch(/Array buffer allocation failed/);
  const restart = page.getByRole('button', { name: 'Restart engine' });
  expect(await restart.getAttribute('title')).toMatch(/fresh training worker/);
  await restart.focus();
  await page.keyboard.press('Enter');

  // A new worker: backend line, data loaded again, and training works.
  await waitForBackend(page);
  await waitForBuiltinData(page);
  expect(await alert.count()).toBe(0);
  await page.getByLabel('Epochs', { exact: true }).fill('1');
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await waitForTrainingStatus(page, /^Done after 1 epoch/);
  expect(await page.getByRole('table', { name: 'Validation AUC per epoch' }).count()).toBe(1);
});

/** A representative subset of test/fixtures/csv: structure, encoding, values, labels. */
const MALFORMED = [
  'err_ragged.csv',
  'err_non_numeric.csv',
  'err_label_two.csv',
  'err_semicolon.csv',
  'err_gzip.csv',
  'err_utf16.csv',
];

it('malformed CSV uploads each give a clear message and the page stays responsive', async () => {
  const cases = (
    JSON.parse(readFileSync(path.join(CORPUS, 'cases.json'), 'utf8')) as {
      cases: Record<string, { error?: { message: string } }>;
    }
  ).cases;
  const { page, errors } = await openApp(browser, inject('baseUrl'));
  await waitForBackend(page);
  await waitForBuiltinData(page);
  await page.getByLabel('Data source').selectOption('csv');

  for (const name of MALFORMED) {
    const expected = cases[name]?.error?.message;
    expect(expected, name).toBeDefined();
    await page.getByLabel('Training CSV file').setInputFiles(path.join(CORPUS, name));
    const load = page.getByRole('button', { name: 'Load data' });
    // Some problems are already caught by the page's preview of the file's first bytes.
    const alert = page.getByRole('alert').filter({ hasText: expected! });
    if (await load.isEnabled()) await load.click();
    await alert.first().waitFor({ timeout: 30_000 });
    // Responsive: a script runs at once and a field still takes input.
    expect(await page.evaluate(() => 1 + 1)).toBe(2);
    const epochs = page.getByLabel('Epochs', { exact: true });
    await epochs.fill('3');
    expect(await epochs.inputValue()).toBe('3');
  }
  expect(errors).toEqual([]);
});

it('measures every backend at start, uses the fastest under Auto, and the select overrides it', async () => {
  const { page, errors } = await openApp(browser, inject('baseUrl'));
  await waitForBackend(page);
  // The line explains itself in its tooltip.
  const speeds = page.getByTitle(/fastest is chosen automatically/);
  await expect
    .poll(() => speeds.textContent(), { timeout: 120_000 })
    .toMatch(/fastest: (WebGPU|WebGL|WASM|CPU)/);
  const text = (await speeds.textContent()) ?? '';
  expect(text).toMatch(/^Backend speeds:/);
  // Every backend is listed: measured samples/s, or unavailable (no WebGPU adapter here).
  for (const name of ['WebGPU', 'WebGL', 'WASM', 'CPU']) {
    expect(text).toMatch(new RegExp(`${name} ([\\d,]+ samples/s|unavailable)`));
  }
  expect(text).toMatch(/WebGPU unavailable/);
  const fastest = /fastest: (\w+)/.exec(text)![1]!;
  const rates = [...text.matchAll(/(WebGL|WASM|CPU) ([\d,]+) samples\/s/g)].map(
    (m) => [m[1], Number(m[2]!.replace(/,/g, ''))] as const,
  );
  const best = rates.reduce((a, b) => (b[1] > a[1] ? b : a));
  expect(fastest).toBe(best[0]);
  const backendSelect = page.getByLabel('Backend', { exact: true });
  expect(await backendSelect.inputValue()).toBe('auto');
  await expect
    .poll(() => page.getByText(/^Backend: /).textContent(), { timeout: 60_000 })
    .toContain(`Backend: ${fastest}`);

  // The user's choice wins.
  const other = fastest === 'CPU' ? 'wasm' : 'cpu';
  await backendSelect.selectOption(other);
  await expect
    .poll(() => page.getByText(/^Backend: /).textContent(), { timeout: 60_000 })
    .toContain(other === 'cpu' ? 'Backend: CPU' : 'Backend: WASM');
  expect(errors).toEqual([]);
});
