/**
 * (i) Upload the real video validation file (gunzipped here) as training data with a split,
 *     train MMoE one epoch: train and validation AUC appear for both tasks, the gate heatmap is
 *     drawn, a comparison-board row appears, "Save as PNG" and the board's CSV export download
 *     real files; a test row is predicted with a plain verdict.
 * (iv) While training, the main thread has no task over 50 ms (PerformanceObserver 'longtask',
 *      from the Train click to "Done"); uploading and parsing (in the worker) never freeze it.
 * Dropping files on the page: real bytes of the video file in a DataTransfer, dropped on the data
 * panel (the page is the drop target), load, preview and train; a dropped malformed file shows
 * its line and column.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import {
  download,
  launchBrowser,
  openApp,
  expectLongTaskBudget,
  FREEZE_GUARD_MS,
  readLongTasks,
  startLongTaskObserver,
  waitForBackend,
  waitForTrainingStatus,
  writeLongTaskReport,
} from './browser';
import { videoValBytes, videoValHead } from '../sharedData';

const SHOTS = path.resolve(import.meta.dirname, '../../docs/screenshots');
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

let browser: Browser;
let dir: string;
let csvPath: string;
beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'mtl-e2e-'));
  csvPath = path.join(dir, 'val.csv');
  writeFileSync(csvPath, videoValBytes());
  browser = await launchBrowser({ webgpu: false });
});
afterAll(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it('uploads the video file, trains MMoE one epoch with live AUC, gates, board, exports and predictions', async () => {
  const { page, errors } = await openApp(browser, inject('baseUrl'));
  await waitForBackend(page);
  await expect
    .poll(() => page.getByText(/rows · \d+ features/).count(), { timeout: 60_000 })
    .toBe(1);

  // WASM: the fastest backend on a machine without a GPU (auto may pick software WebGL).
  await page.getByLabel('Backend', { exact: true }).selectOption('wasm');
  await waitForBackend(page, 90_000);
  await page.getByLabel('Data source').selectOption('csv');
  // Reading, previewing and parsing the file happen in the worker: the page stays free.
  await startLongTaskObserver(page);
  await page.getByLabel('Training CSV file').setInputFiles(csvPath);
  // The preview shows the detected columns: 501, no header, the first two marked as labels.
  const preview = page.getByRole('table', { name: /First rows of the training file/ });
  await expect.poll(() => preview.count(), { timeout: 30_000 }).toBe(1);
  expect(await preview.locator('caption').textContent()).toMatch(/501 columns, no header row/);
  await page.getByLabel('Validation share (%)').fill('10');
  await page.getByLabel('Test share (%)').fill('10');
  await page.getByRole('button', { name: 'Load data' }).click();
  const dataStatus = page.getByText(/rows · 499 features · tasks: completion .*, like /);
  try {
    await dataStatus.waitFor({ timeout: 90_000 });
  } catch (e) {
    console.log('[e2e] statuses:', await page.getByRole('status').allTextContents());
    console.log('[e2e] alerts:', await page.getByRole('alert').allTextContents());
    throw e;
  }
  // Every row of the file, 10 % / 10 % held out.
  const n = videoValBytes().toString('latin1').trim().split('\n').length;
  const nHeld = Math.round(n * 0.1);
  const fmt = (v: number) => v.toLocaleString('en-US');
  const parseTasks = await readLongTasks(page);
  console.log(
    `[e2e] main-thread long tasks while uploading and parsing: ${parseTasks.length}, max ${Math.max(0, ...parseTasks).toFixed(0)} ms`,
  );
  writeLongTaskReport('upload-parse', parseTasks);
  // Parsing is the worker's: the page only shows the preview and the status, so only the freeze
  // guard (a task of seconds would mean parsing on the main thread); the 50 ms target is training's.
  expectLongTaskBudget(parseTasks, FREEZE_GUARD_MS);
  const statusText = (await dataStatus.textContent()) ?? '';
  expect(statusText).toContain(`${fmt(n)} rows · 499 features`);
  expect(statusText).toContain(`split ${fmt(n - 2 * nHeld)} / ${fmt(nHeld)} / ${fmt(nHeld)}`);

  await page.getByLabel('Model', { exact: true }).selectOption('mmoe');
  await page.getByLabel('Epochs', { exact: true }).fill('1');
  await page.getByLabel('Batch size', { exact: true }).fill('256');
  // The parameter count comes from the worker (describeModel) for the loaded data's 499 features.
  await expect
    .poll(() => page.getByText(/^Parameters: [\d,]+$/).count(), { timeout: 30_000 })
    .toBeGreaterThan(0);

  await startLongTaskObserver(page);
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await waitForTrainingStatus(page, /^Done after 1 epoch/);
  const longTasks = await readLongTasks(page);
  const maxLongTask = Math.max(0, ...longTasks);
  console.log(
    `[e2e] main-thread long tasks while training MMoE on the upload: ${longTasks.length}, max ${maxLongTask.toFixed(0)} ms`,
  );
  writeLongTaskReport('upload-mmoe-1-epoch', longTasks);
  expectLongTaskBudget(longTasks);

  // Streaming train AUC (dashed) and validation AUC (dots) for both tasks.
  const aucChart = page.getByRole('img', { name: /^AUC per task: latest validation AUC: / });
  // Charts render as transitions: the epoch's points may land just after the status line.
  await expect
    .poll(async () => (await aucChart.getAttribute('aria-label'))?.match(/at epoch 1/g)?.length, {
      timeout: 10_000,
    })
    .toBe(2);
  const label = (await aucChart.getAttribute('aria-label')) ?? '';
  const valAucs = [...label.matchAll(/(completion|like) (0\.\d+) at epoch 1/g)];
  expect(valAucs.map((m) => m[1])).toEqual(['completion', 'like']);
  for (const m of valAucs) expect(Number(m[2])).toBeGreaterThan(0.6);
  const trainCurves = aucChart.locator('path.chart-line[stroke-dasharray="5 4"]');
  expect(await trainCurves.count()).toBe(2);
  for (const d of await trainCurves.evaluateAll((els) => els.map((e) => e.getAttribute('d') ?? '')))
    expect(d.split(/[LC]/).length).toBeGreaterThan(3);
  expect(await aucChart.locator('.chart-line-dots circle').count()).toBe(2);
  // Hovering the plot's right end (epoch 1) reads out both tasks' validation AUC there.
  const box = await aucChart.boundingBox();
  if (box === null) throw new Error('The AUC chart is not laid out.');
  await page.mouse.move(box.x + box.width - 26, box.y + box.height / 2);
  const tip = aucChart.locator('.chart-tip');
  await tip.waitFor({ timeout: 5_000 });
  const tipText = (await tip.textContent()) ?? '';
  expect(tipText).toMatch(/^epoch 1/);
  expect(tipText).toMatch(/completion validation: 0\.\d{4}/);
  expect(tipText).toMatch(/like validation: 0\.\d{4}/);
  await page.mouse.move(0, 0);
  await expect.poll(() => tip.count()).toBe(0);

  // The gate heatmap has weights (not the empty placeholder).
  const heat = page.getByRole('img', {
    name: /^Gate weights \(tasks × experts\): 2 gates × 4 experts/,
  });
  expect(await heat.count()).toBe(1);
  expect(await heat.getAttribute('aria-label')).not.toMatch(/no weights yet/);

  // One comparison-board row for this run.
  const board = page.locator('table.board');
  expect(await board.locator('tbody tr').count()).toBe(1);
  expect(await board.locator('tbody tr').first().textContent()).toMatch(/MMoE/);

  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, 'playground-training.png'), fullPage: true });

  // Save as PNG (the gate heatmap) and the board's CSV.
  const png = await download(page, () =>
    page.getByRole('button', { name: 'Save as PNG (gate heatmap)' }).click(),
  );
  expect(png.name).toMatch(/\.png$/);
  expect(png.bytes.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  const csv = await download(page, () => page.getByRole('button', { name: 'Export CSV' }).click());
  const lines = csv.bytes.toString('utf8').trim().split(/\r?\n/);
  expect(lines.length).toBe(2);
  expect(lines[0]).toMatch(/completion/);
  expect(lines[0]).toMatch(/like/);
  expect(lines[1]).toMatch(/MMoE/);

  await page.getByRole('heading', { name: '5 · Comparison board' }).scrollIntoViewIfNeeded();
  await page
    .locator('section', { has: page.getByRole('heading', { name: '5 · Comparison board' }) })
    .screenshot({
      path: path.join(SHOTS, 'playground-board.png'),
    });

  // Predict a test row: probabilities with plain verdicts for both video tasks.
  await page.getByLabel('Test row number').fill('3');
  await page.getByRole('button', { name: 'Predict' }).click();
  const verdict = page.getByText(
    /(will|will not) finish the video \(\d\.\d\d\) · (will|will not) like it \(\d\.\d\d\)/,
  );
  await verdict.waitFor({ timeout: 30_000 });
  expect(await page.getByText(/True labels: completion = [01], like = [01]/).count()).toBe(1);

  expect(errors).toEqual([]);
});

/**
 * Drops `files` on `target` as a user's drag from the file manager would: dragenter, dragover and
 * drop with a DataTransfer holding real File objects built in the page from these bytes.
 */
