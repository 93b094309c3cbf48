/**
 * Bounded chart data: long runs must not slow the page, so every streaming series is kept at
 * ≤ N points. Pure functions (tested in Node).
 */

/**
 * At most `maxPoints` points of `points`, evenly spread over the index range, always keeping the
 * first and the last point (the start of the run and the latest value both matter). Returns a copy
 * of the input when it is already short enough.
 */
export function decimate<T>(points: readonly T[], maxPoints: number): T[] {
  const n = points.length;
  const max = Math.max(0, Math.floor(maxPoints));
  if (n <= max) return points.slice();
  if (max === 0) return [];
  if (max === 1) return [points[n - 1]];
  const out: T[] = [];
  // Index i·(n−1)/(max−1) for i = 0…max−1: strictly increasing since n > max, ends at n−1.
  for (let i = 0; i < max; i++) out.push(points[Math.round((i * (n - 1)) / (max - 1))]);
  return out;
}

/**
 * Appends `point` and, when that makes more than `maxPoints`, drops every other point of the older
 * part (keeping the first and the newest). Amortised O(1) per point; resolution halves as the run
 * grows, so the curve keeps its whole history at a bounded size. Never mutates `points`.
 */
export function appendBounded<T>(points: readonly T[], point: T, maxPoints: number): T[] {
  const next = [...points, point];
  const max = Math.max(2, Math.floor(maxPoints));
  if (next.length <= max) return next;
  const kept: T[] = [];
  for (let i = 0; i < next.length - 1; i += 2) kept.push(next[i]);
  kept.push(next[next.length - 1]);
  return kept;
}
