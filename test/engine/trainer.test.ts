import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { fitScaling } from '../../src/engine/data/scaling';
import { randomSplit } from '../../src/engine/data/split';
import { correlatedRegression, generateCorrelated } from '../../src/engine/data/synthetic';
import type { Dataset, FeatureScaling, RowSet } from '../../src/engine/data/types';
import { exactAuc } from '../../src/engine/metrics/auc';
import { createModel, defaultModelConfig, listModels } from '../../src/engine/models';
import type { ModelConfig, ModelName, MultiTaskModel } from '../../src/engine/models/types';
import { useNodeBackend } from '../../src/engine/testing/nodeBackend';
import {
  NonFiniteLossError,
  Trainer,
  defaultTrainConfig,
  type EpochEvent,
  type ProgressEvent,
  type SplitMetrics,
  type TrainConfig,
} from '../../src/engine/train';

const NUM_FEATURES = 12;
let data: Dataset;
let train: RowSet;
let val: RowSet;
let test: RowSet;
let scaling: FeatureScaling;

beforeAll(async () => {
  await useNodeBackend('wasm');
  // Labels = the sign of the paper's targets (almost noise-free), so every model must clear a
  // high AUC; generateCorrelated's own Bernoulli labels cap the best possible AUC near 0.75.
  const opts = { rows: 3000, correlation: 0.8, seed: 7, numFeatures: NUM_FEATURES };
  const signs = correlatedRegression(opts).targets.map((y) => Uint8Array.from(y, (v) => +(v > 0)));
  data = { ...generateCorrelated(opts), labels: signs };
  ({ train, val, test } = randomSplit(data, { val: 0.2, test: 0.2 }, 11));
  scaling = fitScaling(train, 'standard');
});

/** Small enough that every model trains a few epochs in about a second on 2 cores. */
function smallModel(name: ModelName, seed = 5): MultiTaskModel {
  const config: ModelConfig = {
    ...defaultModelConfig(name, NUM_FEATURES, data.taskNames.length),
    bottomHidden: [16],
    expertHidden: [8],
    numExperts: name === 'ple' ? 2 : 3,
    towerHidden: [8],
    seed,
  };
  return createModel(config);
}

