/**
 * (ii) The real Kuaishou log (header row, THREE label columns first) uploads, the user sets 3
 *      label columns, and it trains with its three tasks (three validation AUC series);
 * (iii) a malformed file shows its line number and column.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { launchBrowser, openApp, waitForBackend, waitForTrainingStatus } from './browser';
import { KUAIRAND_CSV } from '../sharedData';

const KUAIRAND = KUAIRAND_CSV;
const SHOTS = path.resolve(import.meta.dirname, '../../docs/screenshots');

let browser: Browser;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'mtl-e2e-'));
  browser = await launchBrowser({ webgpu: false });
});
afterAll(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it('trains on the KuaiRand log with three label columns and three tasks', async () => {
  const { page, errors } = await openApp(browser, inject('baseUrl'));
  await waitForBackend(page);
  await page.getByText(/rows · \d+ features/).waitFor({ timeout: 60_000 });
  await page.getByLabel('Backend', { exact: true }).selectOption('wasm');
  await waitForBackend(page, 90_000);

  await page.getByLabel('Data source').selectOption('csv');
  await page.getByLabel('Training CSV file').setInputFiles(KUAIRAND);
  const preview = page.getByRole('table', { name: /First rows of the training file/ });
  await preview.waitFor({ timeout: 30_000 });
  expect(await preview.locator('caption').textContent()).toMatch(/16 columns, header row detected/);
  // The header names the label columns; three of them are labels.
  await page.getByLabel('Label columns').fill('3');
  expect(await page.getByLabel('Task 3 name').inputValue()).toBe('is_like');
  expect(await preview.locator('thead th').allTextContents()).toEqual(
    expect.arrayContaining(['is_click (label)', 'long_view (label)', 'is_like (label)', 'user_id']),
  );
  await page.getByRole('button', { name: 'Load data' }).click();
  const summary = page.getByText(/rows · 13 features · tasks: is_click .*, long_view .*, is_like /);
  await summary.waitFor({ timeout: 60_000 });

  await page.getByLabel('Model', { exact: true }).selectOption('ple');
  await page.getByLabel('Epochs', { exact: true }).fill('2');
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await waitForTrainingStatus(page, /^Done after 2 epoch/);

  // Three validation AUC series (one per task) in the chart and the table.
  const aucChart = page.getByRole('img', { name: /^AUC per task: latest validation AUC: / });
  // Charts render as transitions: the last epoch's points may land just after the status line.
  await expect
    .poll(async () => (await aucChart.getAttribute('aria-label'))?.match(/at epoch 2/g)?.length, {
      timeout: 10_000,
    })
    .toBe(3);
  const label = (await aucChart.getAttribute('aria-label')) ?? '';
  const latest = [...label.matchAll(/(is_click|long_view|is_like) (\d\.\d+) at epoch 2/g)];
  expect(latest.map((m) => m[1])).toEqual(['is_click', 'long_view', 'is_like']);
  for (const m of latest) {
    expect(Number(m[2])).toBeGreaterThan(0);
    expect(Number(m[2])).toBeLessThanOrEqual(1);
  }
  expect(await aucChart.locator('.chart-line-dots').count()).toBe(3);
  const table = page.getByRole('table', { name: 'Validation AUC per epoch' });
  const headers = await table.locator('thead th').allTextContents();
  expect(headers.filter((h) => h.endsWith(' AUC'))).toEqual([
    'is_click AUC',
    'long_view AUC',
    'is_like AUC',
  ]);

  // A prediction for a test row names every task in the "<task>: yes/no (p)" wording.
  await page.getByRole('button', { name: 'Predict' }).click();
  await page
    .getByText(
      /^is_click: (yes|no) \(\d\.\d\d\) · long_view: (yes|no) \(\d\.\d\d\) · is_like: (yes|no) \(\d\.\d\d\)$/,
    )
    .waitFor({ timeout: 30_000 });

  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, 'kuairand.png'), fullPage: true });
  expect(errors).toEqual([]);
});

it('shows the line and column of a malformed cell, and of a ragged row', async () => {
  const bad = path.join(dir, 'broken.csv');
  writeFileSync(bad, 'click,like,age,score\n1,0,34,0.5\n0,1,21,1.5\n1,0,abc,2.5\n0,0,30,1\n');
  const ragged = path.join(dir, 'ragged.csv');
  writeFileSync(ragged, '1,0,3,4\n0,1,5,6\n1,1,7\n');

  const { page, errors } = await openApp(browser, inject('baseUrl'));
  await waitForBackend(page);
  await page.getByText(/rows · \d+ features/).waitFor({ timeout: 60_000 });
  await page.getByLabel('Data source').selectOption('csv');

  await page.getByLabel('Training CSV file').setInputFiles(bad);
  await page.getByRole('button', { name: 'Load data' }).click();
  const alert = page.getByRole('alert').filter({ hasText: 'broken.csv' });
  await alert.waitFor({ timeout: 30_000 });
  expect(await alert.textContent()).toMatch(/line 4, column 3/);
  expect(await alert.textContent()).toMatch(/abc/);

  await page.getByLabel('Training CSV file').setInputFiles(ragged);
  await page.getByRole('button', { name: 'Load data' }).click();
  const alert2 = page.getByRole('alert').filter({ hasText: 'ragged.csv' });
  await alert2.waitFor({ timeout: 30_000 });
  expect(await alert2.textContent()).toMatch(/line 3/);

  mkdirSync(SHOTS, { recursive: true });
  await page
    .getByRole('region', { name: '1 · Data' })
    .screenshot({ path: path.join(SHOTS, 'data-error.png') });
  expect(errors).toEqual([]);
});
