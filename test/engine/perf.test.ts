/**
 * The speed work must not change the maths: hand-written gradients (affine layer, expert mixing,
 * the fused loss) against tfjs's own op-by-op gradients, the grouped Adam against tf.train.adam,
 * and tensor counts flat over five epochs for every model on WASM and CPU, with either step.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { fitScaling } from '../../src/engine/data/scaling';
import { allRows, fillBatch } from '../../src/engine/data/dataset';
import { generateCorrelated } from '../../src/engine/data/synthetic';
import {
  affine,
  bank,
  bankForward,
  expertBank,
  gateBank,
  gateForward,
  mix,
  mixtureOfExperts,
  shortRows,
} from '../../src/engine/models/blocks';
import { ParamStore } from '../../src/engine/models/init';
import { createModel, defaultModelConfig, listModels } from '../../src/engine/models';
import { useNodeBackend } from '../../src/engine/testing/nodeBackend';
import type { Dataset, FeatureColumn } from '../../src/engine/data/types';
import { mulberry32 } from '../../src/engine/data/random';
import { Trainer } from '../../src/engine/train';
import {
  perTaskSigmoidCrossEntropy,
  weightedSigmoidCrossEntropy,
} from '../../src/engine/train/loss';
import { ADAM_EPSILON, FlatAdam, createAdam } from '../../src/engine/train/optimizer';

const BACKENDS = ['wasm', 'cpu'] as const;

afterAll(async () => {
  await useNodeBackend('wasm');
});

/** Max |a − b| relative to max(1, |b|∞). */
function relDiff(a: tf.Tensor, b: tf.Tensor): number {
  const x = a.dataSync();
  const y = b.dataSync();
  expect(x.length).toBe(y.length);
  let d = 0;
  let scale = 1;
  for (let i = 0; i < x.length; i++) {
    d = Math.max(d, Math.abs(x[i] - y[i]));
    scale = Math.max(scale, Math.abs(y[i]));
  }
  return d / scale;
}

const rand = (shape: number[], seed: number) => tf.randomNormal(shape, 0, 1, 'float32', seed);

