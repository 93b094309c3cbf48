/**
 * The compiled training step (src/engine/train/compiled) against the tfjs step it replaces:
 * same loss, same gradients, same Adam update, for every model structure it covers, on the WASM
 * arena (XNNPACK products) and the JavaScript arena; and the Trainer using it end to end.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCensusShaped } from '../../src/engine/bench/loops';
import { fillBatch, headRows } from '../../src/engine/data/dataset';
import { fitScaling } from '../../src/engine/data/scaling';
import { randomSplit } from '../../src/engine/data/split';
import { createModel, defaultModelConfig } from '../../src/engine/models';
import type { ModelConfig, ModelName, MultiTaskModel } from '../../src/engine/models/types';
import { useNodeBackend } from '../../src/engine/testing/nodeBackend';
import { Trainer, type TrainConfig, type TrainResult } from '../../src/engine/train';
import { CompiledStep, compiledSupport } from '../../src/engine/train/compiled/compiledStep';
import { gemmJs, JsArena, WasmArena, type Arena } from '../../src/engine/train/compiled/memory';
import { weightedSigmoidCrossEntropy } from '../../src/engine/train/loss';
import { FlatAdam } from '../../src/engine/train/optimizer';

const F = 40;
const T = 2;

/** Every structure the compiled step covers, with shallow and deeper layers. */
const CASES: [string, ModelName, Partial<ModelConfig>][] = [
  ['single-task [16] + [8]', 'single_task', { bottomHidden: [16], towerHidden: [8] }],
  ['single-task, no hidden layers', 'single_task', { bottomHidden: [], towerHidden: [] }],
  ['Share-Bottom [24] + towers [8]', 'share_bottom', { bottomHidden: [24], towerHidden: [8] }],
  [
    'Share-Bottom [24, 12], towers [8, 4]',
    'share_bottom',
    { bottomHidden: [24, 12], towerHidden: [8, 4] },
  ],
  [
    'Share-Bottom, towers without hidden layers',
    'share_bottom',
    { bottomHidden: [24], towerHidden: [] },
  ],
  [
    'MMoE 4 × [8], linear gates',
    'mmoe',
    { numExperts: 4, expertHidden: [8], gateHidden: [], towerHidden: [8] },
  ],
  // Wide experts at a small batch take the (Wᵀ·xᵀ)ᵀ product on WASM.
  [
    'MMoE 8 × [32] (transposed product)',
    'mmoe',
    { numExperts: 8, expertHidden: [32], gateHidden: [], towerHidden: [8] },
  ],
  [
    'MMoE 3 × [16, 8], gate layer [6], towers [4, 4]',
    'mmoe',
    { numExperts: 3, expertHidden: [16, 8], gateHidden: [6], towerHidden: [4, 4] },
  ],
  [
    'PLE (CGC) 2 shared + 2 per task',
    'ple',
    {
      levels: 1,
      numExperts: 2,
      expertsPerTask: 2,
      expertHidden: [8],
      gateHidden: [],
      towerHidden: [8],
    },
  ],
  [
    'PLE (CGC), deeper experts and gates',
    'ple',
    {
      levels: 1,
      numExperts: 1,
      expertsPerTask: 2,
      expertHidden: [12, 6],
      gateHidden: [5],
      towerHidden: [],
    },
  ],
];

function config(name: ModelName, over: Partial<ModelConfig>, seed = 3): ModelConfig {
  return { ...defaultModelConfig(name, F, T), ...over, seed };
}

/** A batch like real inputs: a few dense columns, the rest one-hot groups of 4 (seeded). */
function batch(n: number, seed: number): { x: Float32Array; y: Float32Array } {
  let s = seed;
  const rnd = () => (s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32;
  const x = new Float32Array(n * F);
  const y = new Float32Array(n * T);
  for (let i = 0; i < n; i++) {
    for (let f = 0; f < 8; f++) x[i * F + f] = rnd() * 4 - 2;
    for (let g = 0; g < 8; g++) x[i * F + 8 + g * 4 + Math.floor(rnd() * 4)] = 1;
    for (let t = 0; t < T; t++) y[i * T + t] = rnd() < 0.4 ? 1 : 0;
  }
  return { x, y };
}

/** The tfjs step's loss and gradients (in variable order) on one batch. */
function tfjsGradients(model: MultiTaskModel, xs: Float32Array, ys: Float32Array, n: number) {
  return tf.tidy(() => {
    const x = tf.tensor2d(xs, [n, F]);
    const y = tf.tensor2d(ys, [n, T]);
    const w = tf.ones([T]) as tf.Tensor1D;
    let perTask: Float32Array = new Float32Array(0);
    const { grads } = tf.variableGrads(() => {
      const out = weightedSigmoidCrossEntropy(model.forward(x), y, w);
      perTask = out.perTask.dataSync() as Float32Array;
      out.perTask.dispose();
      return out.loss;
    }, model.variables);
    return {
      loss: perTask,
      grads: model.variables.map((v) => grads[v.name].dataSync() as Float32Array),
    };
  });
}

function expectClose(a: ArrayLike<number>, b: ArrayLike<number>, rel: number, abs: number) {
  expect(a.length).toBe(b.length);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < a.length; i++) {
    const err = Math.abs(a[i] - b[i]) - rel * Math.abs(b[i]);
    if (err > worst) [worst, at] = [err, i];
  }
  expect(worst, `element ${at}: ${a[at]} vs ${b[at]}`).toBeLessThanOrEqual(abs);
}

