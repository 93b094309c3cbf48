import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createModel,
  defaultModelConfig,
  listModels,
  PRESETS,
  resolvePreset,
  stableName,
  validateModelConfig,
  type ModelConfig,
  type ModelName,
  type MultiTaskModel,
} from '../../src/engine/models';
import { useNodeBackend } from '../../src/engine/testing/nodeBackend';

const F = 6;
const BACKENDS = ['wasm', 'cpu'] as const;

/** Two small configs per model: PaddleRec-like (linear gates) and a deeper one. */
function variants(name: ModelName, numTasks: number): ModelConfig[] {
  const base = defaultModelConfig(name, F, numTasks);
  return [
    { ...base, bottomHidden: [8], expertHidden: [5], numExperts: 3, towerHidden: [4], seed: 7 },
    {
      ...base,
      bottomHidden: [8, 6],
      expertHidden: [6, 5],
      numExperts: 2,
      expertsPerTask: 2,
      gateHidden: [4],
      towerHidden: [],
      levels: 2,
      seed: 8,
    },
  ];
}

const describeConfig = (c: ModelConfig): string =>
  `T=${c.numTasks} experts=${JSON.stringify(c.expertHidden)} gate=${JSON.stringify(
    c.gateHidden,
  )} levels=${c.levels}`;

/** Mean binary cross-entropy over all tasks, computed from logits (stable form). */
function bce(logits: tf.Tensor2D, labels: tf.Tensor2D): tf.Scalar {
  const z = logits;
  return tf.mean(
    tf.add(tf.sub(tf.relu(z), tf.mul(z, labels)), tf.log1p(tf.exp(tf.neg(tf.abs(z))))),
  );
}

/** A learnable toy batch: label t is 1 when x₀ + x_{t+1} > 0. */
function toyBatch(
  rows: number,
  numTasks: number,
  seed: number,
): { x: tf.Tensor2D; y: tf.Tensor2D } {
  return tf.tidy(() => {
    const x = tf.randomNormal([rows, F], 0, 1, 'float32', seed) as tf.Tensor2D;
    const cols = Array.from({ length: numTasks }, (_, t) =>
      tf.cast(
        tf.greater(tf.add(tf.slice(x, [0, 0], [-1, 1]), tf.slice(x, [0, t + 1], [-1, 1])), 0),
        'float32',
      ),
    );
    return { x, y: tf.concat(cols, 1) as tf.Tensor2D };
  });
}

/** Σ over layers of in·out + out, for widths [in, h1, …]. */
function mlpParams(widths: number[]): number {
  let n = 0;
  for (let i = 1; i < widths.length; i++) n += widths[i - 1] * widths[i] + widths[i];
  return n;
}

/** Hand count of a model's scalars from its config (independent of the implementation). */
function expectedParams(c: ModelConfig): number {
  const T = c.numTasks;
  const F_ = c.numFeatures;
  const H = c.expertHidden[c.expertHidden.length - 1];
  const towers = (inSize: number): number => T * mlpParams([inSize, ...c.towerHidden, 1]);
  switch (c.model) {
    case 'single_task':
      return T * mlpParams([F_, ...c.bottomHidden, ...c.towerHidden, 1]);
    case 'share_bottom':
      return mlpParams([F_, ...c.bottomHidden]) + towers(c.bottomHidden[c.bottomHidden.length - 1]);
    case 'mmoe':
      return (
        c.numExperts * mlpParams([F_, ...c.expertHidden]) +
        T * mlpParams([F_, ...c.gateHidden, c.numExperts]) +
        towers(H)
      );
    case 'ple': {
      const S = c.numExperts;
      const P = c.expertsPerTask;
      const E = S + T * P;
      let n = towers(H);
      for (let l = 0; l < c.levels; l++) {
        const inSize = l === 0 ? F_ : H;
        n += E * mlpParams([inSize, ...c.expertHidden]);
        n += T * mlpParams([inSize, ...c.gateHidden, S + P]);
        if (l < c.levels - 1) n += mlpParams([inSize, ...c.gateHidden, E]);
      }
      return n;
    }
  }
}

