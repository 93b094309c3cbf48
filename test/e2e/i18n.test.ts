/**
 * Bilingual completeness on the real page: after a short training run, a prediction, a small
 * experiment and a backend check (so the live charts, gate heatmap, epoch table, comparison
 * board, verdict, experiment results and check table are all on screen), the page is switched to
 * 中文 (then PLE's diagram and the CSV upload controls are shown too) and every
 * section's visible text, SVG text, option labels and aria-label/title/placeholder attributes are
 * collected. Any English word outside the allow-list fails the test, naming the section and the
 * text it came from — a new hard-coded English label breaks it.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { launchBrowser, openApp, waitForBackend, waitForTrainingStatus } from './browser';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser({ webgpu: false });
});
afterAll(async () => {
  await browser?.close();
});

/**
 * English that may stay in the Chinese page: model and method names, file formats, backends and
 * web APIs, metric names, units, and the names of the language switch's own options. Compared
 * case-sensitively, word by word.
 */
const ALLOWED = new Set([
  // models and methods
  'MMoE',
  'PLE',
  'CGC',
  'Share',
  'Bottom',
  'MLP',
  'Adam',
  'PaddleRec',
  'ReLU',
  // metrics
  'AUC',
  // formats, APIs, backends
  'CSV',
  'PNG',
  'JSON',
  'Markdown',
  'README',
  'WASM',
  'WebGPU',
  'WebGL',
  'CPU',
  'GPU',
  'SIMD',
  'IndexedDB',
  'worker',
  'Worker',
  'Web',
  'URL',
  'TensorFlow',
  'js',
  'tfjs',
  'model',
  'weights',
  'bin',
  // units
  'ms',
  'MB',
  'kB',
  'GB',
  // abbreviations and names used in Chinese text as they are
  'ID',
  'JS',
  'softmax',
  'sigmoid',
  'Kendall',
  // the language switch shows each language in its own script
  'English',
]);

/**
 * An allowed word, or allowed words run together (inline labels such as check boxes have no
 * space between them in innerText: "WebGPUWebGLWASM").
 */
function allowedRun(word: string): boolean {
  if (ALLOWED.has(word)) return true;
  const ok: boolean[] = [true, ...Array.from({ length: word.length }, () => false)];
  for (let end = 1; end <= word.length; end++) {
    for (let start = 0; start < end && !ok[end]; start++) {
      if (ok[start] && ALLOWED.has(word.slice(start, end))) ok[end] = true;
    }
  }
  return ok[word.length];
}

/**
 * Text that is data, not interface: task and column names of the built-in data, run ids, and the
 * file-name keywords the data panel matches literally ("val", "test").
 */
const DATA_WORDS = new Set(['like', 'completion', 'category', 'run', 'val', 'test']);

interface Found {
  section: string;
  word: string;
  context: string;
}

