/**
 * Model lifecycle on the real page (issue 5): save → My models + downloads; batch predictions
 * with every task; the downloaded files loaded by the runner's code in Node give the page's
 * probabilities; a saved model loaded back scores identically; damaged and other-version files
 * get a clear message; the workspace (board runs, saved models) survives a reload; project
 * export → import round trip.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { generateShortVideo } from '../../src/engine/data/synthetic';
import { deserializeModel } from '../../src/engine/io/modelFile';
import { predictCsv } from '../../src/engine/io/predict';
import { useNodeBackend } from '../../src/engine/testing/nodeBackend';
import { download, launchBrowser, openApp, waitForBackend, waitForTrainingStatus } from './browser';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser({ webgpu: false });
});
afterAll(async () => {
  await browser?.close();
});

/** A CSV in the training layout (labels first, then features), no header. */
function scoringCsv(dir: string): string {
  const d = generateShortVideo({ rows: 200, seed: 7 });
  const lines: string[] = [];
  for (let r = 0; r < d.numRows; r++) {
    const cells = [
      ...d.labels.map((l) => String(l[r])),
      ...d.features.map((f) => String(f.values[r])),
    ];
    lines.push(cells.join(','));
  }
  const file = path.join(dir, 'to-score.csv');
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

/** Clicks and collects `n` downloads by file name. */
async function downloads(page: Page, n: number, click: () => Promise<void>) {
  const got: Promise<{ name: string; bytes: Buffer }>[] = [];
  const all = new Promise<void>((resolve) => {
    page.on('download', function onDl(dl) {
      got.push(
        dl.path().then((p) => ({
          name: dl.suggestedFilename(),
          bytes: readFileSync(p),
        })),
      );
      if (got.length === n) {
        page.off('download', onDl);
        resolve();
      }
    });
  });
  await click();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      void page
        .getByRole('alert')
        .allTextContents()
        .then((alerts) =>
          reject(new Error(`${n} downloads did not come; alerts: ${alerts.join(' | ')}`)),
        );
    }, 30_000);
  });
  await Promise.race([all, timeout]).finally(() => clearTimeout(timer));
  const files = await Promise.all(got);
  return new Map(files.map((f) => [f.name, f.bytes]));
}

/** Probability columns of a predictions CSV: header name → values. */
function probColumns(csv: string): Map<string, number[]> {
  const [header, ...rows] = csv.trim().split('\n');
  const names = header.split(',');
  const out = new Map<string, number[]>();
  names.forEach((name, i) => {
    if (name.endsWith('_prob'))
      out.set(
        name,
        rows.map((r) => Number(r.split(',')[i])),
      );
  });
  return out;
}

