/**
 * Classroom experiments from the page: a tiny experts × gate-layers sweep on built-in data runs
 * end to end in the worker and ends in a table and a chart (saved as PNG); the setup round-trips
 * through the page URL (a garbled link falls back with a notice); the language switch and
 * presentation mode work; the task-correlation experiment with its seesaw view; and the
 * "Reproduce the tutorial" preset on real uploaded video rows.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { countParameters } from '../../src/engine/experiments/params';
import { resolvePreset } from '../../src/engine/models/presets';
import { download, launchBrowser, openApp, waitForBackend } from './browser';
import { videoValHead } from '../sharedData';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser({ webgpu: false });
});
let dir: string | undefined;
afterAll(async () => {
  await browser?.close();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

const SCREENSHOT = path.resolve(
  import.meta.dirname,
  '../../docs/screenshots/experiments-sweep.png',
);
const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47]);

it('runs a small sweep and shows the table and chart; the setup is in the URL', async () => {
  const baseUrl = inject('baseUrl');
  const { page, errors } = await openApp(browser, baseUrl);
  await waitForBackend(page);
  await expect
    .poll(() => page.getByText(/rows · \d+ features/).count(), { timeout: 60_000 })
    .toBe(1);

  const panel = page.getByRole('region', { name: '6 · Classroom experiments' });
  await panel.getByLabel('Experiment', { exact: true }).selectOption('sweep');
  await panel.getByLabel('Seeds', { exact: true }).fill('1');
  await panel.getByLabel('Epochs per run', { exact: true }).fill('1');
  await panel.getByLabel('Numbers of experts', { exact: true }).fill('1, 2');
  await panel.getByLabel('Gate hidden layers', { exact: true }).fill('0');
  await panel.getByLabel('Generated rows', { exact: true }).fill('600');
  await panel.getByRole('button', { name: 'Run experiment', exact: true }).click();

  await expect
    .poll(() => panel.getByText('Experiment finished: 2 runs.').count(), { timeout: 180_000 })
    .toBe(1);

  // The table: one row per grid cell, a finite test AUC per task.
  const table = panel.getByRole('table', { name: /sweep: test AUC/ });
  const rows = table.locator('tbody tr');
  await expect.poll(() => rows.count()).toBe(2);
  const cells = await rows.nth(1).locator('td').allTextContents();
  expect(cells[0]).toBe('MMoE');
  expect(cells[1]).toBe('2 experts · 0 gate layers');
  const aucs = cells.slice(-2).map(Number);
  for (const a of aucs) expect(a).toBeGreaterThan(0.3);

  // The chart: one line (one gate depth) over the two expert counts.
  const chart = panel.getByRole('figure', { name: 'Test AUC against the number of experts' });
  await expect.poll(() => chart.locator('.recharts-line').count()).toBe(1);
  await expect.poll(() => chart.locator('.recharts-line-dot, .recharts-dot').count()).toBe(2);

  mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
  await panel.screenshot({ path: SCREENSHOT });

  // Both save as PNG.
  const tablePng = await download(page, () =>
    panel.getByRole('button', { name: 'Save as PNG (experiment table)' }).click(),
  );
  expect(tablePng.bytes.subarray(0, 4).equals(PNG_MAGIC)).toBe(true);
  const chartPng = await download(page, () =>
    chart.getByRole('button', { name: 'Save as PNG (experiment chart)' }).click(),
  );
  expect(chartPng.bytes.subarray(0, 4).equals(PNG_MAGIC)).toBe(true);

  // The URL holds the setup: a fresh page from the link shows the same controls.
  const url = page.url();
  expect(url).toContain('#exp=');
  await page.goto('about:blank');
  await page.goto(url);
  await waitForBackend(page);
  const again = page.getByRole('region', { name: '6 · Classroom experiments' });
  expect(await again.getByLabel('Experiment', { exact: true }).inputValue()).toBe('sweep');
  expect(await again.getByLabel('Numbers of experts', { exact: true }).inputValue()).toBe('1, 2');
  expect(await again.getByLabel('Generated rows', { exact: true }).inputValue()).toBe('600');

  // A garbled link: defaults with a notice.
  await page.goto('about:blank');
  await page.goto(`${baseUrl}#exp=%7Bnot-json`);
  await waitForBackend(page);
  await expect.poll(() => page.getByText(/could not be read/).count()).toBe(1);
  const fresh = page.getByRole('region', { name: '6 · Classroom experiments' });
  expect(await fresh.getByLabel('Experiment', { exact: true }).inputValue()).toBe('tutorial');

  // 中文 / English and presentation mode.
  await page.getByLabel('Language', { exact: true }).selectOption('zh');
  await expect.poll(() => page.getByRole('heading', { name: '6 · 课堂实验' }).count()).toBe(1);
  // The playground's own panels switch too.
  expect(await page.getByRole('heading', { name: '3 · 训练' }).count()).toBe(1);
  expect(await page.getByRole('button', { name: '训练', exact: true }).count()).toBe(1);
  expect(await page.getByText(/^后端：/).count()).toBe(1);
  await page.getByLabel('语言', { exact: true }).selectOption('en');
  await expect
    .poll(() => page.getByRole('heading', { name: '6 · Classroom experiments' }).count())
    .toBe(1);
  const present = page.getByRole('button', { name: 'Presentation mode' });
  await present.click();
  expect(await present.getAttribute('aria-pressed')).toBe('true');
  expect(
    await page.evaluate(() => document.documentElement.classList.contains('presentation')),
  ).toBe(true);

  expect(errors).toEqual([]);
});

it('task correlation with the single-task baseline: log loss (default) and AUC against ρ, the seesaw gains', async () => {
  const baseUrl = inject('baseUrl');
  const { page, errors } = await openApp(browser, baseUrl);
  await waitForBackend(page);
  const panel = page.getByRole('region', { name: '6 · Classroom experiments' });
  await panel.getByLabel('Experiment', { exact: true }).selectOption('correlation');
  // Equal parameters is part of the experiment: no switch, a target field instead.
  expect(await panel.getByLabel('Equal parameters', { exact: true }).count()).toBe(0);
  await panel.getByLabel('Epochs per run', { exact: true }).fill('1');
  await panel.getByLabel('Task correlations ρ', { exact: true }).fill('1, 0');
  await panel.getByLabel('Include single-task baseline', { exact: true }).check();
  await panel.getByLabel('Generated rows', { exact: true }).fill('600');
  await panel.getByRole('button', { name: 'Run experiment', exact: true }).click();
  await expect
    .poll(() => panel.getByText('Experiment finished: 8 runs.').count(), { timeout: 180_000 })
    .toBe(1);

  // 4 models × 2 correlations; the three multi-task models share one parameter count (±5 %).
  const rows = panel.getByRole('table', { name: /Task correlation.*test AUC/ }).locator('tbody tr');
  await expect.poll(() => rows.count()).toBe(8);
  const counts = new Map<string, number>();
  for (let i = 0; i < 8; i++) {
    const cells = await rows.nth(i).locator('td').allTextContents();
    counts.set(cells[0], Number(cells[2].replace(/,/g, '')));
  }
  const shared = ['Share-Bottom', 'MMoE', 'PLE'].map((m) => counts.get(m) ?? NaN);
  const mid = shared[0];
  for (const c of shared) expect(Math.abs(c - mid) / mid).toBeLessThanOrEqual(0.1);

  // Log loss by default (the paper's measure); AUC one choice away.
  const chart = panel.getByRole('figure', { name: 'Test log loss against task correlation' });
  await expect.poll(() => chart.locator('.recharts-line').count()).toBe(4);
  const lossPng = await download(page, () =>
    chart.getByRole('button', { name: 'Save as PNG (experiment chart)' }).click(),
  );
  expect(lossPng.bytes.subarray(0, 4).equals(PNG_MAGIC)).toBe(true);
  await chart.getByLabel('Plot', { exact: true }).selectOption('auc');
  const aucChart = panel.getByRole('figure', { name: 'Test AUC against task correlation' });
  await expect.poll(() => aucChart.locator('.recharts-line').count()).toBe(4);
  const gains = panel.getByRole('figure', { name: 'Gain against single-task (seesaw)' });
  // One bar per task for each of the 3 shared models × 2 correlations.
  await expect.poll(() => gains.locator('.recharts-bar-rectangle').count()).toBe(12);
  const gainsPng = await download(page, () =>
    gains.getByRole('button', { name: /^Save as PNG/ }).click(),
  );
  expect(gainsPng.bytes.subarray(0, 4).equals(PNG_MAGIC)).toBe(true);
  expect(errors).toEqual([]);
});

/** The first `rows` lines of the real (gunzipped) video validation file, as a CSV to upload. */
function videoHead(rows: number): string {
  dir = mkdtempSync(path.join(tmpdir(), 'mtl-e2e-tutorial-'));
  const file = path.join(dir, `video-val-first-${rows}.csv`);
  writeFileSync(file, videoValHead(rows));
  return file;
}

