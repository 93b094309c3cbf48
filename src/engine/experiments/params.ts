/**
 * Parameter counts without building a model, and "equal parameters": scaling hidden widths so
 * that compared models have (nearly) the same number of trainable scalars.
 *
 * The formula mirrors the blocks (models/blocks.ts): every dense layer in → out holds in·out + out
 * scalars, fused or not (a bank of G members holds G times one member); categorical inputs add
 * their embedding tables V·d and the model proper reads F − C + Σ d columns (models/input.ts).
 * A test checks it against createModel(config).parameterCount() for many configs.
 */
import type { ModelConfig } from '../models/types';

/** Scalars of an MLP of widths `sizes` on an input of width `inSize` (weights + biases). */
function mlpCount(inSize: number, sizes: readonly number[]): number {
  let n = 0;
  let prev = inSize;
  for (const out of sizes) {
    n += prev * out + out;
    prev = out;
  }
  return n;
}

/** Width the model proper reads: F, or F − C + Σ d with categorical inputs. */
function modelInputWidth(c: ModelConfig): number {
  const cats = c.inputs?.categorical ?? [];
  return c.numFeatures - cats.length + cats.reduce((n, e) => n + e.dim, 0);
}

/** Scalars in the embedding tables of the shared input block (0 without categorical inputs). */
function embeddingCount(c: ModelConfig): number {
  return (c.inputs?.categorical ?? []).reduce((n, e) => n + e.vocabSize * e.dim, 0);
}

/**
 * Number of trainable scalars of `config`, equal to createModel(config).parameterCount(), computed
 * from the sizes alone (no tf.Variables, so it is instant and usable on the page).
 */
export function countParameters(config: ModelConfig): number {
  const F = modelInputWidth(config);
  const T = config.numTasks;
  const towers = (inSize: number): number => T * mlpCount(inSize, [...config.towerHidden, 1]);
  const last = (sizes: readonly number[], fallback: number): number =>
    sizes.length > 0 ? sizes[sizes.length - 1] : fallback;
  let n: number;
  switch (config.model) {
    case 'single_task':
      n = T * mlpCount(F, [...config.bottomHidden, ...config.towerHidden, 1]);
      break;
    case 'share_bottom':
      n = mlpCount(F, config.bottomHidden) + towers(last(config.bottomHidden, F));
      break;
    case 'mmoe': {
      const E = config.numExperts;
      n =
        E * mlpCount(F, config.expertHidden) +
        T * mlpCount(F, [...config.gateHidden, E]) +
        towers(last(config.expertHidden, F));
      break;
    }
    case 'ple': {
      const S = config.numExperts;
      const P = config.expertsPerTask;
      const E = S + T * P;
      const H = last(config.expertHidden, F);
      n = 0;
      for (let l = 0; l < config.levels; l++) {
        const inSize = l === 0 ? F : H;
        n += E * mlpCount(inSize, config.expertHidden);
        n += T * mlpCount(inSize, [...config.gateHidden, S + P]);
        // Levels before the last also have one shared gate over all E experts.
        if (l < config.levels - 1) n += mlpCount(inSize, [...config.gateHidden, E]);
      }
      n += towers(H);
      break;
    }
  }
  return n + embeddingCount(config);
}

/**
 * The width lists that matching scales, per model. Structure (depth, expert counts, gates) is
 * kept: gate hidden layers are a tuning question of their own (the gate-depth sweep), so they
 * stay as given.
 */
type WidthKey = 'bottomHidden' | 'expertHidden' | 'towerHidden';

export function scaledWidthKeys(config: ModelConfig): WidthKey[] {
  switch (config.model) {
    case 'single_task':
    case 'share_bottom':
      return ['bottomHidden', 'towerHidden'];
    case 'mmoe':
    case 'ple':
      return ['expertHidden', 'towerHidden'];
  }
}

/** `config` with every scaled width multiplied by `s` (rounded, at least 1). */
export function scaleWidths(config: ModelConfig, s: number): ModelConfig {
  const out: ModelConfig = { ...config };
  for (const key of scaledWidthKeys(config)) {
    out[key] = config[key].map((w) => Math.max(1, Math.round(w * s)));
  }
  return out;
}

export interface MatchOptions {
  /**
   * Parameter count to reach. Default: the MEDIAN of the given configs' counts (for an even number
   * of configs, the mean of the two middle ones) — roughly half the models grow and half shrink,
   * which distorts each one least; pass the largest count to only ever grow models.
   */
  target?: number;
  /**
   * Allowed relative spread (default 0.05 = ±5 %): every count ends within ±tolerance/2 of the
   * target, so any two matched models are within tolerance of each other as well.
   */
  tolerance?: number;
}

