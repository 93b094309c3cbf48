/**
 * Warm start from a 2-task model into a 3-task one (completion + like → + share), for every
 * registered model and mode: what is loaded, new or skipped (and why), loaded values equal the
 * source's, the new task's members keep their fresh initialisation, and with 'all-matching' the
 * old tasks' outputs are unchanged (PLE: with 1 level; documented otherwise).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createModel,
  defaultModelConfig,
  listModels,
  stableName,
  type ModelConfig,
  type ModelName,
  type MultiTaskModel,
} from '../../src/engine/models';
import { useNodeBackend } from '../../src/engine/testing/nodeBackend';
import {
  describeWarmStart,
  paramGroup,
  warmStart,
  type WarmStartMode,
} from '../../src/engine/train/warmStart';

const F = 5;

function config(name: ModelName, numTasks: number, extra: Partial<ModelConfig> = {}): ModelConfig {
  return {
    ...defaultModelConfig(name, F, numTasks),
    bottomHidden: [6],
    expertHidden: [5],
    numExperts: name === 'ple' ? 2 : 3,
    expertsPerTask: 2,
    towerHidden: [4],
    gateHidden: [3],
    inputs: { categorical: [{ column: 4, vocabSize: 7, dim: 3 }] },
    ...extra,
  };
}

/** A trained-looking source: its variables moved away from their initial values. */
function source(name: ModelName, extra: Partial<ModelConfig> = {}): MultiTaskModel {
  const m = createModel({ ...config(name, 2, extra), seed: 11 });
  for (const v of m.variables) {
    v.assign(tf.tidy(() => tf.add(v, tf.randomUniform(v.shape, -0.5, 0.5, 'float32', 5))));
  }
  return m;
}

function values(m: MultiTaskModel): Map<string, { shape: number[]; data: Float32Array }> {
  return new Map(
    m.variables.map((v) => [
      stableName(v),
      { shape: [...v.shape], data: v.dataSync() as Float32Array },
    ]),
  );
}

/** Row-major index of `idx` in `shape`. */
function flat(idx: number[], shape: number[]): number {
  return idx.reduce((acc, i, k) => acc * shape[k] + i, 0);
}

/** Checks the leading block of `target` equals `src` and every other entry equals `fresh`. */
function expectLeadingBlock(
  src: { shape: number[]; data: Float32Array },
  target: Float32Array,
  fresh: Float32Array,
  shape: number[],
): void {
  let inside = 0;
  let outside = 0;
  const idx = shape.map(() => 0);
  for (let n = 0; n < target.length; n++) {
    const isInside = idx.every((i, k) => i < src.shape[k]);
    if (isInside) {
      expect(target[n]).toBe(src.data[flat(idx, src.shape)]);
      inside++;
    } else {
      expect(target[n]).toBe(fresh[n]);
      outside++;
    }
    for (let k = shape.length - 1; k >= 0; k--) {
      if (++idx[k] < shape[k]) break;
      idx[k] = 0;
    }
  }
  expect(inside).toBe(src.data.length);
  expect(outside).toBeGreaterThan(0);
}

/** A batch with a valid id in the categorical column 4. */
function batch(): tf.Tensor2D {
  return tf.tidy(() => {
    const num = tf.randomNormal([9, 4], 0, 1, 'float32', 21);
    const ids = tf.tensor2d([0, 1, 2, 3, 4, 5, 6, 2, 1], [9, 1]);
    return tf.concat([num, ids], 1) as tf.Tensor2D;
  });
}

beforeAll(async () => {
  await useNodeBackend('wasm');
});