it('reproduces the tutorial on 1,500 uploaded video rows: four runs, table beside the published numbers, PNG; then at equal parameters with uncertainty weighting', async () => {
  const baseUrl = inject('baseUrl');
  const { page, errors } = await openApp(browser, baseUrl);
  await waitForBackend(page);
  await expect
    .poll(() => page.getByText(/rows · \d+ features/).count(), { timeout: 60_000 })
    .toBe(1);

  // Upload 1,500 real rows with a 20/20 validation/test split (300 test rows).
  await page.getByLabel('Data source').selectOption('csv');
  await page.getByLabel('Training CSV file').setInputFiles(videoHead(1500));
  const preview = page.getByRole('table', { name: /First rows of the training file/ });
  await expect.poll(() => preview.count(), { timeout: 30_000 }).toBe(1);
  await page.getByLabel('Validation share (%)').fill('20');
  await page.getByLabel('Test share (%)').fill('20');
  await page.getByRole('button', { name: 'Load data' }).click();
  await page
    .getByText(/rows · 499 features · tasks: completion .*, like /)
    .waitFor({ timeout: 90_000 });

  // The preset: the tutorial's batch 32 and Adam 0.001; one epoch keeps the test short.
  const panel = page.getByRole('region', { name: '6 · Classroom experiments' });
  await panel.getByLabel('Experiment', { exact: true }).selectOption('tutorial');
  expect(await panel.getByLabel('Batch size (experiments)').inputValue()).toBe('32');
  expect(Number(await panel.getByLabel('Learning rate (experiments)').inputValue())).toBe(0.001);
  await panel.getByLabel('Seeds', { exact: true }).fill('1');
  await panel.getByLabel('Epochs per run', { exact: true }).fill('1');
  // Every text the status line shows while the plan runs (runs can be over in a second).
  await page.evaluate(() => {
    const w = window as unknown as { __statuses: string[] };
    w.__statuses = [];
    const el = document.querySelector('.experiment-status');
    if (el === null) throw new Error('no experiment status line');
    new MutationObserver(() => w.__statuses.push(el.textContent ?? '')).observe(el, {
      childList: true,
      characterData: true,
      subtree: true,
    });
  });
  await panel.getByRole('button', { name: 'Run experiment', exact: true }).click();

  await expect
    .poll(() => panel.getByText('Experiment finished: 4 runs.').count(), { timeout: 240_000 })
    .toBe(1);

  // Queued in the tutorial's order, each run announced with its parameter count.
  const statuses = await page.evaluate(
    () => (window as unknown as { __statuses: string[] }).__statuses,
  );
  expect(
    ['Single-task', 'Share-Bottom', 'MMoE', 'PLE'].map((m, i) =>
      statuses.some((x) => x.startsWith(`Run ${i + 1} of 4: ${m} · seed 1 · `)),
    ),
  ).toEqual([true, true, true, true]);

  // The table: one row per model with a finite test AUC per task, the published numbers beside.
  const table = panel.getByRole('table', { name: /Reproduce the tutorial: test AUC/ });
  // The results view is loaded on demand (it brings recharts): wait for it.
  await table.waitFor({ timeout: 30_000 });
  const headers = await table.locator('thead th').allTextContents();
  const col = (h: string) => headers.indexOf(h);
  for (const h of [
    'Model',
    'Parameters',
    'completion test AUC',
    'like test AUC',
    'completion published',
    'like published',
  ]) {
    expect(col(h)).toBeGreaterThanOrEqual(0);
  }
  const rows = table.locator('tbody tr');
  await expect.poll(() => rows.count()).toBe(4);
  const byModel = new Map<string, string[]>();
  for (let i = 0; i < 4; i++) {
    const cells = await rows.nth(i).locator('td').allTextContents();
    byModel.set(cells[0], cells);
  }
  expect([...byModel.keys()]).toEqual(['Single-task', 'Share-Bottom', 'MMoE', 'PLE']);
  for (const cells of byModel.values()) {
    for (const h of ['completion test AUC', 'like test AUC']) {
      const auc = Number(cells[col(h)]);
      expect(auc).toBeGreaterThan(0);
      expect(auc).toBeLessThanOrEqual(1);
    }
  }
  // Published: like / completion 0.946 / 0.993, 0.957 / 0.994, 0.966 / 0.997; none for single-task.
  const published = (m: string) =>
    [col('like published'), col('completion published')].map((c) => byModel.get(m)?.[c]);
  expect(published('Single-task')).toEqual(['—', '—']);
  expect(published('Share-Bottom')).toEqual(['0.946', '0.993']);
  expect(published('MMoE')).toEqual(['0.957', '0.994']);
  expect(published('PLE')).toEqual(['0.966', '0.997']);
  // The tutorial's settings: PaddleRec's presets (not equal parameters) on 499 features, 2 tasks.
  const params = (m: string) => Number(byModel.get(m)?.[col('Parameters')].replace(/,/g, ''));
  const labels: Record<string, string> = {
    single_task: 'Single-task',
    share_bottom: 'Share-Bottom',
    mmoe: 'MMoE',
    ple: 'PLE',
  };
  for (const [name, label] of Object.entries(labels)) {
    expect(params(label)).toBe(countParameters(resolvePreset(name, 499, 2).model));
  }

  // The chart (ours and published bars) and the table save as PNG.
  const chart = panel.getByRole('figure', { name: 'Test AUC per model, ours and published' });
  await expect.poll(() => chart.locator('.recharts-bar-rectangle').count()).toBeGreaterThan(0);
  const tablePng = await download(page, () =>
    panel.getByRole('button', { name: 'Save as PNG (experiment table)' }).click(),
  );
  expect(tablePng.bytes.subarray(0, 4).equals(PNG_MAGIC)).toBe(true);
  const chartPng = await download(page, () =>
    chart.getByRole('button', { name: 'Save as PNG (experiment chart)' }).click(),
  );
  expect(chartPng.bytes.subarray(0, 4).equals(PNG_MAGIC)).toBe(true);

  // Again with Equal parameters (a target of 60,000) and learned uncertainty weighting: the four
  // counts land within ±5 % of the target and every run still ends with a test AUC per task.
  await panel.getByLabel('Equal parameters', { exact: true }).check();
  await panel.getByLabel('Parameter target', { exact: true }).fill('60000');
  await panel.getByLabel('Task weighting', { exact: true }).selectOption('uncertainty');
  await panel.getByRole('button', { name: 'Run experiment', exact: true }).click();
  // The previous outcome is cleared when the new experiment starts.
  await expect.poll(() => rows.count()).toBe(0);
  await expect
    .poll(() => panel.getByText('Experiment finished: 4 runs.').count(), { timeout: 240_000 })
    .toBe(1);
  await expect.poll(() => rows.count()).toBe(4);
  for (let i = 0; i < 4; i++) {
    const cells = await rows.nth(i).locator('td').allTextContents();
    const count = Number(cells[col('Parameters')].replace(/,/g, ''));
    expect(Math.abs(count - 60_000) / 60_000).toBeLessThanOrEqual(0.05);
    for (const h of ['completion test AUC', 'like test AUC']) {
      expect(Number(cells[col(h)])).toBeGreaterThan(0);
    }
  }
  expect(errors).toEqual([]);
});
