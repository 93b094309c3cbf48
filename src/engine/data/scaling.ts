/**
 * Feature scaling fitted on training rows only (never on validation/test rows, which would
 * leak their statistics into training).
 *
 * 'standard': each float column is standardised, (v − mean) / std, over the training rows
 * (std 0 → 1). A column is log1p-transformed first when it is heavy-tailed and non-negative:
 *   min ≥ 0  and  (max > 50 · (mean + 1e-6)  or  skewness > 3)
 * (e.g. capital gains: mostly 0, up to 99,999). Binary 0/1 columns are left as they are.
 * 'raw': identity everywhere, to replicate PaddleRec, which feeds the raw values.
 * Categorical id columns (Dataset.categorical) always get the identity.
 */
import type { FeatureScaling, RowSet } from './types';

/** A column is heavy-tailed when its max exceeds this many times its mean… */
export const LOG_MAX_OVER_MEAN = 50;
/** …or its skewness exceeds this. */
export const LOG_SKEWNESS = 3;

/** Identity scaling for a dataset's columns. */
export function identityScaling(
  names: string[],
  mode: FeatureScaling['mode'] = 'raw',
): FeatureScaling {
  return { mode, columns: names.map((name) => ({ name, log: false, mean: 0, std: 1 })) };
}

/** Fits the scaling on the rows of `train` only. */
export function fitScaling(train: RowSet, mode: FeatureScaling['mode']): FeatureScaling {
  const { data, rows } = train;
  const names = data.features.map((c) => c.name);
  if (mode === 'raw') return identityScaling(names, 'raw');
  const n = rows.length;
  // Categorical columns hold ids for the embedding lookup: they must reach the model unchanged.
  const ids = new Set((data.categorical ?? []).map((c) => c.feature));
  const columns = data.features.map((col, f) => {
    if (col.kind === 'binary' || n === 0 || ids.has(f)) {
      return { name: col.name, log: false, mean: 0, std: 1 };
    }
    const v = col.values;
    let min = Infinity;
    let max = -Infinity;
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const x = v[rows[i]];
      if (x < min) min = x;
      if (x > max) max = x;
      sum += x;
    }
    const mean = sum / n;
    let m2 = 0;
    let m3 = 0;
    for (let i = 0; i < n; i++) {
      const d = v[rows[i]] - mean;
      m2 += d * d;
      m3 += d * d * d;
    }
    m2 /= n;
    m3 /= n;
    const skew = m2 > 0 ? m3 / Math.pow(m2, 1.5) : 0;
    const log = min >= 0 && (max > LOG_MAX_OVER_MEAN * (mean + 1e-6) || skew > LOG_SKEWNESS);
    if (!log) return { name: col.name, log, mean, std: m2 > 0 ? Math.sqrt(m2) : 1 };
    // Moments again, now of log1p(v).
    let ls = 0;
    for (let i = 0; i < n; i++) ls += Math.log1p(v[rows[i]]);
    const lmean = ls / n;
    let lm2 = 0;
    for (let i = 0; i < n; i++) {
      const d = Math.log1p(v[rows[i]]) - lmean;
      lm2 += d * d;
    }
    lm2 /= n;
    return { name: col.name, log, mean: lmean, std: lm2 > 0 ? Math.sqrt(lm2) : 1 };
  });
  return { mode, columns };
}

/** Applies the scaling of feature `column` to one raw value (same formula as fillBatch). */
export function scaleValue(s: FeatureScaling, column: number, v: number): number {
  if (s.mode === 'raw') return v;
  const c = s.columns[column];
  // Negative values (possible outside the training rows) clamp to 0 before log1p.
  const t = c.log ? Math.log1p(v > 0 ? v : 0) : v;
  return (t - c.mean) / c.std;
}