function trainConfig(over: Partial<TrainConfig> = {}): TrainConfig {
  return {
    ...defaultTrainConfig(),
    learningRate: 0.01,
    batchSize: 64,
    epochs: 5,
    seed: 3,
    ...over,
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** NaN-safe mean AUC, the selection rule the trainer documents. */
function meanValAuc(m: SplitMetrics | undefined): number {
  const aucs = (m?.tasks ?? []).map((t) => t.auc).filter(Number.isFinite);
  return aucs.length ? aucs.reduce((a, b) => a + b, 0) / aucs.length : -Infinity;
}

describe.each(listModels().map((m) => [m.name]))('Trainer on %s', (name) => {
  it('learns every task, keeps memory flat, restores the best epoch and reports test', async () => {
    const model = smallModel(name);
    const tensorsAtEpoch: number[] = [];
    const progress: ProgressEvent[] = [];
    const trainer = new Trainer({ model, scaling, train, val, test }, trainConfig(), {
      onProgress: (e) => progress.push(e),
      onEpoch: () => tensorsAtEpoch.push(tf.memory().numTensors),
    });
    const result = await trainer.run();

    expect(result.status).toBe('completed');
    expect(result.epochs.map((e) => e.epoch)).toEqual([1, 2, 3, 4, 5]);
    // Memory: nothing accumulates from epoch to epoch.
    expect(tensorsAtEpoch).toHaveLength(5);
    expect(tensorsAtEpoch[4]).toBe(tensorsAtEpoch[0]);

    const first = result.epochs[0];
    const last = result.epochs[4];
    for (let t = 0; t < data.taskNames.length; t++) {
      expect(last.trainLoss[t]).toBeLessThan(first.trainLoss[t]);
    }

    // Best epoch = best mean validation AUC (first one on ties), flagged in its event.
    const scores = result.epochs.map((e) => meanValAuc(e.val));
    const expectedBest = scores.indexOf(Math.max(...scores)) + 1;
    expect(result.bestEpoch).toBe(expectedBest);
    expect(result.epochs[expectedBest - 1].isBest).toBe(true);
    const best = result.epochs[expectedBest - 1].val!;
    for (const task of best.tasks) expect(task.auc).toBeGreaterThan(0.7);

    // The model now holds the best epoch's weights: re-evaluating val reproduces its metrics.
    const again = await trainer.evaluate(val);
    again.tasks.forEach((task, t) => {
      expect(task.auc).toBeCloseTo(best.tasks[t].auc, 6);
      expect(task.logloss).toBeCloseTo(best.tasks[t].logloss, 5);
    });
    expect(result.test?.rows).toBe(test.rows.length);
    expect(result.test?.tasks).toHaveLength(data.taskNames.length);
    for (const task of result.test!.tasks) expect(task.auc).toBeGreaterThan(0.7);

    // Progress events carry per-task numbers and, for gated models, [G][E] gate means.
    expect(progress.length).toBeGreaterThan(0);
    const p = progress[progress.length - 1];
    expect(p.loss).toHaveLength(data.taskNames.length);
    expect(p.trainAuc).toHaveLength(data.taskNames.length);
    const layout = model.gateLayout(data.taskNames);
    expect(p.gates).toHaveLength(layout.length);
    layout.forEach((level, l) => {
      expect(p.gates![l]).toHaveLength(level.gates.length);
      for (const row of p.gates![l]) {
        expect(row).toHaveLength(level.experts.length);
        expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
      }
    });

    const before = tf.memory().numTensors;
    trainer.dispose();
    expect(tf.memory().numTensors).toBeLessThan(before);
    model.dispose();
  });
});

describe('Trainer', () => {
  it('is reproducible: same seed ⇒ identical epoch losses; another seed ⇒ different', async () => {
    const runOnce = async (seed: number) => {
      const model = smallModel('mmoe');
      const trainer = new Trainer({ model, scaling, train, val }, trainConfig({ epochs: 2, seed }));
      const result = await trainer.run();
      trainer.dispose();
      model.dispose();
      return result.epochs.map((e) => [...e.trainLoss, ...e.val!.tasks.map((t) => t.auc)]);
    };
    const a = await runOnce(3);
    const b = await runOnce(3);
    const c = await runOnce(4);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  it('evaluate and predict agree, in input order', async () => {
    const model = smallModel('share_bottom');
    const trainer = new Trainer({ model, scaling, train, val }, trainConfig({ epochs: 1 }));
    await trainer.run();
    const probs = await trainer.predict(test);
    const metrics = await trainer.evaluate(test);
    expect(probs).toHaveLength(data.taskNames.length);
    probs.forEach((p, t) => {
      expect(p).toHaveLength(test.rows.length);
      for (const v of p) expect(v >= 0 && v <= 1).toBe(true);
      const labels = Array.from(test.rows, (r) => data.labels[t][r]);
      expect(metrics.tasks[t].auc).toBeCloseTo(exactAuc(p, labels), 3);
    });
    // Reversing the rows reverses the predictions.
    const reversed = { data: test.data, rows: test.rows.slice().reverse() };
    const rev = await trainer.predict(reversed);
    expect(rev[0][0]).toBeCloseTo(probs[0][test.rows.length - 1], 6);
    trainer.dispose();
    model.dispose();
  });

  it('stops early when validation AUC stops improving', async () => {
    const model = smallModel('share_bottom');
    const epochs: EpochEvent[] = [];
    const small = { data: train.data, rows: train.rows.subarray(0, 300) };
    const trainer = new Trainer(
      { model, scaling, train: small, val },
      trainConfig({ epochs: 40, learningRate: 0.05, batchSize: 32, earlyStoppingPatience: 2 }),
      { onEpoch: (e) => epochs.push(e) },
    );
    const result = await trainer.run();
    expect(result.status).toBe('early-stopped');
    expect(result.epochs.length).toBeLessThan(40);
    expect(epochs).toHaveLength(result.epochs.length);
    // Exactly `patience` epochs without improvement after the best one.
    expect(result.bestEpoch).toBe(result.epochs.length - 2);
    expect(result.epochs.slice(-2).every((e) => !e.isBest)).toBe(true);
    // The best epoch is not the last one here, so this checks the weights were really restored.
    const best = result.epochs[result.bestEpoch - 1].val!;
    const now = await trainer.evaluate(val);
    now.tasks.forEach((task, t) => expect(task.auc).toBeCloseTo(best.tasks[t].auc, 6));
    const lastVal = result.epochs[result.epochs.length - 1].val!;
    expect(now.tasks.map((t) => t.auc)).not.toEqual(lastVal.tasks.map((t) => t.auc));
    trainer.dispose();
    model.dispose();
  });

  it('raises NonFiniteLossError naming epoch, step and task (deferred readback, exact step)', async () => {
    // A huge learning rate: step 1 pushes every weight with a gradient by ±1e30, so step 2's
    // logits overflow. Loss weight 0 on the first task keeps its separate network (single_task)
    // untouched: only the second task can blow up, so the task name is tested, not just "task 0".
    const model = smallModel('single_task');
    const baseline = tf.memory().numTensors;
    const trainer = new Trainer(
      { model, scaling, train, val },
      trainConfig({ learningRate: 1e30, lossWeights: [0, 1], progressIntervalMs: 1e9 }),
    );
    const err = await trainer.run().then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(NonFiniteLossError);
    const e = err as NonFiniteLossError;
    expect([e.epoch, e.step, e.task]).toEqual([1, 2, data.taskNames[1]]);
    expect(e.message).toContain('epoch 1');
    expect(e.message).toContain('step 2');
    expect(e.message).toContain(`"${data.taskNames[1]}"`);
    trainer.dispose();
    expect(tf.memory().numTensors).toBe(baseline);
    model.dispose();
  });

  it('reports the exact step of a poisoned row although losses are read only at epoch end', async () => {
    // One NaN feature value in one training row. stepBatch() reads back after every step, so it
    // finds the true step; run() with no progress ticks must name the same one.
    const col = Float32Array.from(data.features[0].values as Float32Array);
    col[train.rows[123]] = NaN;
    const poisoned: Dataset = {
      ...data,
      features: [
        { name: data.features[0].name, kind: 'float', values: col },
        ...data.features.slice(1),
      ],
    };
    const rows: RowSet = { data: poisoned, rows: train.rows };
    const config = trainConfig({ batchSize: 40, progressIntervalMs: 1e9 });

    const find = async (useRun: boolean): Promise<NonFiniteLossError> => {
      const model = smallModel('mmoe');
      const trainer = new Trainer({ model, scaling, train: rows }, config);
      let err: unknown = null;
      try {
        if (useRun) await trainer.run();
        else for (;;) await trainer.stepBatch();
      } catch (e) {
        err = e;
      }
      trainer.dispose();
      model.dispose();
      expect(err).toBeInstanceOf(NonFiniteLossError);
      return err as NonFiniteLossError;
    };
    const stepwise = await find(false);
    const deferred = await find(true);
    expect(stepwise.epoch).toBe(1);
    // Not the first or last step, so a trainer that reported "where it read" would be caught.
    expect(stepwise.step).toBeGreaterThan(1);
    expect(stepwise.step).toBeLessThan(Math.ceil(train.rows.length / 40));
    expect([deferred.epoch, deferred.step, deferred.task]).toEqual([
      stepwise.epoch,
      stepwise.step,
      stepwise.task,
    ]);
  });

  it('pause holds training at a step boundary; resume finishes the run', async () => {
    const model = smallModel('mmoe');
    let events = 0;
    const trainer: Trainer = new Trainer(
      { model, scaling, train, val },
      trainConfig({ epochs: 2, batchSize: 16, progressIntervalMs: 20 }),
      {
        onProgress: () => {
          events++;
          if (events === 1) trainer.pause();
        },
      },
    );
    const running = trainer.run();
    for (let i = 0; i < 200 && events === 0; i++) await sleep(10);
    expect(trainer.isPaused).toBe(true);
    await sleep(20);
    const held = { ...trainer.position };
    const heldEvents = events;
    await sleep(250);
    expect(trainer.position).toEqual(held);
    expect(events).toBe(heldEvents);
    expect(held.step).toBeLessThan(held.stepsPerEpoch);
    trainer.resume();
    const result = await running;
    expect(result.status).toBe('completed');
    expect(result.epochs).toHaveLength(2);
    trainer.dispose();
    model.dispose();
  });

  it('stop ends the run with status "stopped", also while paused', async () => {
    for (const whilePaused of [false, true]) {
      const model = smallModel('ple');
      let events = 0;
      const trainer: Trainer = new Trainer(
        { model, scaling, train, val, test },
        trainConfig({ epochs: 50, batchSize: 16, progressIntervalMs: 10 }),
        {
          onProgress: () => {
            events++;
            if (events === 3) {
              if (whilePaused) {
                trainer.pause();
                setTimeout(() => trainer.stop(), 50);
              } else {
                trainer.stop();
              }
            }
          },
        },
      );
      const result = await trainer.run();
      expect(result.status).toBe('stopped');
      expect(result.epochs.length).toBeLessThan(50);
      expect(events).toBe(3);
      trainer.dispose();
      model.dispose();
    }
  });

  it('emits progress at a bounded rate', async () => {
    const model = smallModel('share_bottom');
    let events = 0;
    const interval = 50;
    const trainer = new Trainer(
      { model, scaling, train, val },
      trainConfig({ epochs: 3, batchSize: 8, progressIntervalMs: interval }),
      { onProgress: () => events++ },
    );
    const t0 = performance.now();
    const result = await trainer.run();
    const elapsed = performance.now() - t0;
    const steps = 3 * Math.ceil(train.rows.length / 8);
    expect(events).toBeGreaterThan(0);
    // Far fewer events than steps, and never more than one per interval (+1 for the first).
    expect(events).toBeLessThan(steps / 2);
    expect(events).toBeLessThanOrEqual(Math.floor(elapsed / interval) + 1);
    expect(result.status).toBe('completed');
    trainer.dispose();
    model.dispose();
  });

  it('stepBatch advances exactly one step, before run() and while paused', async () => {
    const model = smallModel('mmoe');
    const config = trainConfig({ epochs: 1, batchSize: 64 });
    const stepsPerEpoch = Math.ceil(train.rows.length / 64);
    let epochEvents = 0;
    const trainer: Trainer = new Trainer({ model, scaling, train, val }, config, {
      onEpoch: () => epochEvents++,
    });
    const e1 = await trainer.stepBatch();
    expect([e1.epoch, e1.step, e1.stepsPerEpoch]).toEqual([1, 1, stepsPerEpoch]);
    expect(e1.loss.every(Number.isFinite)).toBe(true);
    expect(e1.gates).toHaveLength(1);
    const e2 = await trainer.stepBatch();
    expect(e2.step).toBe(2);
    expect(trainer.position.step).toBe(2);

    // Pause a run at its first progress event, step once by hand, then let it finish.
    let pausedAt = -1;
    const progressSteps: number[] = [];
    const t2 = new Trainer({ model, scaling, train, val }, config, {
      onProgress: (e) => {
        progressSteps.push(e.step);
        if (pausedAt < 0) {
          pausedAt = e.step;
          t2.pause();
        }
      },
    });
    const running = t2.run();
    for (let i = 0; i < 200 && pausedAt < 0; i++) await sleep(10);
    await expect(trainer.stepBatch()).resolves.toMatchObject({ step: 3 });
    const manual = await t2.stepBatch();
    expect(manual.step).toBe(pausedAt + 1);
    expect(t2.position.step).toBe(pausedAt + 1);
    t2.resume();
    const result = await running;
    expect(result.epochs).toHaveLength(1);
    expect(result.status).toBe('completed');
    // Stepping a finished trainer is an error, not a silent extra epoch.
    await expect(t2.stepBatch()).rejects.toThrow(/finished/);
    expect(epochEvents).toBe(0);
    t2.dispose();
    trainer.dispose();
    model.dispose();
  });

  it('trains on the CPU backend, whose tensors alias the reused batch buffers', async () => {
    // tfjs-cpu keeps a reference to the Float32Array a tensor is made from: anything the trainer
    // keeps past a step (the labels of the streaming-AUC traces) must be a fresh copy, or it
    // would silently turn into the labels of a later batch and the train AUC would collapse.
    await useNodeBackend('cpu');
    try {
      const model = smallModel('share_bottom');
      const progress: ProgressEvent[] = [];
      const trainer = new Trainer(
        { model, scaling, train, val },
        trainConfig({ epochs: 3, batchSize: 32, progressIntervalMs: 0, streamingWindow: 1024 }),
        { onProgress: (e) => progress.push(e) },
      );
      const result = await trainer.run();
      const last = progress[progress.length - 1];
      for (const auc of last.trainAuc) expect(auc).toBeGreaterThan(0.8);
      for (const task of result.epochs[2].val!.tasks) expect(task.auc).toBeGreaterThan(0.8);
      trainer.dispose();
      model.dispose();
    } finally {
      await useNodeBackend('wasm');
    }
  });
});
