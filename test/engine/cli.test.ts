/**
 * The headless runner end to end, in-process (main(argv) → exit code), on slices of the real
 * video data written to a temp dir (train/test gzipped, val plain), plus one real process spawn.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError, parseCliArgs } from '../../src/cli/args';
import type { TrainArgs } from '../../src/cli/args';
import { main } from '../../src/cli/main';
import type { CliIO } from '../../src/cli/progress';
import { resolveSettings } from '../../src/cli/train';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const videoDir = path.resolve(repoRoot, '../shared/data/video');
const SLICE = 2000;

let tmp: string;
let dataDir: string;

/** First `n` lines of a gzipped file. */
async function headLines(file: string, n: number): Promise<string[]> {
  const input = fs.createReadStream(file).pipe(zlib.createGunzip());
  const rl = readline.createInterface({ input, crlfDelay: Infinity });
  const lines: string[] = [];
  for await (const line of rl) {
    lines.push(line);
    if (lines.length >= n) break;
  }
  rl.close();
  input.destroy();
  return lines;
}

function capture(): CliIO & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    out: () => out,
    err: () => err,
  };
}

function readJson<T>(file: string): T {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
}

/** Rows of a predictions CSV as numbers (header dropped). */
function predictionRows(file: string): { header: string; rows: number[][] } {
  const [header, ...lines] = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
  return { header, rows: lines.map((l) => l.split(',').map(Number)) };
}

interface TaskResult {
  auc: number;
  logloss: number;
}
interface Summary {
  model: string;
  preset: string | null;
  bestEpoch: number;
  epochsRun: number;
  parameterCount: number;
  trainConfig: { batchSize: number; learningRate: number; epochs: number };
  test: Record<string, TaskResult>;
  rows: { train: number; val: number; test: number };
  samplesPerSec: number;
  backend: string;
  seed: number;
}

let testLabels: number[][]; // [row][task] of the test slice, in file order

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mtl-cli-'));
  dataDir = path.join(tmp, 'video');
  fs.mkdirSync(dataDir);
  const [train, val, test] = await Promise.all(
    ['train', 'val', 'test'].map((s) => headLines(path.join(videoDir, `${s}.csv.gz`), SLICE)),
  );
  fs.writeFileSync(path.join(dataDir, 'train.csv.gz'), zlib.gzipSync(train.join('\n') + '\n'));
  fs.writeFileSync(path.join(dataDir, 'val.csv'), val.join('\n') + '\n');
  fs.writeFileSync(path.join(dataDir, 'test.csv.gz'), zlib.gzipSync(test.join('\n') + '\n'));
  testLabels = test.map((l) => l.split(',', 2).map(Number));
});

afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('argument parsing', () => {
  it('reads train flags and applies defaults', () => {
    const a = parseCliArgs([
      'train',
      '--data',
      'd',
      '--preset',
      'mmoe',
      '--epochs',
      '3',
      '--lr',
      '0.01',
    ]);
    expect(a).toMatchObject({
      command: 'train',
      data: 'd',
      preset: 'mmoe',
      epochs: 3,
      lr: 0.01,
      seed: 1,
      scaling: 'standard',
      backend: 'wasm',
    });
  });

  it('rejects bad command lines with a reason', () => {
    expect(() => parseCliArgs(['train', '--data', 'd'])).toThrow(/--model NAME or --preset NAME/);
    expect(() => parseCliArgs(['train', '--data', 'd', '--model', 'xgb'])).toThrow(
      /--model must be one of/,
    );
    expect(() =>
      parseCliArgs(['train', '--data', 'd', '--model', 'mmoe', '--epochs', '0']),
    ).toThrow(/--epochs must be an integer ≥ 1/);
    expect(() => parseCliArgs(['train', '--data', 'd', '--model', 'mmoe', '--bogus'])).toThrow(
      UsageError,
    );
    expect(() =>
      parseCliArgs([
        'train',
        '--data',
        'd',
        '--model',
        'mmoe',
        '--val-fraction',
        '0.6',
        '--test-fraction',
        '0.5',
      ]),
    ).toThrow(/must be < 1/);
    expect(() => parseCliArgs(['evaluate', '--data', 'x'])).toThrow(/--model-dir/);
    expect(() => parseCliArgs(['fly'])).toThrow(/unknown command "fly"/);
  });

  it('takes model and training settings from the preset, flags overriding them', () => {
    const base = parseCliArgs(['train', '--data', 'd', '--preset', 'mmoe']) as TrainArgs;
    const fromPreset = resolveSettings(base, 499, 2);
    expect(fromPreset.modelConfig).toMatchObject({
      model: 'mmoe',
      numExperts: 8,
      expertHidden: [16],
      towerHidden: [8],
    });
    expect(fromPreset.trainConfig).toMatchObject({ batchSize: 32, learningRate: 0.001, seed: 1 });

    const overridden = resolveSettings(
      parseCliArgs([
        'train',
        '--data',
        'd',
        '--preset',
        'mmoe',
        '--batch-size',
        '256',
        '--seed',
        '9',
      ]) as TrainArgs,
      499,
      2,
    );
    expect(overridden.trainConfig).toMatchObject({ batchSize: 256, learningRate: 0.001, seed: 9 });
    expect(overridden.modelConfig.seed).toBe(9);

    const plain = resolveSettings(
      parseCliArgs(['train', '--data', 'd', '--model', 'ple']) as TrainArgs,
      10,
      3,
    );
    expect(plain.modelConfig).toMatchObject({ model: 'ple', numFeatures: 10, numTasks: 3 });
  });
});