function variableValues(m: MultiTaskModel): Map<string, Float32Array> {
  return new Map(m.variables.map((v) => [stableName(v), v.dataSync() as Float32Array]));
}

describe('models (every registered model)', () => {
  beforeAll(async () => {
    await useNodeBackend('wasm');
  });
  afterAll(async () => {
    await useNodeBackend('wasm');
  });

  it('lists the four models in order, each with a label and description', () => {
    const models = listModels();
    expect(models.map((m) => m.name)).toEqual(['single_task', 'share_bottom', 'mmoe', 'ple']);
    for (const m of models) {
      expect(m.label.length).toBeGreaterThan(0);
      expect(m.description.length).toBeGreaterThan(20);
    }
  });

  for (const info of listModels()) {
    describe(info.name, () => {
      for (const numTasks of [1, 2, 3]) {
        for (const config of variants(info.name, numTasks)) {
          it(`forward gives finite logits [B, T] (${describeConfig(config)})`, () => {
            const model = createModel(config);
            try {
              for (const batch of [1, 7]) {
                tf.tidy(() => {
                  const x = tf.randomNormal([batch, F], 0, 1, 'float32', 1) as tf.Tensor2D;
                  const y = model.forward(x);
                  expect(y.shape).toEqual([batch, numTasks]);
                  for (const v of y.dataSync()) expect(Number.isFinite(v)).toBe(true);
                });
              }
            } finally {
              model.dispose();
            }
          });

          it(`every variable gets a non-zero gradient (${describeConfig(config)})`, () => {
            const model = createModel(config);
            const { x, y } = toyBatch(16, numTasks, 2);
            try {
              tf.tidy(() => {
                const { grads } = tf.variableGrads(() => bce(model.forward(x), y), model.variables);
                expect(Object.keys(grads).length).toBe(model.variables.length);
                for (const v of model.variables) {
                  const g = grads[v.name];
                  expect(g.shape).toEqual(v.shape);
                  const maxAbs = tf.max(tf.abs(g)).dataSync()[0];
                  expect(maxAbs, `gradient of ${stableName(v)}`).toBeGreaterThan(0);
                  expect(Number.isFinite(maxAbs)).toBe(true);
                }
              });
            } finally {
              x.dispose();
              y.dispose();
              model.dispose();
            }
          });
        }
      }

      it('gateLayout matches gates() shapes; gates sum to 1', () => {
        for (const config of variants(info.name, 3)) {
          const model = createModel(config);
          const taskNames = ['completion', 'like', 'share'];
          const layout = model.gateLayout(taskNames);
          tf.tidy(() => {
            const gates = model.gates(tf.randomNormal([5, F], 0, 1, 'float32', 4) as tf.Tensor2D);
            expect(gates.length).toBe(layout.length);
            if (info.name === 'mmoe' || info.name === 'ple')
              expect(gates.length).toBeGreaterThan(0);
            gates.forEach((g, l) => {
              expect(layout[l].level).toBe(l);
              expect(g.shape).toEqual([5, layout[l].gates.length, layout[l].experts.length]);
              for (const s of tf.sum(g, -1).dataSync()) expect(s).toBeCloseTo(1, 5);
            });
          });
          expect(() => model.gateLayout(['only one'])).toThrow(/task names/);
          model.dispose();
        }
      });

      it('parameterCount equals a hand count and the sum of variable sizes', () => {
        for (const numTasks of [1, 2, 3]) {
          for (const config of variants(info.name, numTasks)) {
            const model = createModel(config);
            expect(model.parameterCount()).toBe(expectedParams(config));
            expect(model.parameterCount()).toBe(model.variables.reduce((n, v) => n + v.size, 0));
            model.dispose();
          }
        }
      });

      it('seeded init: same seed → same weights, other seed → different, never constant', () => {
        const config = variants(info.name, 2)[1];
        const a = createModel(config);
        const b = createModel(config); // coexists: registered names are unique per instance
        const c = createModel({ ...config, seed: config.seed + 1 });
        const zeroSeedA = createModel({ ...config, seed: 0 });
        const zeroSeedB = createModel({ ...config, seed: 0 });
        try {
          expect(new Set([...a.variables, ...b.variables].map((v) => v.name)).size).toBe(
            2 * a.variables.length,
          );
          expect(a.variables.map(stableName)).toEqual(b.variables.map(stableName));
          expect(a.variables.map(stableName).every((n) => n.startsWith(`${info.name}/`))).toBe(
            true,
          );
          const va = variableValues(a);
          expect(variableValues(b)).toEqual(va);
          expect(variableValues(zeroSeedB)).toEqual(variableValues(zeroSeedA));
          const vc = variableValues(c);
          for (const [name, values] of va) {
            if (name.endsWith('/kernel')) {
              expect(vc.get(name), name).not.toEqual(values);
              // Units differ: almost every weight is distinct (no constant init).
              expect(new Set(values).size, name).toBeGreaterThan(values.length * 0.9);
            } else {
              expect(values.every((v) => v === 0)).toBe(true); // biases start at zero
            }
          }
        } finally {
          for (const m of [a, b, c, zeroSeedA, zeroSeedB]) m.dispose();
        }
      });

      it('tensor count returns to baseline after forward/gates in tidy and after dispose', () => {
        const baseline = tf.memory().numTensors;
        const model = createModel(variants(info.name, 2)[1]);
        const withModel = tf.memory().numTensors;
        expect(withModel).toBe(baseline + model.variables.length);
        const x = tf.randomNormal([7, F], 0, 1, 'float32', 5) as tf.Tensor2D;
        for (let i = 0; i < 3; i++) {
          tf.tidy(() => {
            model.forward(x).dataSync();
            model.gates(x).forEach((g) => g.dataSync());
          });
          expect(tf.memory().numTensors).toBe(withModel + 1);
        }
        // Outside a tidy only the returned tensor survives (the model tidies its intermediates).
        const y = model.forward(x);
        expect(tf.memory().numTensors).toBe(withModel + 2);
        y.dispose();
        x.dispose();
        model.dispose();
        model.dispose(); // idempotent
        expect(tf.memory().numTensors).toBe(baseline);
      });

      for (const backend of BACKENDS) {
        it(`trains on ${backend}: Adam steps lower the loss, tensors stay flat`, async () => {
          await useNodeBackend(backend);
          const config = variants(info.name, 2)[0];
          const model = createModel(config);
          const { x, y } = toyBatch(32, 2, 6);
          const optimizer = tf.train.adam(0.02, 0.9, 0.999, 1e-7);
          try {
            const losses: number[] = [];
            let tensorsAfterFirst = -1;
            for (let step = 0; step < 20; step++) {
              const loss = tf.tidy(() => {
                const l = optimizer.minimize(() => bce(model.forward(x), y), true, model.variables);
                return l ? l.dataSync()[0] : NaN;
              });
              losses.push(loss);
              if (step === 0) tensorsAfterFirst = tf.memory().numTensors;
            }
            expect(tf.memory().numTensors).toBe(tensorsAfterFirst);
            for (const l of losses) expect(Number.isFinite(l)).toBe(true);
            expect(losses[losses.length - 1]).toBeLessThan(losses[0] * 0.9);
          } finally {
            optimizer.dispose();
            x.dispose();
            y.dispose();
            model.dispose();
            await useNodeBackend('wasm');
          }
        });
      }

      it('wasm and cpu outputs agree within 1e-4', async () => {
        const outputs: Float32Array[] = [];
        for (const backend of BACKENDS) {
          await useNodeBackend(backend);
          for (const config of variants(info.name, 3)) {
            const model = createModel(config);
            outputs.push(
              tf.tidy(() => {
                const x = tf.randomNormal([9, F], 0, 1, 'float32', 12) as tf.Tensor2D;
                const gates = model.gates(x).map((g) => g.flatten());
                return tf.concat([model.forward(x).flatten(), ...gates]).dataSync() as Float32Array;
              }),
            );
            model.dispose();
          }
        }
        await useNodeBackend('wasm');
        const half = outputs.length / 2;
        for (let i = 0; i < half; i++) {
          const [a, b] = [outputs[i], outputs[i + half]];
          expect(a.length).toBe(b.length);
          let maxDiff = 0;
          for (let j = 0; j < a.length; j++) maxDiff = Math.max(maxDiff, Math.abs(a[j] - b[j]));
          expect(maxDiff).toBeLessThan(1e-4);
          expect(a.some((v) => v !== 0)).toBe(true);
        }
      });
    });
  }
});

