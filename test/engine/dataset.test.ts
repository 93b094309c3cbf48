import { describe, expect, it } from 'vitest';
import {
  allRows,
  datasetBytes,
  featureNames,
  fillBatch,
  numFeatures,
  numTasks,
  positiveRates,
  selectRows,
} from '../../src/engine/data/dataset';
import { mulberry32, normal, shuffleInPlace } from '../../src/engine/data/random';
import { fitScaling, scaleValue } from '../../src/engine/data/scaling';
import { assertCompatible, randomSplit, splitsFromFiles } from '../../src/engine/data/split';
import type { Dataset } from '../../src/engine/data/types';

/** 6 rows; features: a binary column and two float columns. */
function tiny(): Dataset {
  return {
    numRows: 6,
    taskNames: ['completion', 'like'],
    labels: [Uint8Array.from([1, 0, 1, 0, 1, 1]), Uint8Array.from([0, 0, 1, 0, 0, 1])],
    features: [
      { name: 'b', kind: 'binary', values: Uint8Array.from([1, 0, 0, 1, 1, 0]) },
      { name: 'x', kind: 'float', values: Float32Array.from([1, 2, 3, 4, 100, -100]) },
      { name: 'gain', kind: 'float', values: Float32Array.from([0, 0, 0, 0, 0, 99999]) },
    ],
  };
}

describe('dataset helpers', () => {
  it('reports shape, names, bytes and positive rates', () => {
    const d = tiny();
    expect(numFeatures(d)).toBe(3);
    expect(numTasks(d)).toBe(2);
    expect(featureNames(d)).toEqual(['b', 'x', 'gain']);
    expect(datasetBytes(d)).toBe(6 + 6 + 6 + 24 + 24);
    expect(Array.from(allRows(d).rows)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(positiveRates(allRows(d))).toEqual([4 / 6, 2 / 6]);
    const sub = selectRows({ data: d, rows: Uint32Array.from([5, 3, 1]) }, [2, 0]);
    expect(Array.from(sub.rows)).toEqual([1, 5]);
    expect(() => selectRows(sub, [2])).toThrow(RangeError);
  });

  it('fillBatch writes row-major [count, F] features and [count, T] labels (raw)', () => {
    const d = tiny();
    const scaling = fitScaling(allRows(d), 'raw');
    const x = new Float32Array(4 * 3).fill(-7);
    const y = new Float32Array(4 * 2).fill(-7);
    const ids = Uint32Array.from([5, 2, 0, 4]);
    fillBatch(d, ids, 1, 2, scaling, x, y);
    expect(Array.from(x.subarray(0, 6))).toEqual([0, 3, 0, 1, 1, 0]);
    expect(Array.from(y.subarray(0, 4))).toEqual([1, 1, 1, 0]);
    // Only count·F / count·T entries are touched.
    expect(Array.from(x.subarray(6))).toEqual([-7, -7, -7, -7, -7, -7]);
    expect(Array.from(y.subarray(4))).toEqual([-7, -7, -7, -7]);
    expect(() => fillBatch(d, ids, 3, 2, scaling, x, y)).toThrow(RangeError);
    expect(() => fillBatch(d, ids, 0, 4, scaling, new Float32Array(11), y)).toThrow(RangeError);
  });

  it('fillBatch applies the standard scaling exactly as scaleValue does', () => {
    const d = tiny();
    const rs = allRows(d);
    const scaling = fitScaling(rs, 'standard');
    const x = new Float32Array(6 * 3);
    const y = new Float32Array(6 * 2);
    fillBatch(d, rs.rows, 0, 6, scaling, x, y);
    for (let i = 0; i < 6; i++) {
      for (let f = 0; f < 3; f++) {
        const expected = scaleValue(scaling, f, d.features[f].values[i]);
        expect(x[i * 3 + f]).toBeCloseTo(expected, 5);
      }
    }
    // Binary column untouched; standardised columns have mean 0 over the fitted rows.
    expect([0, 1, 2, 3, 4, 5].map((i) => x[i * 3])).toEqual([1, 0, 0, 1, 1, 0]);
    const mean = (f: number): number =>
      [0, 1, 2, 3, 4, 5].reduce((a, i) => a + x[i * 3 + f], 0) / 6;
    expect(mean(1)).toBeCloseTo(0, 5);
    expect(mean(2)).toBeCloseTo(0, 5);
  });
});

describe('fitScaling', () => {
  it('uses identity for binary columns and log1p only for heavy-tailed non-negative ones', () => {
    const n = 200;
    const d: Dataset = {
      numRows: n,
      taskNames: ['t'],
      labels: [new Uint8Array(n)],
      features: [
        { name: 'b', kind: 'binary', values: Uint8Array.from({ length: n }, (_, i) => i % 2) },
        { name: 'age', kind: 'float', values: Float32Array.from({ length: n }, (_, i) => i % 91) },
        {
          name: 'signed',
          kind: 'float',
          values: Float32Array.from({ length: n }, (_, i) => (i === 0 ? -1 : i === 1 ? 1e5 : 0)),
        },
        {
          name: 'gain',
          kind: 'float',
          values: Float32Array.from({ length: n }, (_, i) => (i % 100 === 0 ? 50000 : 0)),
        },
      ],
    };
    const s = fitScaling(allRows(d), 'standard');
    expect(s.mode).toBe('standard');
    expect(s.columns[0]).toEqual({ name: 'b', log: false, mean: 0, std: 1 });
    expect(s.columns[1].log).toBe(false); // bounded, not skewed
    expect(s.columns[2].log).toBe(false); // skewed but has a negative value
    expect(s.columns[3].log).toBe(true); // min 0, max = 100 × mean
    expect(s.columns[3].mean).toBeCloseTo((2 * Math.log1p(50000)) / n, 9);
    expect(scaleValue(s, 3, -5)).toBe(scaleValue(s, 3, 0)); // negatives clamp before log1p
    expect(scaleValue(s, 3, 50000)).toBeCloseTo(
      (Math.log1p(50000) - s.columns[3].mean) / s.columns[3].std,
      9,
    );
  });

  it('is fitted on the training rows only, and std 0 becomes 1', () => {
    const d = tiny();
    const train = { data: d, rows: Uint32Array.from([0, 1, 2, 3]) };
    const s = fitScaling(train, 'standard');
    const xs = [1, 2, 3, 4];
    const m = xs.reduce((a, b) => a + b, 0) / 4;
    const sd = Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / 4);
    expect(s.columns[1]).toEqual({ name: 'x', log: false, mean: m, std: sd });
    // 'gain' is all 0 on these rows: no spread, no log.
    expect(s.columns[2]).toEqual({ name: 'gain', log: false, mean: 0, std: 1 });
    expect(scaleValue(s, 1, 4)).toBeCloseTo((4 - m) / sd, 12);
  });

  it("'raw' is the identity", () => {
    const s = fitScaling(allRows(tiny()), 'raw');
    expect(s.columns.every((c) => !c.log && c.mean === 0 && c.std === 1)).toBe(true);
    expect(scaleValue(s, 2, 99999)).toBe(99999);
  });
});

