/**
 * Timed training loops shared by the Node bench (test/bench/node.ts) and the worker's `bench`
 * request (browser bench): the real Trainer over a dataset, a bare step loop on one fixed batch
 * (ours: one-op loss + FlatAdam; stock: tf.train.adam + op-by-op loss), and a census-shaped
 * synthetic dataset so the browser needs no data files.
 */
import * as tf from '@tensorflow/tfjs';
import { allRows, fillBatch, headRows } from '../data/dataset';
import { mulberry32 } from '../data/random';
import { fitScaling } from '../data/scaling';
import type { Dataset, FeatureColumn } from '../data/types';
import { createModel } from '../models/registry';
import type { ModelConfig } from '../models/types';
import { perTaskSigmoidCrossEntropy, weightedSigmoidCrossEntropy } from '../train/loss';
import { compiledStepFor } from '../train/compiled/compiledStep';
import { createAdam, FlatAdam } from '../train/optimizer';
import { Trainer } from '../train/trainer';

const now = () => performance.now();

/**
 * Census-income shapes: 11 float + 488 binary (one-hot) columns = 499 features, two tasks
 * depending on a few of them. Seeded; for speed measurements, not for accuracy.
 */
export function generateCensusShaped(rows: number, seed = 1): Dataset {
  const rng = mulberry32(seed);
  const features: FeatureColumn[] = [];
  for (let f = 0; f < 11; f++) {
    const values = new Float32Array(rows);
    for (let r = 0; r < rows; r++) values[r] = rng() * 100;
    features.push({ name: `num${f + 1}`, kind: 'float', values });
  }
  // 488 one-hot columns in groups of 8 (61 categorical fields): one 1 per group and row.
  for (let f = 0; f < 488; f++) {
    features.push({ name: `bin${f + 1}`, kind: 'binary', values: new Uint8Array(rows) });
  }
  const labels = [new Uint8Array(rows), new Uint8Array(rows)];
  for (let r = 0; r < rows; r++) {
    let score = 0;
    for (let g = 0; g < 61; g++) {
      const k = Math.floor(rng() * 8);
      (features[11 + g * 8 + k].values as Uint8Array)[r] = 1;
      if (g < 4) score += k - 3.5;
    }
    const a = (features[0].values[r] - 50) / 30 + score / 4;
    labels[0][r] = rng() < 1 / (1 + Math.exp(-a)) ? 1 : 0;
    labels[1][r] = rng() < 1 / (1 + Math.exp(-(a * 0.7 - 1))) ? 1 : 0;
  }
  return { numRows: rows, taskNames: ['income', 'marital'], labels, features };
}

/** One fixed training batch: x [batch, F] and y [batch, T], row-major. */
export interface FixedBatch {
  x: Float32Array;
  y: Float32Array;
}

/**
 * The first `batch` rows of `data`, standardised as the Trainer does (census shapes: 11 scaled
 * numeric columns, 488 one-hot columns, so most of x is 0 — as in the real data).
 */
export function datasetBatch(data: Dataset, batch: number): FixedBatch {
  const rows = headRows(allRows(data), batch);
  const F = data.features.length;
  const T = data.labels.length;
  const x = new Float32Array(batch * F);
  const y = new Float32Array(batch * T);
  fillBatch(data, rows.rows, 0, rows.rows.length, fitScaling(rows, 'standard'), x, y);
  return { x, y };
}

/**
 * Samples/s of the real loop: Trainer.run() for one epoch over the first `rows` rows (no
 * validation), after `warmup` steps so kernel compilation is not timed.
 */
export async function trainerSamplesPerSec(
  data: Dataset,
  cfg: ModelConfig,
  batch: number,
  rows: number,
  warmup = 5,
): Promise<number> {
  const model = createModel(cfg);
  const train = headRows(allRows(data), rows);
  const scaling = fitScaling(train, 'standard');
  const trainer = new Trainer(
    { model, scaling, train },
    { learningRate: 0.001, batchSize: batch, epochs: 1, seed: 1 },
  );
  try {
    for (let i = 0; i < warmup; i++) await trainer.stepBatch();
    const t0 = now();
    const doneBefore = trainer.position.step;
    await trainer.run();
    const ms = now() - t0;
    const samples = Math.min(rows, (trainer.position.stepsPerEpoch - doneBefore) * batch);
    return samples / (ms / 1000);
  } finally {
    trainer.dispose();
    model.dispose();
  }
}