describe('warm start 2 → 3 tasks', () => {
  for (const info of listModels()) {
    const name = info.name;

    it(`${name}: all-matching loads everything, old-task blocks exactly, new task fresh`, () => {
      const from = source(name);
      const to = createModel({ ...config(name, 3), seed: 12 });
      const x = batch();
      try {
        const src = values(from);
        const fresh = values(to);
        const report = warmStart(from, to, 'all-matching');
        expect(report.new).toEqual([]);
        expect(report.skipped).toEqual([]);
        expect(report.unused).toEqual([]);
        expect(report.loaded.map((e) => e.name).sort()).toEqual([...src.keys()].sort());
        const after = values(to);
        let partial = 0;
        for (const e of report.loaded) {
          const s = src.get(e.name);
          const a = after.get(e.name);
          const f = fresh.get(e.name);
          if (!s || !a || !f) throw new Error(`missing ${e.name}`);
          if (e.partial) {
            partial++;
            expectLeadingBlock(s, a.data, f.data, a.shape);
          } else {
            expect(a.shape).toEqual(s.shape);
            expect(Array.from(a.data)).toEqual(Array.from(s.data));
          }
        }
        // Towers (and the single-task nets) are fused across tasks: they must grow.
        expect(partial).toBeGreaterThan(0);
        expect(
          report.loaded.filter((e) => e.partial).every((e) => paramGroup(e.name) !== 'embeddings'),
        ).toBe(true);
        // The two old tasks see exactly the source's outputs (1 level for PLE).
        const [a, b] = tf.tidy(() => [
          from.forward(x).arraySync(),
          tf.slice(to.forward(x), [0, 0], [-1, 2]).arraySync(),
        ]);
        expect(b).toEqual(a);
        expect(describeWarmStart(report)[0]).toMatch(/all-matching/);
      } finally {
        x.dispose();
        from.dispose();
        to.dispose();
      }
    });

    it(`${name}: cold loads nothing; embeddings / embeddings+experts select their groups`, () => {
      const from = source(name);
      try {
        const expectations: [WarmStartMode, (g: string) => boolean][] = [
          ['cold', () => false],
          ['embeddings', (g) => g === 'embeddings'],
          ['embeddings+experts', (g) => g !== 'other'],
        ];
        for (const [mode, chosen] of expectations) {
          const to = createModel({ ...config(name, 3), seed: 12 });
          try {
            const fresh = values(to);
            const report = warmStart(from, to, mode);
            const after = values(to);
            const all = [...report.loaded, ...report.skipped];
            expect(all.length + report.new.length).toBe(to.variables.length);
            for (const e of report.loaded) expect(chosen(e.group)).toBe(true);
            for (const e of report.skipped) {
              expect(e.reason).toBe('not selected by mode');
              expect(chosen(e.group)).toBe(false);
              // Not loaded: still the fresh initialisation.
              expect(Array.from(after.get(e.name)?.data ?? [])).toEqual(
                Array.from(fresh.get(e.name)?.data ?? []),
              );
            }
            if (mode === 'cold') expect(report.loaded).toEqual([]);
            else {
              expect(report.loaded.some((e) => e.group === 'embeddings')).toBe(true);
            }
            if (mode === 'embeddings+experts' && name !== 'single_task') {
              expect(report.loaded.some((e) => e.group === 'experts')).toBe(true);
            }
          } finally {
            to.dispose();
          }
        }
      } finally {
        from.dispose();
      }
    });
  }

  it('ple: task-specific experts grow (old tasks’ experts copied, new task’s fresh)', () => {
    const from = source('ple');
    const to = createModel({ ...config('ple', 3), seed: 12 });
    try {
      const report = warmStart(from, to, 'embeddings+experts');
      const experts = report.loaded.find((e) => e.name === 'ple/level0/experts/l0/kernel');
      // E = S + T·P = 2 + 2·2 = 6 → 2 + 3·2 = 8 experts of width 5, fused on the column axis.
      expect(experts).toMatchObject({
        partial: true,
        sourceShape: [F - 1 + 3, 30],
        shape: [7, 40],
      });
    } finally {
      from.dispose();
      to.dispose();
    }
  });

  it('ple with 2 levels: everything loads, but the shared gate sees the new experts', () => {
    const from = source('ple', { levels: 2 });
    const to = createModel({ ...config('ple', 3, { levels: 2 }), seed: 12 });
    const x = batch();
    try {
      const report = warmStart(from, to, 'all-matching');
      expect(report.skipped).toEqual([]);
      expect(report.loaded.some((e) => e.name.includes('shared_gate') && e.partial)).toBe(true);
      const differs = tf.tidy(
        () =>
          tf
            .max(tf.abs(tf.sub(from.forward(x), tf.slice(to.forward(x), [0, 0], [-1, 2]))))
            .dataSync()[0],
      );
      expect(differs).toBeGreaterThan(0);
    } finally {
      x.dispose();
      from.dispose();
      to.dispose();
    }
  });

  it('shape mismatches are skipped with the reason; weights without a config never grow', () => {
    const from = source('mmoe');
    const wider = createModel({ ...config('mmoe', 3, { expertHidden: [7] }), seed: 12 });
    const same = createModel({ ...config('mmoe', 3), seed: 12 });
    try {
      const r1 = warmStart(from, wider, 'all-matching');
      const mismatch = r1.skipped.filter((e) => e.reason === 'shape mismatch').map((e) => e.name);
      expect(mismatch).toContain('mmoe/experts/l0/kernel');
      // Other config ⇒ no partial loads at all; the embedding table still matches exactly.
      expect(r1.loaded.every((e) => !e.partial)).toBe(true);
      expect(r1.loaded.map((e) => e.name)).toContain('input/embedding/c4');

      const weights: tf.NamedTensorMap = {};
      for (const v of from.variables) weights[stableName(v)] = v;
      const r2 = warmStart({ weights }, same, 'all-matching');
      expect(r2.skipped.map((e) => e.name)).toContain('mmoe/towers/l0/kernel');
      expect(r2.skipped.every((e) => e.reason === 'shape mismatch')).toBe(true);
      const r3 = warmStart({ weights, config: from.config }, same, 'all-matching');
      expect(r3.skipped).toEqual([]);
      expect(() => warmStart(from, same, 'everything' as WarmStartMode)).toThrow(/Unknown/);
    } finally {
      from.dispose();
      wider.dispose();
      same.dispose();
    }
  });

  it('a model without categorical inputs reports its source tables as unused', () => {
    const from = source('share_bottom');
    const to = createModel({ ...config('share_bottom', 3), numFeatures: 5, inputs: undefined });
    try {
      const r = warmStart(from, to, 'all-matching');
      expect(r.unused).toEqual(['input/embedding/c4']);
      expect(r.skipped.map((e) => e.name)).toContain('share_bottom/bottom/l0/kernel');
    } finally {
      from.dispose();
      to.dispose();
    }
  });
});
