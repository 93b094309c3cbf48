import { describe, expect, it } from 'vitest';
import { appendBounded, decimate } from '../../src/ui/charts/decimate';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('decimate', () => {
  it('keeps short series whole (as a copy)', () => {
    const pts = range(5);
    const out = decimate(pts, 10);
    expect(out).toEqual(pts);
    expect(out).not.toBe(pts);
  });

  it('keeps at most N points, the first and the last, in order, spread evenly', () => {
    for (const [n, max] of [
      [1000, 300],
      [301, 300],
      [10_000, 7],
      [50, 2],
    ]) {
      const out = decimate(range(n), max);
      expect(out).toHaveLength(max);
      expect(out[0]).toBe(0);
      expect(out[out.length - 1]).toBe(n - 1);
      for (let i = 1; i < out.length; i++) expect(out[i]).toBeGreaterThan(out[i - 1]);
      // Evenly spread: no gap more than one index wider than the ideal spacing.
      const ideal = (n - 1) / (max - 1);
      for (let i = 1; i < out.length; i++)
        expect(out[i] - out[i - 1]).toBeLessThanOrEqual(ideal + 1);
    }
  });

  it('handles the degenerate limits', () => {
    expect(decimate(range(10), 1)).toEqual([9]);
    expect(decimate(range(10), 0)).toEqual([]);
    expect(decimate([], 5)).toEqual([]);
  });
});

describe('appendBounded', () => {
  it('never exceeds the limit over a long run, keeps the first and the newest point', () => {
    let pts: number[] = [];
    for (let i = 0; i < 10_000; i++) {
      pts = appendBounded(pts, i, 500);
      expect(pts.length).toBeLessThanOrEqual(500);
      expect(pts[pts.length - 1]).toBe(i);
    }
    expect(pts[0]).toBe(0);
    expect(pts.length).toBeGreaterThan(250);
    for (let i = 1; i < pts.length; i++) expect(pts[i]).toBeGreaterThan(pts[i - 1]);
  });

  it('does not mutate its input', () => {
    const pts = [1, 2, 3];
    const out = appendBounded(pts, 4, 3);
    expect(pts).toEqual([1, 2, 3]);
    expect(out).toEqual([1, 3, 4]);
  });
});
