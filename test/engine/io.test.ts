import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { FeatureScaling } from '../../src/engine/data/types';
import {
  MODEL_FORMAT_VERSION,
  ModelFileError,
  crc32Hex,
  deserializeModel,
  serializeModel,
} from '../../src/engine/io/modelFile';
import type { ModelJson } from '../../src/engine/io/modelFile';
import { formatProb, predictionsCsv, predictionsHeader } from '../../src/engine/io/results';
import { createModel, defaultModelConfig } from '../../src/engine/models/registry';
import type { ModelName, MultiTaskModel } from '../../src/engine/models/types';
import { useNodeBackend } from '../../src/engine/testing/nodeBackend';

const F = 12;
const T = 2;
const TASKS = ['completion', 'like'];
const FEATURES = Array.from({ length: F }, (_, i) => `f${i + 1}`);
const SCALING: FeatureScaling = {
  mode: 'standard',
  columns: FEATURES.map((name, i) => ({ name, log: i === 0, mean: i * 0.5, std: 1 + i })),
};

function outputs(model: MultiTaskModel, x: tf.Tensor2D): Float32Array {
  return tf.tidy(() => model.forward(x).dataSync() as Float32Array);
}

async function saved(name: ModelName, seed = 7) {
  const model = createModel({ ...defaultModelConfig(name, F, T), seed });
  const { json, weights } = await serializeModel({
    model,
    scaling: SCALING,
    taskNames: TASKS,
    featureNames: FEATURES,
    metadata: { note: 'test' },
  });
  return { model, json, weights };
}

/** A deep copy that can be edited freely. */
function copyJson(json: ModelJson): ModelJson {
  return JSON.parse(JSON.stringify(json)) as ModelJson;
}

beforeAll(async () => {
  await useNodeBackend('wasm');
});

