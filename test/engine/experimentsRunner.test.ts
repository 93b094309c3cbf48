/**
 * Experiments that train: runPlan on tiny generated data (summaries, hooks, abort, memory),
 * uncertainty task weighting in the Trainer, and `cli experiment` end to end.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main';
import type { CliIO } from '../../src/cli/progress';
import { fitScaling } from '../../src/engine/data/scaling';
import { randomSplit } from '../../src/engine/data/split';
import { generateShortVideo } from '../../src/engine/data/synthetic';
import { correlationPlan } from '../../src/engine/experiments/plans';
import { generateData, runPlan, summarise } from '../../src/engine/experiments/runner';
import { createModel, defaultModelConfig } from '../../src/engine/models';
import { useNodeBackend } from '../../src/engine/testing/nodeBackend';
import { Trainer } from '../../src/engine/train/trainer';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const videoDir = path.resolve(repoRoot, '../shared/data/video');
let tmp: string;

beforeAll(async () => {
  await useNodeBackend('wasm');
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'experiments-'));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('runPlan', () => {
  it('trains every run, chooses epochs on validation and summarises mean ± std', async () => {
    const plan = correlationPlan({
      correlations: [0.5],
      models: ['share_bottom', 'mmoe'],
      seeds: 2,
      rows: 600,
      epochs: 2,
    });
    const before = tf.memory().numTensors;
    const started: string[] = [];
    let epochs = 0;
    const loads: number[] = [];
    const { results, aborted } = await runPlan(plan, {
      loadData: (spec) => {
        loads.push(spec.kind === 'correlated' ? spec.seed : -1);
        return generateData(spec);
      },
      onRunStart: (run, info) => started.push(`${info.index}:${run.id}:${info.parameterCount}`),
      onEpoch: () => epochs++,
    });
    expect(aborted).toBe(false);
    expect(results.map((r) => r.runId)).toEqual(plan.runs.map((r) => r.id));
    expect(started).toHaveLength(4);
    expect(epochs).toBe(8);
    // Both models of a seed share one data set (loaded once), each seed has its own.
    expect(loads).toEqual([1, 2]);
    for (const r of results) {
      expect(r.epochs).toHaveLength(2);
      const best = r.epochs.find((e) => e.epoch === r.bestEpoch);
      expect(best?.isBest).toBe(true);
      expect(r.val).toEqual(best?.val);
      expect(r.test?.tasks).toHaveLength(2);
      expect(r.test?.rows).toBe(60);
    }
    // Equal parameters: the two models are within ±5 % of each other.
    const [a, b] = [results[0].parameterCount, results[1].parameterCount];
    expect(Math.abs(a - b) / Math.max(a, b)).toBeLessThanOrEqual(0.05);
    const rows = summarise(results);
    expect(rows.map((r) => r.model)).toEqual(['share_bottom', 'mmoe']);
    for (const row of rows) {
      expect(row.runs).toBe(2);
      for (const t of row.tasks) {
        expect(t.testAuc.n).toBe(2);
        expect(t.testAuc.std).not.toBeNull();
        const mean = (t.testAuc.values[0] + t.testAuc.values[1]) / 2;
        expect(t.testAuc.mean).toBeCloseTo(mean, 12);
      }
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('stops at the abort signal: the current run keeps its result, no other starts', async () => {
    const plan = correlationPlan({
      correlations: [1],
      models: ['share_bottom', 'ple'],
      rows: 400,
      epochs: 2,
    });
    const controller = new AbortController();
    const { results, aborted } = await runPlan(plan, {
      loadData: generateData,
      onEpoch: () => controller.abort(),
      signal: controller.signal,
    });
    expect(aborted).toBe(true);
    expect(results).toHaveLength(1);
    expect(results[0].status).toBe('stopped');
    expect(results[0].epochs).toHaveLength(1);
  });
});

describe('uncertainty task weighting (Kendall et al. 2018)', () => {
  it('learns per-task weights while training still improves AUC', async () => {
    const data = generateShortVideo({ rows: 3000, seed: 4 });
    const split = randomSplit(data, { val: 0.2, test: 0.2 }, 4);
    const scaling = fitScaling(split.train, 'standard');
    const run = async (taskWeighting: 'fixed' | 'uncertainty') => {
      const model = createModel(defaultModelConfig('mmoe', data.features.length, 2));
      const trainer = new Trainer(
        { model, scaling, ...split },
        { learningRate: 0.02, batchSize: 64, epochs: 3, seed: 3, taskWeighting },
      );
      try {
        return await trainer.run();
      } finally {
        trainer.dispose();
        model.dispose();
      }
    };
    const before = tf.memory().numTensors;
    const fixed = await run('fixed');
    expect(fixed.taskWeights).toBeUndefined();
    const r = await run('uncertainty');
    expect(tf.memory().numTensors).toBe(before);
    const w = r.taskWeights as number[];
    expect(w).toHaveLength(2);
    // The log-variances moved away from 0 (weights from 1), differently per task: the like task
    // has the smaller loss (rare positives), so its s goes down and its weight up.
    for (const x of w) expect(Math.abs(x - 1)).toBeGreaterThan(0.05);
    expect(Math.abs(w[0] - w[1])).toBeGreaterThan(0.05);
    expect(w[1]).toBeGreaterThan(w[0]);
    // Training still works: both tasks well above chance, validation improves on epoch 1.
    for (const t of r.test?.tasks ?? []) expect(t.auc).toBeGreaterThan(0.7);
    const meanVal = (i: number) =>
      (r.epochs[i].val?.tasks ?? []).reduce((s, t) => s + t.auc, 0) / 2;
    expect(Math.max(meanVal(1), meanVal(2))).toBeGreaterThan(meanVal(0));
  });

  it('rejects an unknown weighting', () => {
    const data = generateShortVideo({ rows: 50, seed: 1 });
    const split = randomSplit(data, { val: 0.2, test: 0.2 }, 1);
    const model = createModel(defaultModelConfig('mmoe', data.features.length, 2));
    expect(
      () =>
        new Trainer(
          { model, scaling: fitScaling(split.train, 'raw'), ...split },
          {
            learningRate: 0.01,
            batchSize: 8,
            epochs: 1,
            seed: 1,
            taskWeighting: 'magic' as 'fixed',
          },
        ),
    ).toThrow(/taskWeighting/);
    model.dispose();
  });
});

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

describe('cli experiment', () => {
  it('tutorial on a slice of the video data: 4 models, equal params, published beside ours', async () => {
    const io = capture();
    const out = path.join(tmp, 'tutorial');
    const code = await main(
      [
        'experiment',
        'tutorial',
        '--data',
        videoDir,
        '--max-rows',
        '300',
        '--epochs',
        '1',
        '--batch-size',
        '64',
        '--equal-params',
        '--out',
        out,
      ],
      io,
    );
    expect(io.err()).toBe('');
    expect(code).toBe(0);
    const results = JSON.parse(fs.readFileSync(path.join(out, 'results.json'), 'utf8')) as {
      results: { model: string; parameterCount: number; test: unknown }[];
      summary: unknown[];
    };
    expect(results.results.map((r) => r.model)).toEqual([
      'single_task',
      'share_bottom',
      'mmoe',
      'ple',
    ]);
    const counts = results.results.map((r) => r.parameterCount);
    expect((Math.max(...counts) - Math.min(...counts)) / Math.max(...counts)).toBeLessThanOrEqual(
      0.05,
    );
    const table = fs.readFileSync(path.join(out, 'table.md'), 'utf8');
    expect(table).toContain('like published');
    expect(table).toContain('| PLE |');
    expect(table).toContain('0.966');
    expect(table).toContain('Δ test AUC vs single-task');
    const csv = fs.readFileSync(path.join(out, 'table.csv'), 'utf8').trim().split('\n');
    expect(csv).toHaveLength(5);
  });

  it('correlation with seeds: mean ± std rows; bad options exit 2', async () => {
    const io = capture();
    const out = path.join(tmp, 'correlation');
    const args = ['--rows', '400', '--epochs', '1', '--correlations', '1,0', '--seeds', '2'];
    const code = await main(
      ['experiment', 'correlation', ...args, '--models', 'share_bottom,mmoe', '--out', out],
      io,
    );
    expect(code).toBe(0);
    const table = fs.readFileSync(path.join(out, 'table.md'), 'utf8');
    expect(table).toMatch(/\| MMoE \| correlation 0 \| [\d,]+ \| 2 \| .* ± /);
    const bad = capture();
    expect(await main(['experiment', 'correlation', '--correlations', '1.5'], bad)).toBe(2);
    expect(bad.err()).toContain('--correlations');
    expect(await main(['experiment', 'tutorial'], capture())).toBe(2);
  });
});