describe('train + evaluate on a slice of the video data', () => {
  const outDir = () => path.join(tmp, 'run-mmoe');
  let summary: Summary;

  it('trains MMoE with the preset and writes metrics, summary, predictions and the model', async () => {
    const io = capture();
    const code = await main(
      [
        'train',
        '--data',
        dataDir,
        '--preset',
        'mmoe',
        '--epochs',
        '2',
        '--batch-size',
        '64',
        '--out',
        outDir(),
      ],
      io,
    );
    expect(io.err()).toBe('');
    expect(code).toBe(0);
    expect(io.out()).toMatch(/read train\.csv\.gz: 2,000 rows × 499 features/);
    expect(io.out()).toMatch(/epoch 2\/2 .*samples\/s/);

    for (const f of [
      'metrics.jsonl',
      'summary.json',
      'predictions.csv',
      'model/model.json',
      'model/weights.bin',
    ]) {
      expect(fs.existsSync(path.join(outDir(), f)), f).toBe(true);
    }

    const epochs = fs
      .readFileSync(path.join(outDir(), 'metrics.jsonl'), 'utf8')
      .trimEnd()
      .split('\n')
      .map(
        (l) =>
          JSON.parse(l) as {
            epoch: number;
            val: Record<string, TaskResult>;
            trainLoss: Record<string, number>;
          },
      );
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2]);
    for (const e of epochs) {
      for (const task of ['completion', 'like']) {
        expect(e.val[task].auc).toBeGreaterThan(0);
        expect(e.val[task].auc).toBeLessThanOrEqual(1);
        expect(Number.isFinite(e.trainLoss[task])).toBe(true);
      }
    }

    summary = readJson<Summary>(path.join(outDir(), 'summary.json'));
    expect(summary.model).toBe('mmoe');
    expect(summary.preset).toBe('mmoe');
    expect(summary.trainConfig).toMatchObject({ batchSize: 64, learningRate: 0.001, epochs: 2 });
    expect([1, 2]).toContain(summary.bestEpoch);
    expect(summary.rows).toEqual({ train: SLICE, val: SLICE, test: SLICE });
    expect(summary.backend).toBe('wasm');
    expect(summary.parameterCount).toBeGreaterThan(0);
    expect(summary.samplesPerSec).toBeGreaterThan(0);
    for (const task of ['completion', 'like']) {
      expect(summary.test[task].auc).toBeGreaterThan(0.5);
      expect(summary.test[task].auc).toBeLessThanOrEqual(1);
      expect(summary.test[task].logloss).toBeGreaterThan(0);
    }

    const preds = predictionRows(path.join(outDir(), 'predictions.csv'));
    expect(preds.header).toBe('completion_label,completion_prob,like_label,like_prob');
    expect(preds.rows).toHaveLength(SLICE);
    expect(preds.rows.map((r) => [r[0], r[2]])).toEqual(testLabels);
    for (const r of preds.rows) {
      expect(r[1]).toBeGreaterThan(0);
      expect(r[1]).toBeLessThan(1);
    }
  });

  it('evaluate on the saved model reproduces the test AUC and the predictions', async () => {
    const io = capture();
    const predsFile = path.join(tmp, 'eval-preds.csv');
    const code = await main(
      [
        'evaluate',
        '--model-dir',
        outDir(),
        '--data',
        path.join(dataDir, 'test.csv.gz'),
        '--out',
        predsFile,
      ],
      io,
    );
    expect(code).toBe(0);
    const result = JSON.parse(io.out()) as { rows: number; metrics: Record<string, TaskResult> };
    expect(result.rows).toBe(SLICE);
    for (const task of ['completion', 'like']) {
      expect(Math.abs(result.metrics[task].auc - summary.test[task].auc)).toBeLessThan(1e-6);
      expect(Math.abs(result.metrics[task].logloss - summary.test[task].logloss)).toBeLessThan(
        1e-6,
      );
    }
    const a = predictionRows(path.join(outDir(), 'predictions.csv'));
    const b = predictionRows(predsFile);
    expect(b.header).toBe(a.header);
    expect(b.rows).toHaveLength(a.rows.length);
    for (let i = 0; i < a.rows.length; i++) {
      for (let j = 0; j < 4; j++) expect(Math.abs(b.rows[i][j] - a.rows[i][j])).toBeLessThan(1e-6);
    }
  });

  it('evaluate refuses a damaged model with exit code 2 and a clear message', async () => {
    const damaged = path.join(tmp, 'damaged');
    fs.cpSync(path.join(outDir(), 'model'), damaged, { recursive: true });
    const w = path.join(damaged, 'weights.bin');
    fs.writeFileSync(w, fs.readFileSync(w).subarray(0, 100));
    const io = capture();
    const code = await main(
      ['evaluate', '--model-dir', damaged, '--data', path.join(dataDir, 'val.csv')],
      io,
    );
    expect(code).toBe(2);
    expect(io.err()).toMatch(/^Damaged weights: weights\.bin has 100 bytes/);
  });

  it('runs as a real process: `npm run cli -- evaluate` exits 0 and prints the metrics', async () => {
    const { code, stdout } = await new Promise<{ code: number; stdout: string }>((resolve) => {
      execFile(
        'npm',
        [
          'run',
          '--silent',
          'cli',
          '--',
          'evaluate',
          '--model-dir',
          outDir(),
          '--data',
          path.join(dataDir, 'val.csv'),
        ],
        { cwd: repoRoot, timeout: 60_000 },
        (err, stdout) => resolve({ code: err ? Number(err.code ?? 1) : 0, stdout }),
      );
    });
    expect(code).toBe(0);
    const result = JSON.parse(stdout) as { metrics: Record<string, TaskResult> };
    expect(result.metrics.completion.auc).toBeGreaterThan(0.5);
  });
});