/** Every English word of the page outside the allow-lists, with where it was seen. */
async function englishWords(page: Page): Promise<Found[]> {
  const texts = await page.evaluate(() => {
    const out: { section: string; text: string }[] = [];
    const sectionOf = (el: Element): string => {
      const s = el.closest('section, header');
      if (s === null) return 'page';
      const h = s.querySelector('h2, h1');
      return h?.textContent ?? s.tagName.toLowerCase();
    };
    // Closed <details> hide their content from innerText: open them all.
    for (const d of Array.from(document.querySelectorAll('details'))) d.open = true;
    for (const s of Array.from(document.querySelectorAll('header, main > section, main > div'))) {
      out.push({ section: sectionOf(s), text: (s as HTMLElement).innerText });
    }
    // Alerts outside the sections, SVG text (chart axes, diagram), options of selects.
    for (const el of Array.from(document.querySelectorAll('[role="alert"], svg text, option'))) {
      out.push({ section: sectionOf(el), text: el.textContent ?? '' });
    }
    for (const el of Array.from(
      document.querySelectorAll('[aria-label], [title], [placeholder]'),
    )) {
      for (const a of ['aria-label', 'title', 'placeholder']) {
        const v = el.getAttribute(a);
        if (v !== null) out.push({ section: `${sectionOf(el)} [${a}]`, text: v });
      }
    }
    return out;
  });
  const found: Found[] = [];
  for (const { section, text } of texts) {
    // File names, paths and identifiers (user_id, log1p, run-2, task_a) are data, not words.
    const scrubbed = text
      .replace(/[\w.-]+\.(png|csv|json|md|yaml|bin)\b/g, ' ')
      .replace(/\S*[/_]\S*/g, ' ')
      .replace(/\b\w*\d\w*\b/g, ' ');
    for (const m of scrubbed.matchAll(/[A-Za-z][A-Za-z'’-]*[A-Za-z]/g)) {
      const word = m[0];
      const parts = word.split(/[-'’]/);
      if (parts.every((p) => p.length < 2 || allowedRun(p) || DATA_WORDS.has(p))) continue;
      const at = m.index ?? 0;
      found.push({ section, word, context: scrubbed.slice(Math.max(0, at - 30), at + 40) });
    }
  }
  return found;
}

it('the Chinese page has no English words outside the allow-list', async () => {
  const baseUrl = inject('baseUrl');
  const { page, errors } = await openApp(browser, baseUrl);
  await waitForBackend(page);
  await expect
    .poll(() => page.getByText(/rows · \d+ features/).count(), { timeout: 60_000 })
    .toBe(1);

  // Fill the page: a short MMoE run (live charts, gates, epoch table, board), a prediction.
  await page.getByLabel('Model', { exact: true }).selectOption('mmoe');
  await page.getByLabel('Epochs', { exact: true }).fill('1');
  await page.getByLabel('Batch size', { exact: true }).fill('256');
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await waitForTrainingStatus(page, /^Done after \d+ epoch/);
  const predict = page.getByRole('region', { name: 'Predict' });
  await predict.getByRole('button', { name: 'Predict', exact: true }).click();
  await expect
    .poll(async () => /\(\d\.\d\d\)/.test(await predict.innerText()), { timeout: 30_000 })
    .toBe(true);

  // A tiny correlation experiment with the baseline: results table, chart and gain chart.
  const panel = page.getByRole('region', { name: '6 · Classroom experiments' });
  await panel.getByLabel('Experiment', { exact: true }).selectOption('correlation');
  await panel.getByLabel('Epochs per run', { exact: true }).fill('1');
  await panel.getByLabel('Task correlations ρ', { exact: true }).fill('1');
  await panel.getByLabel('Include single-task baseline', { exact: true }).check();
  await panel.getByLabel('Generated rows', { exact: true }).fill('400');
  await panel.getByRole('button', { name: 'Run experiment', exact: true }).click();
  await expect
    .poll(() => panel.getByText('Experiment finished: 4 runs.').count(), { timeout: 180_000 })
    .toBe(1);
  // The results view is loaded on demand: wait for its table before reading the page.
  await panel.getByRole('table', { name: /Task correlation/ }).waitFor({ timeout: 30_000 });

  // The backend check's result table (WASM against CPU only, to keep it short).
  const check = page.getByRole('region', { name: 'Backend check' });
  await check.getByLabel('WebGPU').uncheck();
  await check.getByLabel('WebGL').uncheck();
  await check.getByRole('button', { name: 'Check backends' }).click();
  await expect
    .poll(() => check.getByRole('status').textContent(), { timeout: 180_000, interval: 1000 })
    .toMatch(/^Backend check (passed|failed)/);

  // The English page does contain English (the check below can see it).
  const english = await englishWords(page);
  expect(english.length).toBeGreaterThan(100);

  await page.getByLabel('Language', { exact: true }).selectOption('zh');
  await expect.poll(() => page.getByRole('heading', { name: '6 · 课堂实验' }).count()).toBe(1);
  const left = await englishWords(page);
  // PLE's diagram (shared and private experts, levels) and its description too.
  await page.getByLabel('模型', { exact: true }).selectOption('ple');
  await expect.poll(() => page.getByRole('heading', { name: 'PLE 结构' }).count()).toBe(1);
  left.push(...(await englishWords(page)));
  // The CSV upload controls of the data panel.
  await page.getByLabel('数据来源', { exact: true }).selectOption('csv');
  left.push(...(await englishWords(page)));
  const report = [...new Set(left.map((f) => `${f.section}: "${f.word}" in …${f.context}…`))];
  if (report.length > 0) console.log(report.join('\n'));
  expect(report).toEqual([]);
  expect(errors).toEqual([]);
});
