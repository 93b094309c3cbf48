import { describe, expect, it } from 'vitest';
import {
  correlatedRegression,
  generateCorrelated,
  generateShortVideo,
} from '../../src/engine/data/synthetic';
import type { Dataset } from '../../src/engine/data/types';

function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i];
    mb += b[i];
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}

/** Mann–Whitney AUC of a score against 0/1 labels (average ranks for ties). */
function auc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const idx = Array.from({ length: scores.length }, (_, i) => i).sort(
    (p, q) => scores[p] - scores[q],
  );
  let rankSum = 0;
  let pos = 0;
  for (let i = 0; i < idx.length;) {
    let j = i;
    while (j < idx.length && scores[idx[j]] === scores[idx[i]]) j++;
    const avg = (i + j + 1) / 2;
    for (let k = i; k < j; k++) if (labels[idx[k]] === 1) rankSum += avg;
    i = j;
  }
  for (let i = 0; i < labels.length; i++) pos += labels[i];
  const neg = labels.length - pos;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

const arrays = (d: Dataset): number[][] => [
  ...d.labels.map((l) => Array.from(l)),
  ...d.features.map((c) => Array.from(c.values)),
];

const rate = (l: Uint8Array): number => l.reduce((a, b) => a + b, 0) / l.length;

describe('generateCorrelated (MMoE paper synthetic data)', () => {
  it('is deterministic per seed and differs across seeds', () => {
    const a = generateCorrelated({ rows: 500, correlation: 0.5, seed: 1 });
    const b = generateCorrelated({ rows: 500, correlation: 0.5, seed: 1 });
    const c = generateCorrelated({ rows: 500, correlation: 0.5, seed: 2 });
    expect(arrays(a)).toEqual(arrays(b));
    expect(arrays(a)).not.toEqual(arrays(c));
    expect(a.taskNames).toEqual(['task_a', 'task_b']);
    expect(a.features).toHaveLength(100);
    expect(a.features.every((f) => f.kind === 'float' && f.values.length === 500)).toBe(true);
    expect(
      generateCorrelated({ rows: 10, correlation: 0, seed: 1, numFeatures: 7 }).features,
    ).toHaveLength(7);
  });

  it('draws each label from Bernoulli(sigmoid(y)): noisy, not a cut of y', () => {
    const opts = { rows: 4000, correlation: 0.3, seed: 3 };
    const d = generateCorrelated(opts);
    const { targets } = correlatedRegression(opts);
    for (let t = 0; t < 2; t++) {
      const y = targets[t];
      const l = d.labels[t];
      // Observed rate of 1s against the mean of sigmoid(y): equal up to sampling noise (±0.008).
      let expected = 0;
      let wrongSide = 0;
      let surprise = 0;
      for (let r = 0; r < y.length; r++) {
        const p = 1 / (1 + Math.exp(-y[r]));
        expected += p / y.length;
        if (l[r] !== (y[r] > 0 ? 1 : 0)) wrongSide++;
        surprise += l[r] === 1 ? Math.log(p) : Math.log(1 - p);
      }
      expect(Math.abs(rate(l) - expected)).toBeLessThan(0.03);
      // A threshold on y would put no row on the wrong side; sigmoid(y) with y ~ N(0, ~1) puts ~25 %.
      expect(wrongSide / y.length).toBeGreaterThan(0.15);
      expect(wrongSide / y.length).toBeLessThan(0.4);
      // The true model's log loss on its own draws: ≈ E[binary entropy], well above 0.
      expect(-surprise / y.length).toBeGreaterThan(0.4);
    }
  });

  it('label correlation grows with ρ', () => {
    const corr = [0, 0.5, 0.9, 1].map((rho) => {
      const { targets } = correlatedRegression({ rows: 4000, correlation: rho, seed: 11 });
      return pearson(targets[0], targets[1]);
    });
    expect(Math.abs(corr[0])).toBeLessThan(0.1);
    expect(corr[1]).toBeGreaterThan(corr[0] + 0.3);
    expect(corr[2]).toBeGreaterThan(corr[1] + 0.2);
    expect(corr[3]).toBeGreaterThan(0.95);
    // The Bernoulli draws are independent given y, so the labels' correlation is smaller than
    // the targets' (≈ 0.2 at ρ = 1) but still follows ρ; sampling std at 8,000 rows ≈ 0.011.
    const bin = [0, 0.5, 1].map((rho) => {
      const d = generateCorrelated({ rows: 8000, correlation: rho, seed: 11 });
      return pearson(d.labels[0], d.labels[1]);
    });
    expect(Math.abs(bin[0])).toBeLessThan(0.04);
    expect(bin[1]).toBeGreaterThan(bin[0] + 0.05);
    expect(bin[2]).toBeGreaterThan(bin[1] + 0.05);
  });

  it('rejects a correlation outside [0, 1]', () => {
    expect(() => generateCorrelated({ rows: 10, correlation: 1.5, seed: 1 })).toThrow(RangeError);
  });
});