describe('splits', () => {
  const big = (n: number, features = 2, tasks = 2): Dataset => ({
    numRows: n,
    taskNames: Array.from({ length: tasks }, (_, t) => `t${t}`),
    labels: Array.from({ length: tasks }, () => new Uint8Array(n)),
    features: Array.from({ length: features }, (_, f) => ({
      name: `f${f}`,
      kind: 'float' as const,
      values: Float32Array.from({ length: n }, (_, i) => i),
    })),
  });

  it('randomSplit is seeded, disjoint, complete and sized by the fractions', () => {
    const d = big(1000);
    const a = randomSplit(d, { val: 0.1, test: 0.2 }, 7);
    const b = randomSplit(d, { val: 0.1, test: 0.2 }, 7);
    const c = randomSplit(d, { val: 0.1, test: 0.2 }, 8);
    expect(a.train.rows.length).toBe(700);
    expect(a.val.rows.length).toBe(100);
    expect(a.test.rows.length).toBe(200);
    expect(Array.from(a.train.rows)).toEqual(Array.from(b.train.rows));
    expect(Array.from(a.test.rows)).toEqual(Array.from(b.test.rows));
    expect(Array.from(a.test.rows)).not.toEqual(Array.from(c.test.rows));
    const all = [...a.train.rows, ...a.val.rows, ...a.test.rows].sort((p, q) => p - q);
    expect(all).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(a.train.data).toBe(d);
    expect(() => randomSplit(d, { val: 0.5, test: 0.5 }, 1)).toThrow(RangeError);
  });

  it('combines separate files and checks they match the training file', () => {
    const train = big(100);
    const val = big(30);
    const s = splitsFromFiles({ train, val }, { val: 0.2, test: 0.1 }, 3);
    expect(s.val.data).toBe(val);
    expect(s.val.rows.length).toBe(30);
    expect(s.train.rows.length + s.test.rows.length).toBe(100);
    expect(s.test.rows.length).toBe(10);
    expect(() => assertCompatible(train, big(10, 3), 'The test file')).toThrow(
      'The test file does not match the training file: it has 3 feature columns instead of 2.',
    );
    expect(() => splitsFromFiles({ train, val: big(5, 2, 1) }, { val: 0, test: 0 }, 1)).toThrow(
      'The validation file does not match the training file: it has 1 tasks instead of 2.',
    );
  });
});

describe('random', () => {
  it('mulberry32 is deterministic per seed and uniform-ish in [0,1)', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const c = mulberry32(43);
    const xs = Array.from({ length: 10000 }, () => a());
    expect(xs.slice(0, 5)).toEqual(Array.from({ length: 5 }, () => b()));
    expect(xs[0]).not.toBe(c());
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(xs.reduce((s, v) => s + v, 0) / xs.length).toBeCloseTo(0.5, 1);
  });

  it('shuffleInPlace permutes typed arrays reproducibly; normal has mean 0, variance 1', () => {
    const p = shuffleInPlace(
      Uint32Array.from({ length: 100 }, (_, i) => i),
      mulberry32(1),
    );
    const q = shuffleInPlace(
      Uint32Array.from({ length: 100 }, (_, i) => i),
      mulberry32(1),
    );
    expect(Array.from(p)).toEqual(Array.from(q));
    expect(Array.from(p)).not.toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(Array.from(p).sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    const rng = mulberry32(5);
    const z = Array.from({ length: 20000 }, () => normal(rng));
    const m = z.reduce((s, v) => s + v, 0) / z.length;
    const v = z.reduce((s, x) => s + (x - m) ** 2, 0) / z.length;
    expect(Math.abs(m)).toBeLessThan(0.03);
    expect(Math.abs(v - 1)).toBeLessThan(0.05);
  });
});
