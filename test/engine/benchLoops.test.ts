/**
 * The bench's building blocks (src/engine/bench): census-shaped data has the census layout, the
 * naive MMoE computes logits per task and trains, and the timed loops leave no tensors behind.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, expect, it } from 'vitest';
import {
  appLoopSamplesPerSec,
  bareLoopSamplesPerSec,
  datasetBatch,
  generateCensusShaped,
  productsSamplesPerSec,
  trainerSamplesPerSec,
} from '../../src/engine/bench/loops';
import { naiveMmoe } from '../../src/engine/bench/naiveMmoe';
import { resolvePreset } from '../../src/engine/models/presets';
import { useNodeBackend } from '../../src/engine/testing/nodeBackend';

beforeAll(async () => {
  await useNodeBackend('wasm');
});

it('census-shaped data: 11 floats + 488 one-hot columns (one 1 per group of 8), 2 binary tasks', () => {
  const d = generateCensusShaped(300, 3);
  expect(d.features.length).toBe(499);
  expect(d.features.filter((f) => f.kind === 'binary').length).toBe(488);
  expect(d.taskNames.length).toBe(2);
  for (let r = 0; r < d.numRows; r += 37) {
    for (let g = 0; g < 61; g++) {
      let ones = 0;
      for (let k = 0; k < 8; k++) ones += d.features[11 + g * 8 + k].values[r];
      expect(ones).toBe(1);
    }
  }
  const rate = d.labels[0].reduce((a, b) => a + b, 0) / d.numRows;
  expect(rate).toBeGreaterThan(0.05);
  expect(rate).toBeLessThan(0.95);
});

it('the naive MMoE gives [B, T] logits and trains in the stock loop; the timed loops leak no tensors', async () => {
  const d = generateCensusShaped(64, 5);
  const cfg = resolvePreset('mmoe', 499, 2).model;
  const naive = naiveMmoe(cfg);
  const x = tf.randomUniform([16, 499], 0, 1, 'float32', 9) as tf.Tensor2D;
  const out = naive.forward(x);
  expect(out.shape).toEqual([16, 2]);
  tf.dispose([x, out]);
  const before = tf.memory().numTensors;
  const sps = await bareLoopSamplesPerSec(naive.forward, naive.vars, 499, 2, 32, 3, true, 1);
  expect(sps).toBeGreaterThan(0);
  expect(tf.memory().numTensors).toBe(before);
  naive.vars.forEach((v) => v.dispose());
  const t0 = tf.memory().numTensors;
  expect(await trainerSamplesPerSec(d, cfg, 32, 64, 1)).toBeGreaterThan(0);
  expect(tf.memory().numTensors).toBe(t0);
});

it('datasetBatch scales the first rows like the Trainer; the app loop runs the compiled step on WASM', async () => {
  const d = generateCensusShaped(64, 5);
  const { x, y } = datasetBatch(d, 32);
  expect(x.length).toBe(32 * 499);
  expect(y.length).toBe(64);
  // One-hot columns keep their 0/1 (identity scaling); one 1 per group of 8 per row.
  let ones = 0;
  for (let f = 11; f < 499; f++) ones += x[f];
  expect(ones).toBe(61);
  expect(Array.from(y).every((v) => v === 0 || v === 1)).toBe(true);
  const cfg = resolvePreset('mmoe', 499, 2).model;
  const before = tf.memory().numTensors;
  const wasm = await appLoopSamplesPerSec(cfg, 32, 3, 1, { x, y });
  expect(wasm.step).toBe('compiled');
  expect(wasm.samplesPerSec).toBeGreaterThan(0);
  expect(await productsSamplesPerSec(499, 144, 32, 2, 1)).toBeGreaterThan(0);
  const ple2 = await appLoopSamplesPerSec({ ...cfg, model: 'ple', levels: 2 }, 32, 2, 1, { x, y });
  expect(ple2.step).toBe('tfjs');
  expect(tf.memory().numTensors).toBe(before);
});