describe('serializeModel / deserializeModel', () => {
  for (const name of ['single_task', 'share_bottom', 'mmoe', 'ple'] as ModelName[]) {
    it(`${name}: a round trip through JSON text gives identical outputs and metadata`, async () => {
      const { model, json, weights } = await saved(name);
      const x = tf.randomNormal([5, F], 0, 1, 'float32', 3) as tf.Tensor2D;
      const before = outputs(model, x);
      const loaded = deserializeModel(JSON.stringify(json), weights.slice(0));
      try {
        expect(Array.from(outputs(loaded.model, x))).toEqual(Array.from(before));
        expect(loaded.taskNames).toEqual(TASKS);
        expect(loaded.featureNames).toEqual(FEATURES);
        expect(loaded.scaling).toEqual(SCALING);
        expect(loaded.model.config).toEqual(model.config);
        expect(loaded.json.metadata).toEqual({ note: 'test' });
        // The stored names are instance-independent and every variable is there.
        const stored = json.weightsManifest[0].weights.map((w) => w.name);
        expect(stored).toHaveLength(model.variables.length);
        expect(stored.every((n) => !/__m\d+$/.test(n))).toBe(true);
      } finally {
        loaded.model.dispose();
        model.dispose();
        x.dispose();
      }
    });
  }

  it('keeps a TensorFlow.js weights manifest layout and a format header', async () => {
    const { model, json, weights } = await saved('mmoe');
    model.dispose();
    expect(json.format).toBe('mtl-playground-model');
    expect(json.version).toBe(1);
    expect(json.weightsManifest).toHaveLength(1);
    expect(json.weightsManifest[0].paths).toEqual(['weights.bin']);
    const bytes = json.weightsManifest[0].weights.reduce(
      (s, w) => s + w.shape.reduce((a, b) => a * b, 1) * 4,
      0,
    );
    expect(weights.byteLength).toBe(bytes);
    expect(json.weightsCrc32).toBe(crc32Hex(new Uint8Array(weights)));
    expect(Number.isNaN(Date.parse(json.created))).toBe(false);
  });

  it('does not leak tensors when loading and disposing', async () => {
    const { model, json, weights } = await saved('ple');
    model.dispose();
    const before = tf.memory().numTensors;
    deserializeModel(json, weights).model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects truncated weights, naming the sizes', async () => {
    const { model, json, weights } = await saved('mmoe');
    model.dispose();
    expect(() => deserializeModel(json, weights.slice(0, weights.byteLength - 4))).toThrow(
      /Damaged weights: weights.bin has \d+ bytes, model.json describes \d+/,
    );
  });

  it('rejects weights damaged in place (checksum)', async () => {
    const { model, json, weights } = await saved('mmoe');
    model.dispose();
    const damaged = weights.slice(0);
    new Uint8Array(damaged)[100] ^= 0xff;
    expect(() => deserializeModel(json, damaged)).toThrow(/Damaged weights: checksum/);
  });

  it('rejects another format version and other files', async () => {
    const { model, json, weights } = await saved('share_bottom');
    model.dispose();
    const v2 = copyJson(json);
    v2.version = MODEL_FORMAT_VERSION + 1;
    expect(() => deserializeModel(v2, weights)).toThrow(ModelFileError);
    expect(() => deserializeModel(v2, weights)).toThrow(/Unsupported model file version 2/);
    expect(() => deserializeModel({ format: 'layers-model' }, weights)).toThrow(
      /Not a mtl-playground-model file/,
    );
    expect(() => deserializeModel('{not json', weights)).toThrow(/not valid JSON/);
  });

  it('rejects weights that do not fit the architecture, naming the variable', async () => {
    const { model, json, weights } = await saved('mmoe');
    model.dispose();
    const renamed = copyJson(json);
    const first = renamed.weightsManifest[0].weights[0];
    const original = first.name;
    first.name = 'something/else';
    expect(() => deserializeModel(renamed, weights)).toThrow(
      new RegExp(`lack variable "${original.replace(/[/]/g, '\\/')}"`),
    );

    // Same byte count, other shape: a [a,b] kernel stored as [b,a].
    const reshaped = copyJson(json);
    const kernel = reshaped.weightsManifest[0].weights.find(
      (w) => w.shape.length === 2 && w.shape[0] !== w.shape[1],
    );
    expect(kernel).toBeDefined();
    kernel!.shape = [kernel!.shape[1], kernel!.shape[0]];
    expect(() => deserializeModel(reshaped, weights)).toThrow(
      /has shape \[\d+,\d+\], the model expects/,
    );

    const wrongFeatures = copyJson(json);
    wrongFeatures.featureNames = wrongFeatures.featureNames.slice(1);
    expect(() => deserializeModel(wrongFeatures, weights)).toThrow(
      /featureNames must list 12 names/,
    );
  });
});

describe('result exporters', () => {
  it('writes T_label,T_prob columns per task in row order', () => {
    expect(predictionsHeader(TASKS)).toBe('completion_label,completion_prob,like_label,like_prob');
    const csv = predictionsCsv(
      TASKS,
      [Uint8Array.from([1, 0]), Uint8Array.from([0, 1])],
      [Float32Array.from([0.75, 0.125]), Float32Array.from([0.5, 0.25])],
    );
    expect(csv).toBe(
      'completion_label,completion_prob,like_label,like_prob\n1,0.75,0,0.5\n0,0.125,1,0.25\n',
    );
    expect(() => predictionsCsv(TASKS, [Uint8Array.from([1])], [Float32Array.from([1])])).toThrow(
      /2 tasks/,
    );
  });

  it('formats float32 probabilities so that they read back exactly', () => {
    const probs = new Float32Array(1000);
    for (let i = 0; i < probs.length; i++) probs[i] = Math.sin(i * 12.9898) * 0.5 + 0.5;
    probs[0] = 1e-9;
    for (const p of probs) expect(Math.fround(Number(formatProb(p)))).toBe(p);
  });
});