/**
 * Bare loop: a model and an optimizer on one fixed batch; no data pipeline. `stock`:
 * tf.train.adam + the op-by-op loss (what plain tfjs code does); otherwise the Trainer's own
 * step (FlatAdam + the one-op loss). Ends with a readback so queued GPU work is timed.
 */
export async function bareLoopSamplesPerSec(
  forward: (x: tf.Tensor2D) => tf.Tensor2D,
  vars: tf.Variable[],
  F: number,
  T: number,
  batch: number,
  steps: number,
  stock: boolean,
  warmup = 5,
  fixed?: FixedBatch,
): Promise<number> {
  // Without a fixed batch: uniform x and random 0/1 labels (seeded).
  const x = fixed
    ? tf.tensor2d(fixed.x, [batch, F])
    : (tf.randomUniform([batch, F], 0, 1, 'float32', 7) as tf.Tensor2D);
  const y = (
    fixed
      ? tf.tensor2d(fixed.y, [batch, T])
      : tf.tidy(() =>
          tf.cast(tf.greater(tf.randomUniform([batch, T], 0, 1, 'float32', 8), 0.5), 'float32'),
        )
  ) as tf.Tensor2D;
  const w = tf.ones([T]) as tf.Tensor1D;
  const adam = stock ? createAdam(0.001) : null;
  const flat = stock ? null : new FlatAdam(vars, 0.001);
  const step = () =>
    tf.tidy(() => {
      if (adam) {
        adam.minimize(
          () => tf.sum(perTaskSigmoidCrossEntropy(forward(x), y)) as tf.Scalar,
          false,
          vars,
        );
      } else if (flat) {
        const { grads } = tf.variableGrads(() => {
          const { loss, perTask } = weightedSigmoidCrossEntropy(forward(x), y, w);
          perTask.dispose();
          return loss;
        }, vars);
        flat.applyGradients(vars.map((v) => grads[v.name]));
      }
    });
  try {
    for (let i = 0; i < warmup; i++) step();
    await vars[0].data();
    const t0 = now();
    for (let i = 0; i < steps; i++) step();
    // Wait for the last step's update (asynchronous backends queue work).
    await vars[0].data();
    const ms = now() - t0;
    return (steps * batch) / (ms / 1000);
  } finally {
    adam?.dispose();
    flat?.dispose();
    x.dispose();
    y.dispose();
    w.dispose();
  }
}

/**
 * Bare loop of the app's own step for `cfg` on one fixed batch (`fixed`, or uniform x and random
 * labels): the compiled step where it applies on this backend (WASM, CPU), else the tfjs step
 * (bareLoopSamplesPerSec, ours).
 */
export async function appLoopSamplesPerSec(
  cfg: ModelConfig,
  batch: number,
  steps: number,
  warmup = 5,
  fixed?: FixedBatch,
): Promise<{ samplesPerSec: number; step: 'compiled' | 'tfjs' }> {
  const model = createModel(cfg);
  const { numFeatures: F, numTasks: T } = cfg;
  try {
    const compiled = compiledStepFor(model, {
      learningRate: 0.001,
      lossWeights: new Array<number>(T).fill(1),
      uncertainty: false,
    });
    if (!compiled) {
      const sps = await bareLoopSamplesPerSec(
        (x) => model.forward(x),
        model.variables,
        F,
        T,
        batch,
        steps,
        false,
        warmup,
        fixed,
      );
      return { samplesPerSec: sps, step: 'tfjs' };
    }
    try {
      const { x, y } = compiled.batchViews(batch);
      if (fixed) {
        x.set(fixed.x);
        y.set(fixed.y);
      } else {
        const rng = mulberry32(7);
        for (let i = 0; i < x.length; i++) x[i] = rng();
        for (let i = 0; i < y.length; i++) y[i] = rng() < 0.5 ? 1 : 0;
      }
      for (let i = 0; i < warmup; i++) compiled.step(batch);
      const t0 = now();
      for (let i = 0; i < steps; i++) compiled.step(batch);
      const ms = now() - t0;
      return { samplesPerSec: (steps * batch) / (ms / 1000), step: 'compiled' };
    } finally {
      compiled.dispose();
    }
  } finally {
    model.dispose();
  }
}

