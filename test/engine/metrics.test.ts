import { describe, expect, it } from 'vitest';
import { exactAuc } from '../../src/engine/metrics/auc';
import { logloss, LOGLOSS_EPS } from '../../src/engine/metrics/logloss';
import { StreamingAuc } from '../../src/engine/metrics/streaming';

/** Tiny local PRNG so this file does not depend on the data helper's module. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** O(n²) definition: fraction of (pos, neg) pairs ranked correctly, ties count ½. */
function pairwiseAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  let num = 0;
  let pairs = 0;
  for (let i = 0; i < scores.length; i++) {
    if (labels[i] !== 1) continue;
    for (let j = 0; j < scores.length; j++) {
      if (labels[j] !== 0) continue;
      pairs++;
      if (scores[i] > scores[j]) num += 1;
      else if (scores[i] === scores[j]) num += 0.5;
    }
  }
  return num / pairs;
}

function randomCase(n: number, seed: number, decimals: number) {
  const rnd = lcg(seed);
  const scores = new Float32Array(n);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = rnd() < 0.3 ? 1 : 0;
    // Informative but noisy, rounded so that many scores tie.
    const raw = 0.4 * labels[i] + rnd();
    scores[i] = Math.round(raw * 10 ** decimals) / 10 ** decimals;
  }
  return { scores, labels };
}

describe('exactAuc', () => {
  it.each([
    [2, 1, 0],
    [10, 2, 1],
    [57, 3, 1],
    [500, 4, 1],
    [1500, 5, 2],
    [3000, 6, 0],
  ])('matches the pairwise reference (n=%i, seed=%i, %i decimals)', (n, seed, decimals) => {
    const { scores, labels } = randomCase(n, seed, decimals);
    // Force both classes for the tiny case.
    labels[0] = 1;
    labels[1] = 0;
    const ref = pairwiseAuc(scores, labels);
    expect(exactAuc(scores, labels)).toBeCloseTo(ref, 12);
  });

  it('accepts plain arrays and infinities', () => {
    const scores = [-Infinity, 0.2, 0.2, Infinity, Infinity];
    const labels = [0, 1, 0, 1, 0];
    expect(exactAuc(scores, labels)).toBeCloseTo(pairwiseAuc(scores, labels), 12);
  });

  it('gives 1 for a perfect ranking, 0 for an inverted one, 0.5 for all ties', () => {
    const labels = [0, 0, 1, 0, 1, 1];
    const perfect = labels.map((y, i) => y * 10 + i * 0.01);
    expect(exactAuc(perfect, labels)).toBe(1);
    expect(
      exactAuc(
        perfect.map((s) => -s),
        labels,
      ),
    ).toBe(0);
    expect(exactAuc(new Array(6).fill(0.3), labels)).toBe(0.5);
  });

  it('is NaN when only one class is present', () => {
    expect(exactAuc([0.1, 0.5, 0.9], [1, 1, 1])).toBeNaN();
    expect(exactAuc([0.1, 0.5, 0.9], [0, 0, 0])).toBeNaN();
    expect(exactAuc([], [])).toBeNaN();
  });

  it('throws a clear error on a NaN score and on mismatched lengths', () => {
    expect(() => exactAuc([0.1, NaN, 0.3], [0, 1, 0])).toThrow(/NaN/);
    expect(() => exactAuc([0.1, 0.2], [0, 1, 0])).toThrow(/labels/);
  });

  it('is fast enough for a validation split (50k scores)', () => {
    const { scores, labels } = randomCase(50_000, 7, 4);
    const t0 = performance.now();
    const auc = exactAuc(scores, labels);
    const ms = performance.now() - t0;
    expect(auc).toBeGreaterThan(0.6);
    expect(auc).toBeLessThan(0.9);
    // Loose bound: catches an accidental O(n²), not a slow machine.
    expect(ms).toBeLessThan(1000);
  });
});

describe('logloss', () => {
  it('equals the direct formula', () => {
    const rnd = lcg(11);
    const n = 200;
    const p = new Float32Array(n);
    const y = new Uint8Array(n);
    let ref = 0;
    for (let i = 0; i < n; i++) {
      p[i] = 0.01 + 0.98 * rnd();
      y[i] = rnd() < 0.5 ? 1 : 0;
      ref += y[i] ? -Math.log(p[i]) : -Math.log(1 - p[i]);
    }
    expect(logloss(p, y)).toBeCloseTo(ref / n, 10);
  });

  it('clips probabilities so that confident mistakes stay finite', () => {
    const v = logloss([0, 1], [1, 0]);
    expect(Number.isFinite(v)).toBe(true);
    expect(v).toBeCloseTo(-Math.log(LOGLOSS_EPS), 6);
    expect(logloss([1, 0], [1, 0])).toBeCloseTo(-Math.log(1 - LOGLOSS_EPS), 12);
  });

  it('is NaN on empty input and throws on mismatched lengths', () => {
    expect(logloss([], [])).toBeNaN();
    expect(() => logloss([0.5], [1, 0])).toThrow();
  });
});

describe('StreamingAuc', () => {
  it('is NaN until both classes are seen, then exact over what it holds', () => {
    const s = new StreamingAuc(8);
    expect(s.value()).toBeNaN();
    s.push([0.9, 0.8], [1, 1]);
    expect(s.value()).toBeNaN();
    s.push([0.1, 0.85], [0, 0]);
    expect(s.size).toBe(4);
    expect(s.value()).toBeCloseTo(pairwiseAuc([0.9, 0.8, 0.1, 0.85], [1, 1, 0, 0]), 12);
  });

  it('keeps only the last `window` pairs', () => {
    const s = new StreamingAuc(4);
    // Old pairs: inverted ranking. New pairs: perfect ranking. Once the old ones are overwritten
    // the AUC must be exactly 1.
    s.push([0.9, 0.1, 0.8, 0.2], [0, 1, 0, 1]);
    expect(s.value()).toBe(0);
    s.push([0.3, 0.7], [0, 1]);
    expect(s.size).toBe(4);
    // Held now: (0.8,0) (0.2,1) (0.3,0) (0.7,1).
    expect(s.value()).toBeCloseTo(pairwiseAuc([0.8, 0.2, 0.3, 0.7], [0, 1, 0, 1]), 12);
    s.push([0.2, 0.6], [0, 1]);
    expect(s.value()).toBe(1);
    s.reset();
    expect(s.size).toBe(0);
    expect(s.value()).toBeNaN();
  });

  it('reads one task out of row-major [n, T] buffers with offset and stride', () => {
    // T = 2: task 0 perfectly ranked, task 1 inverted.
    const logits = [0.9, 0.1, 0.2, 0.8, 0.7, 0.3, 0.1, 0.95];
    const labels = [1, 1, 0, 0, 1, 1, 0, 0];
    const t0 = new StreamingAuc(16);
    const t1 = new StreamingAuc(16);
    t0.push(logits, labels, 4, 0, 2);
    t1.push(logits, labels, 4, 1, 2);
    expect(t0.size).toBe(4);
    expect(t0.value()).toBe(1);
    expect(t1.value()).toBe(0);
  });

  it('rejects a bad window', () => {
    expect(() => new StreamingAuc(0)).toThrow();
  });
});
