/**
 * Backend check: "does this backend compute the same training as CPU?"
 *
 * Trains each model a few Adam steps on the ACTIVE backend, from seeded initial weights, on one
 * fixed seeded batch of built-in data, through the real Trainer (same loss, optimizer and batch
 * code as a normal run). Run it once per backend and compare the per-step losses: seeded
 * initialisers give identical starting weights on every backend, so the losses may differ only
 * by float32 rounding. Pure engine code: no DOM, no Node imports.
 */
import * as tf from '@tensorflow/tfjs';
import { allRows, numFeatures } from './data/dataset';
import { fitScaling } from './data/scaling';
import { generateShortVideo } from './data/synthetic';
import { createModel, defaultModelConfig } from './models/registry';
import type { ModelName } from './models/types';
import { Trainer } from './train/trainer';

export interface BackendCheckOptions {
  models: ModelName[];
  /** Optimizer steps per model (each on the same batch). */
  steps: number;
  /** Rows in the fixed batch. */
  batchSize: number;
  /** Seeds the data, the initial weights and the in-batch row order. */
  seed: number;
  learningRate?: number;
}

export interface BackendCheckModelResult {
  model: ModelName;
  /** Total training loss (sum of the per-task mean losses) of each step, length `steps`. */
  losses: number[];
  /** Set when this model failed on this backend (e.g. a missing kernel or gradient). */
  error?: string;
}

/**
 * Runs the check on the active tfjs backend. A failing model is reported in its entry, never
 * thrown, so one broken model does not hide the others' results.
 */
export async function runBackendCheck(
  opts: BackendCheckOptions,
): Promise<BackendCheckModelResult[]> {
  if (!Number.isInteger(opts.steps) || opts.steps < 1)
    throw new Error('steps must be an integer ≥ 1');
  if (!Number.isInteger(opts.batchSize) || opts.batchSize < 2) {
    throw new Error('batchSize must be an integer ≥ 2');
  }
  // The whole data set is the batch: each "epoch" is one step over the same rows (the trainer's
  // seeded shuffle only reorders them, which leaves the batch-mean loss unchanged).
  const data = generateShortVideo({ rows: opts.batchSize, seed: opts.seed });
  const rows = allRows(data);
  const scaling = fitScaling(rows, 'standard');
  const results: BackendCheckModelResult[] = [];
  for (const name of opts.models) {
    const before = tf.memory().numTensors;
    const model = createModel({
      ...defaultModelConfig(name, numFeatures(data), data.taskNames.length),
      seed: opts.seed,
    });
    const trainer = new Trainer(
      { model, scaling, train: rows },
      {
        learningRate: opts.learningRate ?? 0.01,
        batchSize: opts.batchSize,
        epochs: opts.steps,
        seed: opts.seed,
        progressIntervalMs: 0,
      },
    );
    const losses: number[] = [];
    try {
      for (let s = 0; s < opts.steps; s++) {
        const event = await trainer.stepBatch();
        losses.push(event.loss.reduce((a, b) => a + b, 0));
      }
      results.push({ model: name, losses });
    } catch (e) {
      results.push({ model: name, losses, error: e instanceof Error ? e.message : String(e) });
    } finally {
      trainer.dispose();
      model.dispose();
    }
    // A leak here would grow with every check the user runs.
    const leaked = tf.memory().numTensors - before;
    if (leaked !== 0 && results[results.length - 1].error === undefined) {
      results[results.length - 1].error = `${leaked} tensors leaked`;
    }
  }
  return results;
}