describe('PLE gate isolation', () => {
  beforeAll(async () => {
    await useNodeBackend('wasm');
  });

  const T = 3;
  const S = 2;
  const P = 2;
  const ownColumns = (k: number): number[] => Array.from({ length: P }, (_, i) => S + k * P + i);

  it("a task's gate gives exactly 0 to other tasks' experts on every level", () => {
    for (const levels of [1, 3]) {
      const model = createModel({
        ...defaultModelConfig('ple', F, T),
        numExperts: S,
        expertsPerTask: P,
        levels,
        gateHidden: [4],
      });
      tf.tidy(() => {
        const gates = model.gates(tf.randomNormal([8, F], 0, 1, 'float32', 21) as tf.Tensor2D);
        expect(gates.length).toBe(levels);
        gates.forEach((g, l) => {
          const w = g.arraySync();
          const hasSharedGate = l < levels - 1;
          expect(g.shape[1]).toBe(hasSharedGate ? T + 1 : T);
          for (const row of w) {
            for (let k = 0; k < T; k++) {
              const reachable = new Set([0, 1, ...ownColumns(k)]);
              let sum = 0;
              row[k].forEach((weight, e) => {
                if (reachable.has(e)) {
                  expect(weight).toBeGreaterThan(0);
                  sum += weight;
                } else {
                  expect(weight).toBe(0);
                }
              });
              expect(sum).toBeCloseTo(1, 5);
            }
            // The shared gate reaches every expert.
            if (hasSharedGate) for (const weight of row[T]) expect(weight).toBeGreaterThan(0);
          }
        });
      });
      model.dispose();
    }
  });

  for (const expertHidden of [[5], [5, 4]]) {
    it(`task k's logit has exactly zero gradient w.r.t. task j's private experts (experts ${JSON.stringify(
      expertHidden,
    )})`, () => {
      const model = createModel({
        ...defaultModelConfig('ple', F, T),
        numExperts: S,
        expertsPerTask: P,
        expertHidden,
        levels: 1,
      });
      const expertVars = model.variables.filter((v) =>
        stableName(v).startsWith('ple/level0/experts/'),
      );
      expect(expertVars.length).toBe(2 * expertHidden.length);
      tf.tidy(() => {
        const x = tf.randomNormal([16, F], 0, 1, 'float32', 22) as tf.Tensor2D;
        for (let k = 0; k < T; k++) {
          const { grads } = tf.variableGrads(
            () => tf.sum(tf.slice(model.forward(x), [0, k], [-1, 1])),
            expertVars,
          );
          for (const v of expertVars) {
            const name = stableName(v);
            const g = grads[v.name];
            // Expert e's slice of this variable: fused first layer = column block, later = row.
            const slice = (e: number): tf.Tensor => {
              if (name.includes('/l0/')) {
                const width = expertHidden[0];
                return v.rank === 2
                  ? tf.slice(g, [0, e * width], [-1, width])
                  : tf.slice(g, [e * width], [width]);
              }
              return tf.slice(g, [e, 0, 0], [1, -1, -1]);
            };
            for (let j = 0; j < T; j++) {
              for (const e of ownColumns(j)) {
                const maxAbs = tf.max(tf.abs(slice(e))).dataSync()[0];
                if (j === k) expect(maxAbs, `${name} own expert ${e}`).toBeGreaterThan(0);
                else expect(maxAbs, `${name} task ${k} → expert ${e}`).toBe(0);
              }
            }
            // Shared experts do receive gradient from every task.
            expect(tf.max(tf.abs(slice(0))).dataSync()[0]).toBeGreaterThan(0);
          }
        }
      });
      model.dispose();
    });
  }
});