export interface MatchResult {
  configs: ModelConfig[];
  /** Parameter count of each returned config (same order). */
  counts: number[];
  /** Counts of the configs as given, before scaling. */
  originalCounts: number[];
  target: number;
  tolerance: number;
  /** Relative distance of each count from the target. */
  deviations: number[];
  /** (max − min) / max over the matched counts: how far apart any two models are. */
  spread: number;
  /** True when every deviation is within tolerance/2 (hence the spread within tolerance). */
  withinTolerance: boolean;
}

/** Median of a non-empty list (mean of the two middle values for an even length). */
function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * One config scaled to `target` parameters: first a uniform width multiplier (bisection on s:
 * the count grows with s), then ±1 nudges of single widths (coordinate descent) to close the gap
 * that rounding leaves — a wide first layer moves the count in steps of ≈ F, a tower width in
 * steps of a few dozen. Towers with no hidden layer leave only the coarse widths to adjust.
 */
export function scaleToTarget(config: ModelConfig, target: number, tolerance = 0.05): ModelConfig {
  const dist = (c: ModelConfig): number => Math.abs(countParameters(c) - target);
  let lo = 1e-3;
  let hi = 1;
  while (countParameters(scaleWidths(config, hi)) < target && hi < 1e6) hi *= 2;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (countParameters(scaleWidths(config, mid)) < target) lo = mid;
    else hi = mid;
  }
  // Candidates: descend from both sides of the crossing, over every width or over the towers only
  // (when one expert/bottom unit is a large share of the target, only the finer tower widths can
  // close the gap without jumping back across it).
  const candidates: ModelConfig[] = [];
  for (const start of [scaleWidths(config, lo), scaleWidths(config, hi)]) {
    candidates.push(descend(start, dist, scaledWidthKeys(config)));
    candidates.push(descend(start, dist, ['towerHidden']));
  }
  // Among those within ±tolerance/2, the least distorted (widths closest to a uniform scaling of
  // the given ones); if none is, the closest count.
  const distortion = (c: ModelConfig): number =>
    scaledWidthKeys(config).reduce(
      (sum, key) =>
        sum + c[key].reduce((t, w, i) => t + Math.abs(Math.log(w / (config[key][i] * hi))), 0),
      0,
    );
  const ok = candidates.filter((c) => dist(c) <= (tolerance / 2) * target);
  if (ok.length > 0) return ok.reduce((a, b) => (distortion(b) < distortion(a) ? b : a));
  return candidates.reduce((a, b) => (dist(b) < dist(a) ? b : a));
}

/** Coordinate descent on single widths (±1); each accepted move strictly shrinks the distance. */
function descend(
  start: ModelConfig,
  dist: (c: ModelConfig) => number,
  keys: readonly WidthKey[],
): ModelConfig {
  let best = start;
  for (let iter = 0; iter < 100_000; iter++) {
    let improved = false;
    for (const key of keys) {
      for (let i = 0; i < best[key].length; i++) {
        for (const delta of [1, -1]) {
          const w = best[key][i] + delta;
          if (w < 1) continue;
          const widths = [...best[key]];
          widths[i] = w;
          const candidate = { ...best, [key]: widths };
          if (dist(candidate) < dist(best)) {
            best = candidate;
            improved = true;
          }
        }
      }
    }
    if (!improved) break;
  }
  return best;
}

/**
 * Scales hidden widths (bottom / expert / tower; structure kept, see scaledWidthKeys) so every
 * model's parameter count is within ±tolerance/2 of the target (default: the median count), hence
 * within ±tolerance of each other. Configs already that close are left unchanged (presets stay
 * presets when they are comparable as they are); the others land as close to the target as whole
 * widths allow (typically well under 1 %).
 */
export function matchParameters(
  configs: readonly ModelConfig[],
  options: MatchOptions = {},
): MatchResult {
  if (configs.length === 0) throw new Error('matchParameters needs at least one config');
  const tolerance = options.tolerance ?? 0.05;
  const originalCounts = configs.map(countParameters);
  const target = options.target ?? median(originalCounts);
  if (!(target > 0) || !Number.isFinite(target)) {
    throw new Error(`target parameter count must be a positive number, got ${target}`);
  }
  const half = tolerance / 2;
  const out = configs.map((c, i) =>
    Math.abs(originalCounts[i] - target) <= half * target ? c : scaleToTarget(c, target, tolerance),
  );
  const counts = out.map(countParameters);
  const deviations = counts.map((n) => Math.abs(n - target) / target);
  const max = Math.max(...counts);
  return {
    configs: out,
    counts,
    originalCounts,
    target,
    tolerance,
    deviations,
    spread: (max - Math.min(...counts)) / max,
    withinTolerance: deviations.every((d) => d <= half),
  };
}