describe('single file with a seeded split', () => {
  it('splits train.csv.gz itself, reading only --max-rows rows', async () => {
    const out = path.join(tmp, 'run-split');
    const file = path.join(dataDir, 'train.csv.gz');
    const args = [
      'train',
      '--data',
      file,
      '--model',
      'share_bottom',
      '--epochs',
      '1',
      '--batch-size',
      '128',
    ];
    const rest = [
      '--max-rows',
      '800',
      '--val-fraction',
      '0.25',
      '--test-fraction',
      '0.25',
      '--seed',
      '3',
    ];
    const code = await main([...args, ...rest, '--out', out], capture());
    expect(code).toBe(0);
    const summary = readJson<Summary>(path.join(out, 'summary.json'));
    expect(summary.rows).toEqual({ train: 400, val: 200, test: 200 });
    expect(summary.seed).toBe(3);
    expect(predictionRows(path.join(out, 'predictions.csv')).rows).toHaveLength(200);
  });
});

describe('errors', () => {
  it('a malformed CSV exits with 2 and names file:line:column', async () => {
    const bad = path.join(tmp, 'bad');
    fs.mkdirSync(bad);
    const lines = fs.readFileSync(path.join(dataDir, 'val.csv'), 'utf8').split('\n').slice(0, 50);
    const cells = lines[6].split(',');
    cells[4] = 'abc';
    lines[6] = cells.join(',');
    const file = path.join(bad, 'train.csv');
    fs.writeFileSync(file, lines.join('\n') + '\n');
    const io = capture();
    const code = await main(
      ['train', '--data', bad, '--model', 'mmoe', '--out', path.join(tmp, 'never')],
      io,
    );
    expect(code).toBe(2);
    expect(io.err()).toMatch(new RegExp(`^${file.replace(/[.]/g, '\\.')}:7:5: `));
    expect(io.err()).not.toMatch(/\n\s+at /); // no stack trace
    expect(fs.existsSync(path.join(tmp, 'never'))).toBe(false);
  });

  it('usage errors print the usage and exit with 2', async () => {
    const io = capture();
    expect(
      await main(['train', '--data', dataDir, '--model', 'mmoe', '--epochs', 'many'], io),
    ).toBe(2);
    expect(io.err()).toMatch(/--epochs must be an integer/);
    expect(io.err()).toMatch(/Usage:/);
    const missing = capture();
    expect(
      await main(['train', '--data', path.join(tmp, 'nope'), '--model', 'mmoe'], missing),
    ).toBe(2);
    expect(missing.err()).toMatch(/no such file or directory/);
    const none = capture();
    expect(await main([], none)).toBe(2);
    expect(none.err()).toMatch(/missing command[\s\S]*Usage:/);
    const help = capture();
    expect(await main(['--help'], help)).toBe(0);
    expect(help.out()).toMatch(/^Usage:/);
  });

  it('a damaged gzip file exits with 2 and names the file', async () => {
    const file = path.join(tmp, 'broken.csv.gz');
    const gz = fs.readFileSync(path.join(dataDir, 'test.csv.gz'));
    fs.writeFileSync(file, Buffer.concat([gz.subarray(0, 200), Buffer.alloc(200, 7)]));
    const io = capture();
    expect(
      await main(
        ['train', '--data', file, '--model', 'mmoe', '--out', path.join(tmp, 'never2')],
        io,
      ),
    ).toBe(2);
    expect(io.err()).toMatch(new RegExp(`^${file.replace(/[.]/g, '\\.')}: not a valid gzip file`));
  });
});