describe('presets', () => {
  beforeAll(async () => {
    await useNodeBackend('wasm');
  });

  it('PaddleRec census presets (499 features, 2 tasks) build with sane parameter counts', () => {
    expect(Object.keys(PRESETS).sort()).toEqual(['mmoe', 'ple', 'share_bottom', 'single_task']);
    const counts: Record<string, number> = {};
    for (const name of Object.keys(PRESETS)) {
      const { model: config, train } = resolvePreset(name, 499, 2);
      expect(config.model).toBe(name);
      expect(validateModelConfig(config)).toEqual([]);
      expect(train).toMatchObject({ learningRate: 0.001, batchSize: 32 });
      const model = createModel(config);
      counts[name] = model.parameterCount();
      expect(counts[name]).toBe(expectedParams(config));
      model.dispose();
    }
    console.log('PaddleRec census preset parameter counts (F=499, T=2):', counts);
    // Sane: tens of thousands, dominated by the 499-wide first layers.
    for (const n of Object.values(counts)) {
      expect(n).toBeGreaterThan(499 * 16 * 2);
      expect(n).toBeLessThan(500_000);
    }
    expect(resolvePreset('mmoe', 499, 2).model).toMatchObject({
      numExperts: 8,
      expertHidden: [16],
      gateHidden: [],
      towerHidden: [8],
    });
    expect(resolvePreset('ple', 499, 2).model).toMatchObject({
      levels: 1,
      numExperts: 2,
      expertsPerTask: 3,
    });
    expect(resolvePreset('share_bottom', 499, 2).model).toMatchObject({
      bottomHidden: [117],
      towerHidden: [8],
    });
    expect(() => resolvePreset('nope', 499, 2)).toThrow(/Unknown preset/);
  });
});

