/**
 * The shared input block (categorical ids → embeddings) in front of every registered model:
 * gradients reach the tables on WASM and CPU, a toy task decided by the id alone is learned,
 * bad inputs configs are rejected, and ids outside the vocabulary read as the OOV id 0.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createModel,
  defaultModelConfig,
  listModels,
  stableName,
  validateModelConfig,
  type ModelConfig,
  type ModelName,
} from '../../src/engine/models';
import { EMBEDDING_PREFIX, embeddedWidth } from '../../src/engine/models/input';
import { perTaskSigmoidCrossEntropy } from '../../src/engine/train/loss';
import { createAdam } from '../../src/engine/train/optimizer';
import { useNodeBackend } from '../../src/engine/testing/nodeBackend';

/** Columns: 0 numeric noise, 1 id (V = 12), 2 numeric noise, 3 id (V = 5). */
const F = 4;
const V = 12;

function config(name: ModelName, seed = 3): ModelConfig {
  return {
    ...defaultModelConfig(name, F, 2),
    bottomHidden: [8],
    expertHidden: [8],
    towerHidden: [4],
    seed,
    inputs: {
      categorical: [
        { column: 1, vocabSize: V, dim: 4 },
        { column: 3, vocabSize: 5, dim: 2 },
      ],
    },
  };
}

/**
 * A batch where only the id in column 1 decides the labels: task 0 = id is even, task 1 = id < 6.
 * Every id appears; the noise columns carry nothing.
 */
function idBatch(rows: number): { x: tf.Tensor2D; y: tf.Tensor2D } {
  const x = new Float32Array(rows * F);
  const y = new Float32Array(rows * 2);
  let s = 12345;
  const rnd = (): number => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32) * 2 - 1;
  for (let r = 0; r < rows; r++) {
    const id = r % V;
    x[r * F] = rnd();
    x[r * F + 1] = id;
    x[r * F + 2] = rnd();
    x[r * F + 3] = r % 5;
    y[r * 2] = id % 2 === 0 ? 1 : 0;
    y[r * 2 + 1] = id < 6 ? 1 : 0;
  }
  return { x: tf.tensor2d(x, [rows, F]), y: tf.tensor2d(y, [rows, 2]) };
}

const meanLoss = (logits: tf.Tensor2D, y: tf.Tensor2D): tf.Scalar =>
  tf.mean(perTaskSigmoidCrossEntropy(logits, y));

afterAll(async () => {
  await useNodeBackend('wasm');
});

for (const backend of ['wasm', 'cpu'] as const) {
  describe(`categorical inputs on ${backend}`, () => {
    beforeAll(async () => {
      await useNodeBackend(backend);
    });

    for (const info of listModels()) {
      it(`${info.name}: embedding tables get gradients and the id-only task is learned`, () => {
        const model = createModel(config(info.name));
        const { x, y } = idBatch(96);
        const optimizer = createAdam(0.03);
        try {
          const tables = model.variables.filter((v) => stableName(v).startsWith(EMBEDDING_PREFIX));
          expect(tables.map((v) => stableName(v)).sort()).toEqual([
            `${EMBEDDING_PREFIX}c1`,
            `${EMBEDDING_PREFIX}c3`,
          ]);
          expect(tables.map((v) => v.shape)).toEqual([
            [V, 4],
            [5, 2],
          ]);
          // One gradient: the table of column 1 gets a non-zero gradient on the rows that occur.
          const gradNorms = tf.tidy(() => {
            const { grads } = tf.variableGrads(() => meanLoss(model.forward(x), y));
            return tables.map((t) => tf.norm(grads[t.name]).dataSync()[0]);
          });
          expect(gradNorms[0]).toBeGreaterThan(0);
          expect(gradNorms[1]).toBeGreaterThan(0);

          const lossAt = (): number => tf.tidy(() => meanLoss(model.forward(x), y).dataSync()[0]);
          const first = lossAt();
          const table0 = tables[0].dataSync().slice();
          const step = (): void =>
            tf.tidy(() => {
              optimizer.minimize(() => meanLoss(model.forward(x), y));
            });
          step(); // creates Adam's slots
          const afterFirst = tf.memory().numTensors;
          for (let i = 1; i < 80; i++) step();
          expect(tf.memory().numTensors).toBe(afterFirst);
          const last = lossAt();
          // ln 2 ≈ 0.69 is chance; the labels are a function of the id, so it must fall far.
          expect(first).toBeGreaterThan(0.5);
          expect(last).toBeLessThan(0.5 * first);
          expect(Array.from(tables[0].dataSync())).not.toEqual(Array.from(table0));
        } finally {
          optimizer.dispose();
          x.dispose();
          y.dispose();
          model.dispose();
        }
      });
    }
  });
}

describe('input block contract', () => {
  beforeAll(async () => {
    await useNodeBackend('wasm');
  });

  it('x′ width is F − C + Σ d and the model reports the outer config', () => {
    const c = config('mmoe');
    expect(embeddedWidth(c)).toBe(F - 2 + 4 + 2);
    const model = createModel(c);
    try {
      expect(model.config).toEqual(c);
      // The inner model is built on x′: the experts' first kernel has F′ = 8 rows.
      const kernel = model.variables.find((v) => stableName(v) === 'mmoe/experts/l0/kernel');
      expect(kernel?.shape[0]).toBe(8);
      expect(() => model.forward(tf.zeros([2, 8]) as tf.Tensor2D)).toThrow(
        /expected input \[B, 4\]/,
      );
    } finally {
      model.dispose();
    }
  });

  it('ids outside 0..V−1 read as the out-of-vocabulary id 0', () => {
    const model = createModel(config('share_bottom'));
    try {
      const out = tf.tidy(() => {
        const x = tf.tensor2d(
          [
            [0.5, 0, 0.1, 1],
            [0.5, V + 3, 0.1, 1],
            [0.5, -2, 0.1, 1],
            [0.5, 5, 0.1, 1],
          ],
          [4, F],
        );
        return model.forward(x).arraySync();
      });
      expect(out[1]).toEqual(out[0]);
      expect(out[2]).toEqual(out[0]);
      expect(out[3]).not.toEqual(out[0]);
    } finally {
      model.dispose();
    }
  });

  it('rejects bad categorical declarations', () => {
    const bad = (categorical: { column: number; vocabSize: number; dim: number }[]): string[] =>
      validateModelConfig({ ...config('mmoe'), inputs: { categorical } });
    expect(bad([{ column: 4, vocabSize: 3, dim: 2 }]).join()).toMatch(/not a feature index/);
    expect(
      bad([
        { column: 1, vocabSize: 3, dim: 2 },
        { column: 1, vocabSize: 3, dim: 2 },
      ]).join(),
    ).toMatch(/listed twice/);
    expect(bad([{ column: 1, vocabSize: 0, dim: 2 }]).join()).toMatch(/vocabSize/);
    expect(bad([{ column: 1, vocabSize: 3, dim: 0 }]).join()).toMatch(/dim/);
    expect(() =>
      createModel({
        ...config('ple'),
        inputs: { categorical: [{ column: 9, vocabSize: 2, dim: 1 }] },
      }),
    ).toThrow(/Invalid model config/);
  });
});
