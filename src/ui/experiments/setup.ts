/**
 * The experiments panel's settings (which classroom experiment, seeds, grid, weighting): plain
 * JSON, so it round-trips through the page URL with the experiment store (../state/url.ts).
 * No tfjs: the worker builds the plan from these (src/worker/handlers/experiments.ts).
 */

export type ExperimentKind = 'tutorial' | 'correlation' | 'sweep';
export const EXPERIMENT_KINDS: readonly ExperimentKind[] = ['tutorial', 'correlation', 'sweep'];

export interface ExperimentSetup {
  kind: ExperimentKind;
  /** Seeds 1..n per configuration (mean ± std when n > 1). */
  seeds: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Scale hidden widths so the compared models' parameter counts match (±5 %). */
  equalParams: boolean;
  /** Target parameter count for equal parameters; 0 = the median of the compared models. */
  paramTarget: number;
  /** Loss weighting: fixed per-task weights, or learned (Kendall et al. uncertainty). */
  taskWeighting: 'fixed' | 'uncertainty';
  /** Fixed per-task loss weights; empty = 1 for every task. */
  lossWeights: number[];
  /** Correlation experiment: task correlations ρ of the generated data sets. */
  correlations: number[];
  /** Correlation experiment: also train the single-task baseline (for the gain view). */
  withBaseline: boolean;
  /** Sweep: which gated model, and its grid. */
  sweepModel: 'mmoe' | 'ple';
  experts: number[];
  gateLayers: number[];
  /** Sweep: the loaded data, or the built-in short-video generator (`rows` rows). */
  sweepData: 'generated' | 'loaded';
  /** Rows of each generated data set (correlation, generated sweep). */
  rows: number;
}

export function defaultSetup(): ExperimentSetup {
  return {
    kind: 'tutorial',
    seeds: 1,
    epochs: 3,
    batchSize: 32,
    learningRate: 0.001,
    equalParams: false,
    paramTarget: 0,
    taskWeighting: 'fixed',
    lossWeights: [],
    correlations: [1, 0.9, 0.5, 0],
    withBaseline: false,
    sweepModel: 'mmoe',
    experts: [1, 2, 4, 8, 16],
    gateLayers: [0, 1, 3],
    sweepData: 'generated',
    rows: 8000,
  };
}

/** Settings each experiment starts from when chosen (the engine's plan defaults). */
export function presetFor(kind: ExperimentKind, prev: ExperimentSetup): ExperimentSetup {
  switch (kind) {
    case 'tutorial':
      return { ...prev, kind, epochs: 3, batchSize: 32, learningRate: 0.001 };
    case 'correlation':
      return { ...prev, kind, epochs: 5, batchSize: 128, learningRate: 0.003, equalParams: true };
    case 'sweep':
      return { ...prev, kind, epochs: 5, batchSize: 256, learningRate: 0.003 };
  }
}

/** "1, 2, 4" → [1, 2, 4]; null when any entry is not a number. */
export function parseNumberList(text: string): number[] | null {
  const parts = text
    .split(/[,，\s]+/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const values = parts.map(Number);
  return values.every((v) => Number.isFinite(v)) ? values : null;
}

export const formatNumberList = (values: readonly number[]): string => values.join(', ');
