import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { runBackendCheck } from '../../src/engine/backendCheck';
import { listModels } from '../../src/engine/models/registry';
import { useNodeBackend } from '../../src/engine/testing/nodeBackend';

const OPTS = { steps: 5, batchSize: 64, seed: 7 };

afterAll(async () => {
  await useNodeBackend('cpu');
});

describe('runBackendCheck (what the page\'s "Check backends" runs in the worker)', () => {
  it('gives per-step losses that agree between WASM and CPU for every registered model', async () => {
    const models = listModels().map((m) => m.name);
    expect(models.length).toBeGreaterThanOrEqual(3);

    await useNodeBackend('cpu');
    const before = tf.memory().numTensors;
    const cpu = await runBackendCheck({ models, ...OPTS });
    expect(tf.memory().numTensors).toBe(before);
    await useNodeBackend('wasm');
    const wasm = await runBackendCheck({ models, ...OPTS });

    for (let i = 0; i < models.length; i++) {
      expect(cpu[i]).toMatchObject({ model: models[i] });
      expect(cpu[i].error).toBeUndefined();
      expect(wasm[i].error).toBeUndefined();
      expect(cpu[i].losses).toHaveLength(OPTS.steps);
      // Adam steps on one fixed batch: the loss must go down, so the check really trains.
      expect(cpu[i].losses[OPTS.steps - 1]).toBeLessThan(cpu[i].losses[0]);
      for (let s = 0; s < OPTS.steps; s++) {
        const rel = Math.abs(wasm[i].losses[s] - cpu[i].losses[s]) / Math.abs(cpu[i].losses[s]);
        expect(rel).toBeLessThan(1e-4);
      }
    }
  });

  it('is deterministic for a seed and changes with the seed', async () => {
    await useNodeBackend('cpu');
    const a = await runBackendCheck({ models: ['mmoe'], ...OPTS });
    const b = await runBackendCheck({ models: ['mmoe'], ...OPTS });
    const c = await runBackendCheck({ models: ['mmoe'], ...OPTS, seed: 8 });
    expect(b[0].losses).toEqual(a[0].losses);
    expect(c[0].losses).not.toEqual(a[0].losses);
  });

  it('rejects nonsense sizes', async () => {
    await expect(runBackendCheck({ models: ['mmoe'], ...OPTS, steps: 0 })).rejects.toThrow(/steps/);
    await expect(runBackendCheck({ models: ['mmoe'], ...OPTS, batchSize: 1 })).rejects.toThrow(
      /batchSize/,
    );
  });
});