it('saves, loads, scores every task, refuses damaged files, survives a reload, round-trips a project', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lifecycle-'));
  const csvPath = scoringCsv(dir);
  const { page, errors } = await openApp(browser, inject('baseUrl'));
  await waitForBackend(page);
  await page.getByText(/rows · \d+ features/).waitFor({ timeout: 60_000 });
  await page.getByLabel('Model', { exact: true }).selectOption('mmoe');
  await page.getByLabel('Epochs', { exact: true }).fill('1');
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await waitForTrainingStatus(page, /^Done after \d+ epoch/);

  const panel = page.locator('section[aria-labelledby="models-title"]');
  const status = panel.getByRole('status');

  // Bridge to scale: the current model and settings as PaddleRec's config_bigdata.yaml.
  const yaml = await download(page, () =>
    panel.getByRole('button', { name: 'Export PaddleRec config' }).click(),
  );
  expect(yaml.name).toBe('config_bigdata.yaml');
  expect(yaml.bytes.toString('utf8')).toMatch(/^runner:$/m);
  expect(yaml.bytes.toString('utf8')).toMatch(/expert_num: 4/);

  // Save: model.json + weights.bin downloaded, and listed in My models.
  await panel.getByLabel('Model name').fill('two-task');
  const saved = await downloads(page, 2, () =>
    panel.getByRole('button', { name: 'Save model' }).click(),
  );
  const jsonText = saved.get('model.json')?.toString('utf8') ?? '';
  const weights = saved.get('weights.bin');
  expect(weights?.byteLength).toBeGreaterThan(0);
  expect(JSON.parse(jsonText)).toMatchObject({ taskNames: ['completion', 'like'] });
  await expect
    .poll(() => panel.getByRole('button', { name: 'Load two-task', exact: true }).count(), {
      timeout: 20_000,
    })
    .toBe(1);

  // Batch predictions with the trained model: every task's probability, for every row.
  await panel.getByLabel('CSV to score').setInputFiles(csvPath);
  const scoreButton = panel.getByRole('button', { name: 'Score and download CSV' });
  const sessionCsv = (await download(page, () => scoreButton.click())).bytes.toString('utf8');
  const sessionProbs = probColumns(sessionCsv);
  expect([...sessionProbs.keys()]).toEqual(['completion_prob', 'like_prob']);
  for (const values of sessionProbs.values()) {
    expect(values.length).toBe(200);
    for (const p of values) expect(p > 0 && p < 1).toBe(true);
  }

  // The downloaded files, loaded by the runner's code in Node, give the same probabilities.
  await useNodeBackend('cpu');
  const fromFiles = deserializeModel(jsonText, new Uint8Array(weights ?? []).slice().buffer);
  const nodePreds = await predictCsv(new Blob([readFileSync(csvPath)]), fromFiles);
  fromFiles.model.dispose();
  nodePreds.taskNames.forEach((task, t) => {
    const page = sessionProbs.get(`${task}_prob`) ?? [];
    for (let i = 0; i < nodePreds.rows; i++) {
      expect(Math.abs(page[i] - nodePreds.probs[t][i])).toBeLessThan(1e-4);
    }
  });

  // Load the saved model back: identical scores to the trained one.
  await panel.getByRole('button', { name: 'Load two-task', exact: true }).click();
  await expect
    .poll(() => status.textContent(), { timeout: 20_000 })
    .toMatch(/^Loaded model: two-task \(mmoe/);
  expect(await panel.getByLabel('Model to score with').inputValue()).toBe('loaded');
  const loadedCsv = (await download(page, () => scoreButton.click())).bytes.toString('utf8');
  expect(loadedCsv).toBe(sessionCsv);

  // A damaged weights file and a file from another version are refused with a clear message.
  const alert = panel.getByRole('alert');
  const damaged = Buffer.from(weights ?? []);
  damaged[10] ^= 0xff;
  writeFileSync(path.join(dir, 'model.json'), jsonText);
  writeFileSync(path.join(dir, 'weights.bin'), damaged);
  await panel.getByLabel('model.json file').setInputFiles(path.join(dir, 'model.json'));
  await panel.getByLabel('weights.bin file').setInputFiles(path.join(dir, 'weights.bin'));
  await panel.getByRole('button', { name: 'Load model files' }).click();
  await expect
    .poll(() => alert.textContent(), { timeout: 20_000 })
    .toMatch(/Damaged weights: checksum/);
  writeFileSync(
    path.join(dir, 'v99.json'),
    JSON.stringify({ ...JSON.parse(jsonText), version: 99 }),
  );
  // (A new name: a file changed on disk after it was picked can no longer be read.)
  writeFileSync(path.join(dir, 'good-weights.bin'), weights ?? Buffer.alloc(0));
  await panel.getByLabel('model.json file').setInputFiles(path.join(dir, 'v99.json'));
  await panel.getByLabel('weights.bin file').setInputFiles(path.join(dir, 'good-weights.bin'));
  await panel.getByRole('button', { name: 'Load model files' }).click();
  await expect.poll(() => alert.textContent(), { timeout: 20_000 }).toMatch(/version 99/);

  // The workspace survives a reload: the board's run and the saved model are still there.
  const board = page.locator('section[aria-labelledby="board-title"]');
  const boardText = async () => (await board.textContent()) ?? '';
  expect(await boardText()).toContain('MMoE');
  await page.reload();
  await waitForBackend(page);
  await expect.poll(boardText, { timeout: 30_000 }).toContain('MMoE');
  await expect
    .poll(() => panel.getByRole('button', { name: 'Load two-task', exact: true }).count(), {
      timeout: 30_000,
    })
    .toBe(1);

  // Project export → delete the model → import: runs and the model are back.
  const project = await download(page, () =>
    panel.getByRole('button', { name: 'Export project' }).click(),
  );
  const projectJson = JSON.parse(project.bytes.toString('utf8')) as {
    workspace: { runs: unknown[] };
    models: { entry: { name: string } }[];
  };
  expect(projectJson.workspace.runs.length).toBe(1);
  expect(projectJson.models.map((m) => m.entry.name)).toEqual(['two-task']);
  await panel.getByRole('button', { name: 'Delete two-task' }).click();
  await expect
    .poll(() => panel.getByRole('button', { name: 'Load two-task', exact: true }).count(), {
      timeout: 20_000,
    })
    .toBe(0);
  writeFileSync(path.join(dir, 'project.json'), project.bytes);
  await panel.getByLabel('Import project file').setInputFiles(path.join(dir, 'project.json'));
  await expect
    .poll(() => status.textContent(), { timeout: 20_000 })
    .toBe('Imported 1 runs and 1 models.');
  expect(await panel.getByRole('button', { name: 'Load two-task', exact: true }).count()).toBe(1);
  expect(await boardText()).toContain('MMoE');

  // Warm start when a task is added: the saved two-task model starts a three-task one.
  await panel.getByRole('button', { name: 'Load two-task', exact: true }).click();
  await expect
    .poll(() => status.textContent(), { timeout: 20_000 })
    .toMatch(/^Loaded model: two-task/);
  await page.getByLabel('Third label: share').check();
  await page.getByRole('button', { name: 'Generate data' }).click();
  await page
    .getByText(/rows · \d+ features · tasks: completion.*like.*share/)
    .waitFor({ timeout: 60_000 });
  await panel.getByLabel('Warm start mode').selectOption('embeddings+experts');
  await panel.getByRole('button', { name: 'Train with warm start' }).click();
  const report = panel.getByRole('list', { name: 'Warm start report' });
  await expect.poll(() => report.textContent(), { timeout: 30_000 }).toMatch(/Loaded \([1-9]/);
  const lines = await report.getByRole('listitem').allTextContents();
  expect(lines[0]).toMatch(/expert/);
  expect(lines[2]).toMatch(/^Skipped \([1-9]\d*\): .*tower/);
  await expect
    .poll(() => status.textContent(), { timeout: 180_000 })
    .toBe('Warm-started run (embeddings+experts) finished: compare it on the board.');
  expect(await boardText()).toContain('warm start: embeddings+experts');

  expect(errors).toEqual([]);
});

/** A headered CSV with the generator's id columns written as text (u17, v3, …). */
function categoricalCsv(dir: string): string {
  const d = generateShortVideo({ rows: 3000, seed: 11, withIds: true });
  const tokens = new Map((d.categorical ?? []).map((c) => [c.feature, c.tokens]));
  const lines = [[...d.taskNames, ...d.features.map((f) => f.name)].join(',')];
  for (let r = 0; r < d.numRows; r++) {
    const cells = d.labels.map((l) => String(l[r]));
    d.features.forEach((f, j) => {
      const tk = tokens.get(j);
      cells.push(tk ? tk[f.values[r] - 1] : String(f.values[r]));
    });
    lines.push(cells.join(','));
  }
  const file = path.join(dir, 'with-ids.csv');
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

it('categorical columns declared in the data panel are embedded, saved with their vocabulary and scored by name', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lifecycle-cat-'));
  const csvPath = categoricalCsv(dir);
  const { page, errors } = await openApp(browser, inject('baseUrl'));
  await waitForBackend(page);
  await page.getByText(/rows · \d+ features/).waitFor({ timeout: 60_000 });
  await page.getByLabel('Data source').selectOption('csv');
  page.setDefaultTimeout(30_000);
  await page.getByLabel('Training CSV file').setInputFiles(csvPath);
  const group = page.getByRole('group', { name: 'Categorical columns' });
  await group.waitFor();
  for (const name of ['user_id', 'video_id', 'author_id', 'category']) {
    await page.getByLabel(`${name} (text)`, { exact: true }).check();
  }
  await page.getByRole('button', { name: 'Load data' }).click();
  await page.getByText(/3,000 rows · 32 features/).waitFor({ timeout: 60_000 });
  await page.getByLabel('Model', { exact: true }).selectOption('mmoe');
  await page.getByLabel('Epochs', { exact: true }).fill('1');
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await waitForTrainingStatus(page, /^Done after \d+ epoch/, 90_000).catch(async (e: unknown) => {
    console.log(await page.getByRole('alert').allTextContents());
    throw e;
  });

  const panel = page.locator('section[aria-labelledby="models-title"]');
  await panel.getByLabel('Model name').fill('with-ids');
  const saved = await downloads(page, 2, () =>
    panel.getByRole('button', { name: 'Save model' }).click(),
  );
  const jsonText = saved.get('model.json')?.toString('utf8') ?? '';
  const json = JSON.parse(jsonText) as {
    vocabulary: { columns: { name: string; tokens: string[] }[] };
    modelConfig: { inputs: { categorical: { column: number; dim: number }[] } };
  };
  expect(json.vocabulary.columns.map((c) => c.name)).toEqual([
    'user_id',
    'video_id',
    'author_id',
    'category',
  ]);
  expect(json.modelConfig.inputs.categorical.map((c) => c.column)).toEqual([28, 29, 30, 31]);

  // Batch predictions read the id columns by name; Node, from the files, agrees.
  await panel.getByLabel('CSV to score').setInputFiles(csvPath);
  const csv = (
    await download(page, () =>
      panel.getByRole('button', { name: 'Score and download CSV' }).click(),
    )
  ).bytes.toString('utf8');
  const probs = probColumns(csv);
  expect([...probs.keys()]).toEqual(['completion_prob', 'like_prob']);
  await useNodeBackend('cpu');
  const weights = new Uint8Array(saved.get('weights.bin') ?? []).slice().buffer;
  const fromFiles = deserializeModel(jsonText, weights);
  const nodePreds = await predictCsv(new Blob([readFileSync(csvPath)]), fromFiles);
  fromFiles.model.dispose();
  nodePreds.taskNames.forEach((task, t) => {
    const pageProbs = probs.get(`${task}_prob`) ?? [];
    expect(pageProbs.length).toBe(3000);
    for (let i = 0; i < nodePreds.rows; i++) {
      expect(Math.abs(pageProbs[i] - nodePreds.probs[t][i])).toBeLessThan(1e-4);
    }
  });
  expect(errors).toEqual([]);
});