describe('validateModelConfig', () => {
  it('accepts every default config', () => {
    for (const { name } of listModels()) {
      expect(validateModelConfig(defaultModelConfig(name, 10, 2))).toEqual([]);
    }
  });

  it('names each invalid setting, and createModel throws with all of them', () => {
    const ple = defaultModelConfig('ple', 10, 2);
    const cases: [ModelConfig, RegExp][] = [
      [{ ...ple, numTasks: 0 }, /numTasks/],
      [{ ...ple, numFeatures: 0 }, /numFeatures/],
      [{ ...ple, levels: 0 }, /levels/],
      [{ ...ple, gateHidden: [4, 4, 4, 4] }, /at most 3/],
      [{ ...ple, expertsPerTask: 0 }, /expertsPerTask/],
      [{ ...ple, numExperts: 0 }, /numExperts/],
      [{ ...ple, expertHidden: [] }, /expertHidden needs at least 1/],
      [{ ...ple, expertHidden: [8, 0] }, /expertHidden widths must be positive/],
      [{ ...ple, towerHidden: [-3] }, /towerHidden widths must be positive/],
      [{ ...ple, seed: 1.5 }, /seed/],
      [{ ...defaultModelConfig('mmoe', 10, 2), numExperts: 0 }, /numExperts/],
      [{ ...defaultModelConfig('share_bottom', 10, 2), bottomHidden: [] }, /bottomHidden/],
      [{ ...defaultModelConfig('single_task', 10, 2), bottomHidden: [2.5] }, /bottomHidden/],
      [{ ...ple, model: 'nope' as ModelName }, /Unknown model/],
    ];
    for (const [config, pattern] of cases) {
      const problems = validateModelConfig(config);
      expect(problems.length, JSON.stringify(config)).toBe(1);
      expect(problems[0]).toMatch(pattern);
    }
    const bad = { ...ple, numTasks: 0, levels: 0 };
    expect(validateModelConfig(bad)).toHaveLength(2);
    expect(() => createModel(bad)).toThrow(/numTasks.*; levels/);
    // Fields a model does not read are not checked (MMoE has no levels).
    expect(validateModelConfig({ ...defaultModelConfig('mmoe', 10, 2), levels: 0 })).toEqual([]);
  });
});