describe('generateShortVideo', () => {
  it('is deterministic per seed and differs across seeds', () => {
    const a = generateShortVideo({ rows: 1000, seed: 5 });
    const b = generateShortVideo({ rows: 1000, seed: 5 });
    const c = generateShortVideo({ rows: 1000, seed: 6 });
    expect(arrays(a)).toEqual(arrays(b));
    expect(arrays(a)).not.toEqual(arrays(c));
    expect(a.taskNames).toEqual(['completion', 'like']);
    expect(a.features.length).toBeGreaterThanOrEqual(20);
    expect(a.features.length).toBeLessThanOrEqual(40);
    expect(a.features.some((f) => f.kind === 'binary')).toBe(true);
    expect(a.features.some((f) => f.kind === 'float')).toBe(true);
    for (const f of a.features) {
      expect(f.values.length).toBe(1000);
      expect(f.values.every((v) => Number.isFinite(v))).toBe(true);
      if (f.kind === 'binary') expect(f.values.every((v) => v === 0 || v === 1)).toBe(true);
    }
  });

  it('has realistic rates: completion 30–45 %, like 3–8 %, likes mostly after completion', () => {
    for (const seed of [1, 2, 3]) {
      const d = generateShortVideo({ rows: 20000, seed });
      const [completion, like] = d.labels;
      expect(rate(completion)).toBeGreaterThan(0.3);
      expect(rate(completion)).toBeLessThan(0.45);
      expect(rate(like)).toBeGreaterThan(0.03);
      expect(rate(like)).toBeLessThan(0.08);
      let likedAndCompleted = 0;
      for (let i = 0; i < like.length; i++) likedAndCompleted += like[i] & completion[i];
      expect(likedAndCompleted / like.reduce((a, b) => a + b, 0)).toBeGreaterThan(0.8);
    }
  });

  it('is learnable: emitted features predict both labels', () => {
    const d = generateShortVideo({ rows: 20000, seed: 9 });
    const col = (name: string): ArrayLike<number> => {
      const c = d.features.find((f) => f.name === name);
      if (!c) throw new Error(`no feature ${name}`);
      return c.values;
    };
    // A single observable proxy of the hidden user–video affinity already beats chance clearly.
    expect(auc(col('similar_videos_score'), d.labels[0])).toBeGreaterThan(0.6);
    expect(auc(col('similar_videos_score'), d.labels[1])).toBeGreaterThan(0.65);
    // Longer videos are completed less often.
    expect(auc(col('video_duration_s'), d.labels[0])).toBeLessThan(0.4);
    // Exactly one device and one category per row.
    const groups = [
      d.features.filter((f) => f.name.startsWith('device_')),
      d.features.filter((f) => f.name.startsWith('category_')),
    ];
    for (const g of groups) {
      for (let r = 0; r < 50; r++) expect(g.reduce((s, f) => s + f.values[r], 0)).toBe(1);
    }
  });
});