const arenas: [string, () => Arena][] = [
  [
    'WASM arena',
    () => new WasmArena(tf.backend() as unknown as ConstructorParameters<typeof WasmArena>[0]),
  ],
  ['JavaScript arena', () => new JsArena()],
];

beforeAll(async () => {
  await useNodeBackend('wasm');
});

describe('compiled step = tfjs step', () => {
  for (const [arenaName, makeArena] of arenas) {
    describe(arenaName, () => {
      for (const [label, name, over] of CASES) {
        it(`${label}: loss, gradients and three Adam updates`, () => {
          const model = createModel(config(name, over));
          const reference = createModel(config(name, over));
          const step = new CompiledStep(model, makeArena(), {
            learningRate: 0.01,
            lossWeights: [1, 1],
            uncertainty: false,
          });
          const adam = new FlatAdam(reference.variables, 0.01);
          try {
            // Batch sizes 16 and a ragged 5 (an epoch's last batch): one program each.
            for (const [i, n] of [16, 5, 16].entries()) {
              const { x, y } = batch(n, 10 + i);
              const ref = tfjsGradients(reference, x, y, n);
              const views = step.batchViews(n);
              views.x.set(x);
              views.y.set(y);
              const out = step.step(n);
              expectClose(out.loss, ref.loss, 1e-5, 1e-6);
              const grads = step.gradients();
              model.variables.forEach((v, k) =>
                expectClose(grads.get(v)!, ref.grads[k], 1e-3, 1e-6),
              );
              tf.tidy(() =>
                adam.applyGradients(
                  ref.grads.map((g, k) => tf.tensor(g, reference.variables[k].shape)),
                ),
              );
            }
            // Adam divides by √v: where a gradient is ~0, float noise in it moves a weight by up
            // to the learning rate, so weights are compared to a fraction of it (an Adam bug —
            // a wrong bias correction or moment — moves them by ≥ 1e-3 here).
            step.writeToModel();
            model.variables.forEach((v, k) =>
              expectClose(v.dataSync(), reference.variables[k].dataSync(), 0, 2e-4),
            );
          } finally {
            step.dispose();
            adam.dispose();
            model.dispose();
            reference.dispose();
          }
        });
      }
    });
  }

  it('gemmJs multiplies (and skips zero inputs exactly)', () => {
    const f = new Float32Array(64);
    f.set([1, 0, 2, 0, 3, 0], 0); // A [2, 3]
    f.set([1, 2, 3, 4, 5, 6], 8); // B [3, 2]
    f.fill(7, 16, 20); // C is overwritten, not accumulated
    gemmJs(f, 0, 8, 16, 2, 3, 2);
    expect(Array.from(f.subarray(16, 20))).toEqual([11, 14, 9, 12]);
  });

  it('covers the census presets; PLE with two levels and categorical inputs keep the tfjs step', () => {
    for (const name of ['single_task', 'share_bottom', 'mmoe', 'ple'] as const) {
      const m = createModel(config(name, {}));
      expect(compiledSupport(m), name).toBeNull();
      m.dispose();
    }
    const deep = createModel(config('ple', { levels: 2 }));
    expect(compiledSupport(deep)).toMatch(/ple/);
    deep.dispose();
    const cat = createModel({
      ...config('mmoe', {}),
      inputs: { categorical: [{ column: 0, vocabSize: 4, dim: 2 }] },
    });
    expect(compiledSupport(cat)).toBe('categorical inputs');
    cat.dispose();
  });
});