async function dropFiles(page: Page, target: Locator, files: { name: string; text: string }[]) {
  const dataTransfer = await page.evaluateHandle((list) => {
    const dt = new DataTransfer();
    for (const f of list) dt.items.add(new File([f.text], f.name, { type: 'text/csv' }));
    return dt;
  }, files);
  for (const type of ['dragenter', 'dragover', 'drop']) {
    await target.dispatchEvent(type, { dataTransfer });
  }
  await dataTransfer.dispose();
}

it('drop on the page: a dropped CSV is previewed, loaded and trained; a dropped malformed file shows line and column', async () => {
  const { page, errors } = await openApp(browser, inject('baseUrl'));
  await waitForBackend(page);
  await page.getByText(/rows · \d+ features/).waitFor({ timeout: 60_000 });
  // Built-in data is selected: the drop itself switches the source to CSV files.
  expect(await page.getByLabel('Data source').inputValue()).not.toBe('csv');

  // The first 3,000 rows of the real video validation file.
  const text = videoValHead(3000);
  const dataPanel = page.getByRole('region', { name: '1 · Data' });
  await dropFiles(page, dataPanel, [{ name: 'dropped-video.csv', text }]);

  expect(await page.getByLabel('Data source').inputValue()).toBe('csv');
  expect(await dataPanel.getByText('dropped-video.csv', { exact: true }).count()).toBe(1);
  const preview = page.getByRole('table', { name: /First rows of the training file/ });
  await expect.poll(() => preview.count(), { timeout: 30_000 }).toBe(1);
  expect(await preview.locator('caption').textContent()).toMatch(/501 columns, no header row/);
  // The preview shows the file's own first row: its two labels and first feature value.
  const first = text.split('\n')[0].split(',');
  const cells = await preview.locator('tbody tr').first().locator('td').allTextContents();
  expect(cells.slice(0, 2).map(Number)).toEqual(first.slice(0, 2).map(Number));

  await page.getByLabel('Validation share (%)').fill('20');
  await page.getByLabel('Test share (%)').fill('10');
  await page.getByRole('button', { name: 'Load data' }).click();
  const fmt = (v: number) => v.toLocaleString('en-US');
  const dataStatus = page.getByText(/rows · 499 features · tasks: completion .*, like /);
  await dataStatus.waitFor({ timeout: 60_000 });
  expect(await dataStatus.textContent()).toContain(`${fmt(3000)} rows · 499 features`);
  expect(await dataStatus.textContent()).toContain(
    `split ${fmt(2100)} / ${fmt(600)} / ${fmt(300)}`,
  );

  await page.getByLabel('Backend', { exact: true }).selectOption('wasm');
  await waitForBackend(page, 90_000);
  await page.getByLabel('Model', { exact: true }).selectOption('mmoe');
  await page.getByLabel('Epochs', { exact: true }).fill('1');
  await page.getByLabel('Batch size', { exact: true }).fill('128');
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await waitForTrainingStatus(page, /^Done after 1 epoch/);
  const aucChart = page.getByRole('img', { name: /^AUC per task: latest validation AUC: / });
  await expect
    .poll(async () => (await aucChart.getAttribute('aria-label'))?.match(/at epoch 1/g)?.length, {
      timeout: 10_000,
    })
    .toBe(2);
  expect(await page.locator('table.board tbody tr').count()).toBe(1);

  // A malformed file dropped next: the third row's third cell is not a number.
  await dropFiles(page, dataPanel, [
    { name: 'broken-drop.csv', text: '1,0,0.5,2\n0,1,0.25,3\n1,1,abc,4\n0,0,0.75,5\n' },
  ]);
  await dataPanel.getByText('broken-drop.csv', { exact: true }).waitFor({ timeout: 10_000 });
  await page.getByRole('button', { name: 'Load data' }).click();
  const alert = page.getByRole('alert').filter({ hasText: 'broken-drop.csv' });
  await alert.waitFor({ timeout: 30_000 });
  expect(await alert.textContent()).toMatch(/line 3, column 3/);
  expect(await alert.textContent()).toMatch(/abc/);
  expect(errors).toEqual([]);
});