/**
 * Samples/s of the two products every training step of a first layer x [B, F] · W [F, C] makes
 * with dense kernels: the forward x·W and the weight gradient xᵀ·dZ, alone on fixed tensors (no
 * element-wise work, no optimizer). A ceiling for any step built from these products: for MMoE,
 * C = experts · width + gates · experts. On WASM xᵀ is made once (plain matMuls, see matMulT).
 */
export async function productsSamplesPerSec(
  F: number,
  C: number,
  batch: number,
  steps: number,
  warmup = 5,
): Promise<number> {
  const x = tf.randomUniform([batch, F], 0, 1, 'float32', 3) as tf.Tensor2D;
  const w = tf.randomUniform([F, C], -1, 1, 'float32', 4) as tf.Tensor2D;
  const dz = tf.randomUniform([batch, C], -1, 1, 'float32', 5) as tf.Tensor2D;
  const wasm = tf.getBackend() === 'wasm';
  const xT = wasm ? (tf.transpose(x) as tf.Tensor2D) : null;
  let last: tf.Tensor | null = null;
  const step = () => {
    last?.dispose();
    last = tf.tidy(() => {
      const y = tf.matMul(x, w);
      const dW = xT ? tf.matMul(xT, dz) : tf.matMul(x, dz, true, false);
      // One small result depending on both products, so neither is skipped or left queued.
      return tf.add(tf.slice(y, [0, 0], [1, 1]), tf.slice(dW, [0, 0], [1, 1]));
    });
  };
  try {
    for (let i = 0; i < warmup; i++) step();
    await (last as tf.Tensor | null)?.data();
    const t0 = now();
    for (let i = 0; i < steps; i++) step();
    await (last as tf.Tensor | null)?.data();
    return (steps * batch) / ((now() - t0) / 1000);
  } finally {
    (last as tf.Tensor | null)?.dispose();
    tf.dispose([x, w, dz]);
    xT?.dispose();
  }
}

/** FLOP/s of a square matMul (n × n) on the current backend, `reps` times with readbacks. */
export async function matMulRate(n = 1024, reps = 10): Promise<number> {
  const a = tf.randomUniform([n, n], -1, 1, 'float32', 1);
  const b = tf.randomUniform([n, n], -1, 1, 'float32', 2);
  const warm = tf.matMul(a, b);
  await warm.data();
  warm.dispose();
  const t0 = now();
  for (let i = 0; i < reps; i++) {
    const c = tf.matMul(a, b);
    await c.data();
    c.dispose();
  }
  const s = (now() - t0) / 1000;
  a.dispose();
  b.dispose();
  return (reps * 2 * n ** 3) / s;
}

/** Model matMul FLOPs per sample, forward + backward ≈ 3 × forward (2 per weight of a kernel). */
export function trainFlopsPerSample(vars: tf.Variable[], cfg: ModelConfig): number {
  let forward = 0;
  for (const v of vars) if (v.shape.length >= 2) forward += 2 * v.size;
  // Mixing: T gates (PLE: + shared gates) × E experts × H per sample, negligible but counted.
  const H = cfg.expertHidden[cfg.expertHidden.length - 1] ?? 0;
  if (cfg.model === 'mmoe') forward += 2 * cfg.numTasks * cfg.numExperts * H;
  if (cfg.model === 'ple') {
    forward += 2 * cfg.numTasks * (cfg.numExperts + cfg.numTasks * cfg.expertsPerTask) * H;
  }
  return 3 * forward;
}