describe.each(BACKENDS)('hand-written gradients on %s', (backend) => {
  it('affine (2-D, data input and intermediate input; 3-D bank layers) matches matMul+add+relu', async () => {
    await useNodeBackend(backend);
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      // Batch 1 as well: a single row.
      for (const [relu, n] of [
        [true, 7],
        [false, 7],
        [true, 1],
      ] as const) {
        const x = rand([n, 5], 1) as tf.Tensor2D;
        const w = tf.variable(rand([5, 4], 2));
        const b = tf.variable(rand([4], 3));
        const u = tf.variable(rand([4, 3], 4));
        // x is data (no gradient); the second layer's input is an intermediate (needs dx).
        const ours = () =>
          tf.sum(tf.square(affine(affine(x, w, b, relu), u, b.slice(0, 3), relu))) as tf.Scalar;
        const ref = (): tf.Scalar => {
          const act = (t: tf.Tensor) => (relu ? tf.relu(t) : t);
          const h = act(tf.add(tf.matMul(x, w), b));
          return tf.sum(tf.square(act(tf.add(tf.matMul(h, u), b.slice(0, 3))))) as tf.Scalar;
        };
        const g1 = tf.variableGrads(ours, [w, b, u]);
        const g2 = tf.variableGrads(ref, [w, b, u]);
        expect(relDiff(g1.value, g2.value)).toBeLessThan(1e-5);
        for (const v of [w, b, u])
          expect(relDiff(g1.grads[v.name], g2.grads[v.name])).toBeLessThan(1e-5);
        // Gradient with respect to an input that is itself differentiated (tf.grad's argument).
        const dx1 = tf.grad((xi: tf.Tensor) =>
          tf.sum(affine(tf.mul(xi, 1) as tf.Tensor2D, w, b, relu)),
        )(x);
        const dx2 = tf.grad((xi: tf.Tensor) =>
          tf.sum(
            relu
              ? tf.relu(tf.add(tf.matMul(xi as tf.Tensor2D, w), b))
              : tf.add(tf.matMul(xi as tf.Tensor2D, w), b),
          ),
        )(x);
        expect(relDiff(dx1, dx2)).toBeLessThan(1e-5);
        w.dispose();
        b.dispose();
        u.dispose();
      }
      // 3-D: a bank's deeper layer, [G, B, in] · [G, in, out] + [G, 1, out].
      const h = tf.variable(rand([3, 6, 5], 5));
      const k = tf.variable(rand([3, 5, 2], 6));
      const c = tf.variable(rand([3, 1, 2], 7));
      const g1 = tf.variableGrads(
        () => tf.sum(tf.square(affine(h as tf.Tensor3D, k, c, true))),
        [h, k, c],
      );
      const g2 = tf.variableGrads(
        () => tf.sum(tf.square(tf.relu(tf.add(tf.matMul(h as tf.Tensor3D, k as tf.Tensor3D), c)))),
        [h, k, c],
      );
      for (const v of [h, k, c])
        expect(relDiff(g1.grads[v.name], g2.grads[v.name])).toBeLessThan(1e-5);
      [h, k, c].forEach((v) => v.dispose());
    });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a bank of own-input MLPs (one op for its layers) matches autodiff of matMul+add+relu', async () => {
    await useNodeBackend(backend);
    const before = tf.memory().numTensors;
    const store = new ParamStore(6);
    for (const activateLast of [false, true]) {
      const b = bank(store, `b${String(activateLast)}`, 3, 5, [4, 2, 1], {
        sharedInput: false,
        activateLast,
      });
      tf.tidy(() => {
        b.layers.forEach((l, i) => l.bias.assign(rand(l.bias.shape, 30 + i)));
        const x = rand([6, 3, 5], 31) as tf.Tensor3D;
        const up = tf.variable(rand([6, 3, 5], 32)); // makes the input need a gradient
        const ref = (input: tf.Tensor3D): tf.Tensor3D => {
          let h = tf.transpose(input, [1, 0, 2]) as tf.Tensor3D;
          b.layers.forEach((l, i) => {
            const z = tf.add(tf.matMul(h, l.kernel as tf.Tensor3D), l.bias) as tf.Tensor3D;
            h = i < b.layers.length - 1 || activateLast ? tf.relu(z) : z;
          });
          return tf.transpose(h, [1, 0, 2]);
        };
        const vars = [...b.layers.flatMap((l) => [l.kernel, l.bias]), up];
        const loss = (f: (i: tf.Tensor3D) => tf.Tensor3D) => () => {
          const out = f(tf.mul(x, up) as tf.Tensor3D);
          return tf.sum(tf.mul(out, tf.range(0, out.size).reshape(out.shape))) as tf.Scalar;
        };
        const a = tf.variableGrads(
          loss((i) => bankForward(b, i)),
          vars,
        );
        const r = tf.variableGrads(loss(ref), vars);
        expect(relDiff(a.value, r.value)).toBeLessThan(1e-5);
        for (const v of vars) expect(relDiff(a.grads[v.name], r.grads[v.name])).toBeLessThan(1e-5);
        up.dispose();
      });
    }
    store.variables.forEach((v) => v.dispose());
    expect(tf.memory().numTensors).toBe(before);
  });

  it('mixtureOfExperts (one op, hand-written gradient) matches autodiff of the generic blocks', async () => {
    await useNodeBackend(backend);
    const before = tf.memory().numTensors;
    // Both forms of the gates' softmax and row sums: tfjs's, and WebGPU's matMul form.
    const viaMatMul = shortRows.viaMatMul;
    for (const webgpuForm of [false, true]) {
      shortRows.viaMatMul = () => webgpuForm;
      try {
        mixtureCase();
      } finally {
        shortRows.viaMatMul = viaMatMul;
      }
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  function mixtureCase(): void {
    const store = new ParamStore(5);
    const experts = expertBank(store, 'e', 4, 6, [3], true);
    const gates = gateBank(store, 'g', 2, 6, [], 4, true);
    tf.tidy(() => {
      // Non-zero biases, so their gradients and the ReLU mask are exercised.
      store.variables.forEach((v, i) => {
        if (v.rank === 1) v.assign(rand(v.shape, 20 + i));
      });
      // Batch 7 and batch 3 (3·4 ≤ E·H = 12: WASM's transposed product for small batches).
      for (const n of [7, 3]) {
        const x = rand([n, 6], 21) as tf.Tensor2D;
        const vars = store.variables;
        const up = tf.variable(rand([n, 6], 22)); // makes x an intermediate that needs dx
        const loss = (fused: boolean, viaUp: boolean) => () => {
          const input = viaUp ? (tf.mul(x, up) as tf.Tensor2D) : x;
          const m = fused
            ? mixtureOfExperts(input, experts, gates)
            : mix(gateForward(gates, input), bankForward(experts, input));
          return tf.sum(tf.mul(m, tf.range(0, m.size).reshape(m.shape))) as tf.Scalar;
        };
        for (const viaUp of [false, true]) {
          const list = viaUp ? [...vars, up] : vars;
          const a = tf.variableGrads(loss(true, viaUp), list);
          const b = tf.variableGrads(loss(false, viaUp), list);
          expect(relDiff(a.value, b.value)).toBeLessThan(1e-5);
          for (const v of list)
            expect(relDiff(a.grads[v.name], b.grads[v.name])).toBeLessThan(1e-5);
        }
        up.dispose();
      }
    });
    store.variables.forEach((v) => v.dispose());
  }

  it('mixtureOfExperts with a reach (PLE) matches placing the gates by hand', async () => {
    await useNodeBackend(backend);
    const before = tf.memory().numTensors;
    const store = new ParamStore(7);
    // 1 shared + 2 experts per task, 2 tasks: gate k reaches [0, 1 + 2k, 2 + 2k].
    const reach = [
      [0, 1, 2],
      [0, 3, 4],
    ];
    const experts = expertBank(store, 'e', 5, 6, [3], true);
    const gates = gateBank(store, 'g', 2, 6, [], 3, true);
    tf.tidy(() => {
      store.variables.forEach((v, i) => {
        if (v.rank === 1) v.assign(rand(v.shape, 40 + i));
      });
      const x = rand([7, 6], 41) as tf.Tensor2D;
      const up = tf.variable(rand([7, 6], 42));
      const placed = (input: tf.Tensor2D): tf.Tensor3D => {
        const local = gateForward(gates, input); // [B, 2, 3]
        const rows = reach.map((r, k) => {
          const cols = Array.from({ length: 5 }, (_, e) => {
            const j = r.indexOf(e);
            return j < 0 ? tf.zeros([7, 1, 1]) : tf.slice(local, [0, k, j], [-1, 1, 1]);
          });
          return tf.concat(cols, 2);
        });
        return tf.concat(rows, 1) as tf.Tensor3D;
      };
      const loss = (fused: boolean) => () => {
        const input = tf.mul(x, up) as tf.Tensor2D;
        const m = fused
          ? mixtureOfExperts(input, experts, gates, reach)
          : mix(placed(input), bankForward(experts, input));
        return tf.sum(tf.mul(m, tf.range(0, m.size).reshape(m.shape))) as tf.Scalar;
      };
      const list = [...store.variables, up];
      const a = tf.variableGrads(loss(true), list);
      const b = tf.variableGrads(loss(false), list);
      expect(relDiff(a.value, b.value)).toBeLessThan(1e-5);
      for (const v of list) expect(relDiff(a.grads[v.name], b.grads[v.name])).toBeLessThan(1e-5);
      expect(() =>
        mixtureOfExperts(x, experts, gates, [
          [0, 1, 5],
          [0, 3, 4],
        ]),
      ).toThrow(/reach/);
      up.dispose();
    });
    store.variables.forEach((v) => v.dispose());
    expect(tf.memory().numTensors).toBe(before);
  });

  it('mix and the fused loss match tfjs gradients', async () => {
    await useNodeBackend(backend);
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const g = tf.variable(tf.softmax(rand([6, 2, 4], 8)));
      const e = tf.variable(rand([6, 4, 3], 9));
      const a = tf.variableGrads(
        () => tf.sum(tf.square(mix(g as tf.Tensor3D, e as tf.Tensor3D))),
        [g, e],
      );
      const b = tf.variableGrads(
        () => tf.sum(tf.square(tf.matMul(g as tf.Tensor3D, e as tf.Tensor3D))),
        [g, e],
      );
      for (const v of [g, e]) expect(relDiff(a.grads[v.name], b.grads[v.name])).toBeLessThan(1e-5);

      const z = tf.variable(tf.mul(rand([9, 3], 10), 4)); // includes confident logits
      const y = tf.cast(tf.greater(rand([9, 3], 11), 0), 'float32') as tf.Tensor2D;
      const w = tf.tensor1d([1, 0.5, 0]);
      let perTask: tf.Tensor1D | null = null;
      const ours = tf.variableGrads(() => {
        const r = weightedSigmoidCrossEntropy(z as tf.Tensor2D, y, w);
        perTask = r.perTask;
        return r.loss;
      }, [z]);
      const ref = tf.variableGrads(
        () => tf.sum(tf.mul(perTaskSigmoidCrossEntropy(z as tf.Tensor2D, y), w)) as tf.Scalar,
        [z],
      );
      expect(relDiff(ours.value, ref.value)).toBeLessThan(1e-6);
      expect(relDiff(ours.grads[z.name], ref.grads[z.name])).toBeLessThan(1e-5);
      expect(
        relDiff(perTask as unknown as tf.Tensor, perTaskSigmoidCrossEntropy(z as tf.Tensor2D, y)),
      ).toBe(0);
      (perTask as unknown as tf.Tensor).dispose();
      [g, e, z].forEach((v) => v.dispose());
    });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('FlatAdam follows tf.train.adam step for step (large and grouped smaller variables)', async () => {
    await useNodeBackend(backend);
    const before = tf.memory().numTensors;
    const make = () =>
      tf.tidy(() => [
        tf.variable(rand([160, 128], 12)), // 20,480 scalars: a group of its own
        tf.variable(rand([64, 40], 15)), // 2,560 scalars: grouped with the small ones
        tf.variable(rand([5], 13)),
        tf.variable(rand([3, 2, 2], 14)),
      ]);
    const ours = make();
    const ref = make();
    const flat = new FlatAdam(ours, 0.01);
    const stock = createAdam(0.01);
    const lossOf = (vs: tf.Variable[]) => () =>
      tf.addN(vs.map((v, i) => tf.sum(tf.mul(tf.square(tf.sub(v, i)), i + 1)))) as tf.Scalar;
    for (let step = 0; step < 20; step++) {
      tf.tidy(() => {
        const a = tf.variableGrads(lossOf(ours), ours);
        flat.applyGradients(ours.map((v) => a.grads[v.name]));
        stock.minimize(lossOf(ref), false, ref);
      });
    }
    expect(flat.iterations).toBe(20);
    // Same rule; bias corrections in float64 here vs float32 in tfjs: agreement to ~1e-5 of lr.
    ours.forEach((v, i) => expect(relDiff(v, ref[i])).toBeLessThan(1e-4));
    expect(ADAM_EPSILON).toBe(1e-7);
    flat.dispose();
    stock.dispose();
    [...ours, ...ref].forEach((v) => v.dispose());
    expect(tf.memory().numTensors).toBe(before);
  });
});

// Both steps: the compiled one (the Trainer's default here) and tfjs ops (what WebGPU/WebGL run).
const STEP_KINDS = BACKENDS.flatMap((b) => [
  [b, 'compiled'],
  [b, 'tfjs'],
]) as [(typeof BACKENDS)[number], 'compiled' | 'tfjs'][];

describe.each(STEP_KINDS)('tensor count over five epochs on %s, %s step', (backend, kind) => {
  it.each(listModels().map((m) => [m.name]))('%s: the same after epochs 1..5', async (name) => {
    await useNodeBackend(backend);
    const data = generateCorrelated({ rows: 256, correlation: 0.5, seed: 3, numFeatures: 6 });
    const train = allRows(data);
    const model = createModel({
      ...defaultModelConfig(name, 6, data.taskNames.length),
      bottomHidden: [8],
      expertHidden: [4],
      numExperts: 2,
      towerHidden: [4],
      seed: 9,
    });
    const counts: number[] = [];
    const trainer = new Trainer(
      { model, scaling: fitScaling(train, 'standard'), train, val: train },
      {
        learningRate: 0.01,
        batchSize: 64,
        epochs: 5,
        seed: 1,
        progressIntervalMs: 0,
        compiledStep: kind === 'compiled',
      },
      { onEpoch: () => counts.push(tf.memory().numTensors) },
    );
    const baseline = tf.memory().numTensors;
    await trainer.run();
    expect(trainer.stepKind).toBe(kind);
    expect(counts).toHaveLength(5);
    expect(new Set(counts).size).toBe(1);
    trainer.dispose();
    expect(tf.memory().numTensors).toBe(baseline);
    model.dispose();
  });
});

describe('fillBatch with packed binary rows', () => {
  it('writes exactly what a per-cell fill writes (40 binary + 3 float columns, shuffled rows)', () => {
    const rng = mulberry32(5);
    const rows = 300;
    const features: FeatureColumn[] = [];
    for (let f = 0; f < 43; f++) {
      // Floats at positions 0, 20 and 42, so packed and unpacked columns interleave.
      if (f === 0 || f === 20 || f === 42) {
        const v = Float32Array.from({ length: rows }, () => rng() * 100);
        features.push({ name: `f${f}`, kind: 'float', values: v });
      } else {
        const v = Uint8Array.from({ length: rows }, () => (rng() < 0.3 ? 1 : 0));
        features.push({ name: `b${f}`, kind: 'binary', values: v });
      }
    }
    const labels = [Uint8Array.from({ length: rows }, () => (rng() < 0.5 ? 1 : 0))];
    const data: Dataset = { numRows: rows, taskNames: ['t'], labels, features };
    const scaling = fitScaling(allRows(data), 'standard');
    const order = Uint32Array.from({ length: rows }, (_, i) => (i * 7919) % rows);
    const F = features.length;
    const x = new Float32Array(64 * F);
    const y = new Float32Array(64);
    fillBatch(data, order, 100, 64, scaling, x, y);
    for (let i = 0; i < 64; i++) {
      const r = order[100 + i];
      expect(y[i]).toBe(labels[0][r]);
      for (let f = 0; f < F; f++) {
        const sc = scaling.columns[f];
        const raw = features[f].values[r];
        const v = sc.log ? Math.log1p(Math.max(raw, 0)) : raw;
        const want = sc.log || sc.mean !== 0 || sc.std !== 1 ? (v - sc.mean) * (1 / sc.std) : raw;
        expect(x[i * F + f]).toBeCloseTo(want, 5);
      }
    }
  });
});