describe('Trainer with the compiled step', () => {
  const data = generateCensusShaped(3000, 5);
  const { train, val } = randomSplit(data, { val: 0.2, test: 0 }, 3);
  const scaling = fitScaling(train, 'standard');
  const base: TrainConfig = { learningRate: 0.003, batchSize: 64, epochs: 2, seed: 9 };

  async function run(
    compiledStep: boolean,
    over: Partial<TrainConfig> = {},
    name: ModelName = 'mmoe',
  ): Promise<{ result: TrainResult; weights: Float32Array[]; kind: string | null }> {
    const model = createModel({
      ...defaultModelConfig(name, 499, 2),
      numExperts: 4,
      expertHidden: [16],
      seed: 4,
    });
    const trainer = new Trainer({ model, scaling, train, val }, { ...base, ...over, compiledStep });
    try {
      const result = await trainer.run();
      return {
        result,
        weights: model.variables.map((v) => v.dataSync() as Float32Array),
        kind: trainer.stepKind,
      };
    } finally {
      trainer.dispose();
      model.dispose();
    }
  }

  afterAll(async () => {
    await useNodeBackend('wasm');
  });

  for (const backend of ['wasm', 'cpu'] as const) {
    it(`${backend}: trains like the tfjs step (losses, validation AUC, final weights)`, async () => {
      await useNodeBackend(backend);
      const before = tf.memory().numTensors;
      const fast = await run(true);
      const slow = await run(false);
      expect(fast.kind).toBe('compiled');
      expect(slow.kind).toBe('tfjs');
      expect(tf.memory().numTensors).toBe(before);
      for (let e = 0; e < 2; e++) {
        expectClose(fast.result.epochs[e].trainLoss, slow.result.epochs[e].trainLoss, 2e-3, 1e-4);
        const a = fast.result.epochs[e].val!.tasks.map((t) => t.auc);
        const b = slow.result.epochs[e].val!.tasks.map((t) => t.auc);
        expectClose(a, b, 0, 5e-3);
      }
      // The run ends with the compiled weights written back into the model.
      fast.weights.forEach((w, k) => expectClose(w, slow.weights[k], 0, 2e-2));
      expect(fast.result.epochs[1].val!.tasks[0].auc).toBeGreaterThan(0.6);
    });
  }

  it('uncertainty weighting: the same learned task weights as the tfjs step', async () => {
    const fast = await run(true, { taskWeighting: 'uncertainty', learningRate: 0.01 });
    const slow = await run(false, { taskWeighting: 'uncertainty', learningRate: 0.01 });
    expect(fast.kind).toBe('compiled');
    expectClose(fast.result.taskWeights!, slow.result.taskWeights!, 0, 2e-3);
    expect(Math.abs(fast.result.taskWeights![0] - 1)).toBeGreaterThan(1e-3);
  });

  it('a model it does not cover (PLE with two levels) trains with the tfjs step', async () => {
    const ple = createModel({ ...defaultModelConfig('ple', 499, 2), levels: 2, seed: 1 });
    const trainer = new Trainer(
      { model: ple, scaling, train: headRows(train, 256) },
      { ...base, epochs: 1 },
    );
    try {
      expect(trainer.stepKind).toBeNull();
      await trainer.run();
      expect(trainer.stepKind).toBe('tfjs');
    } finally {
      trainer.dispose();
      ple.dispose();
    }
  });

  it('between steps (stepBatch) the model’s variables and predict() hold the current weights', async () => {
    const model = createModel({ ...defaultModelConfig('mmoe', 499, 2), seed: 2 });
    const trainer = new Trainer({ model, scaling, train }, { ...base, epochs: 1, batchSize: 32 });
    try {
      const before = model.variables.map((v) => v.dataSync().slice());
      await trainer.stepBatch();
      await trainer.stepBatch();
      expect(trainer.stepKind).toBe('compiled');
      // stepBatch's progress readback wrote the weights back: they moved.
      const after = model.variables.map((v) => v.dataSync());
      expect(after.some((w, k) => w.some((x, i) => x !== before[k][i]))).toBe(true);
      const p1 = await trainer.predict(headRows(val, 8));
      const p2 = tf.tidy(() => {
        // The same rows through the model directly.
        const x = new Float32Array(8 * 499);
        const y = new Float32Array(16);
        fillBatch(val.data, val.rows, 0, 8, scaling, x, y);
        return tf.sigmoid(model.forward(tf.tensor2d(x, [8, 499]))).dataSync();
      });
      for (let i = 0; i < 8; i++) expect(p1[0][i]).toBeCloseTo(p2[i * 2], 5);
    } finally {
      trainer.dispose();
      model.dispose();
    }
  });
});
