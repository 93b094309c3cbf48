/**
 * Shared UI types: the experiment store (serialisable — a later issue round-trips it through the
 * URL), live training series, and the records of finished runs for the comparison board.
 *
 * Types only; no tfjs (the page bundle never imports tfjs — the worker does the tfjs work).
 * Owned by the app helper; the visuals helper (charts, heatmap, board, model panel) reads these.
 */
import type { BackendName, BackendPreference } from '../../engine/backendNames';
import type { GateLayout, ModelName } from '../../engine/models/types';
import type { TaskMetrics } from '../../engine/train/types';
import type { ModelSettings } from '../../worker/protocol';

export type { BackendName, BackendPreference, GateLayout, ModelName, ModelSettings, TaskMetrics };

// ------------------------------------------------------------------ experiment store (serialisable)

/** Where the rows come from: a built-in generator or the user's CSV file(s). */
export type DataSourceKind = 'short_video' | 'correlated' | 'csv';

export interface DataChoice {
  source: DataSourceKind;
  /** Built-in generators: number of rows and their seed. */
  rows: number;
  dataSeed: number;
  /** 'correlated' generator: task correlation ρ in [0, 1] (MMoE paper's synthetic data). */
  correlation: number;
  /** Fractions of the rows held out for validation and test when they are not separate files. */
  split: { val: number; test: number };
  splitSeed: number;
  scaling: 'standard' | 'raw';
  /** CSV: how many label columns come first in each row (T). */
  labelCount: number;
  /** CSV: the task names (length labelCount); empty entries fall back to the header's names. */
  labelNames: string[];
  /** CSV: skip bad rows (reported) instead of stopping at the first one. */
  skipBadRows: boolean;
  /** Short-video generator: add the third label `share` (absent = no). */
  withShare?: boolean;
  /** Short-video generator: add the categorical id columns (absent = no). */
  withIds?: boolean;
  /** CSV with a header: the columns read as categorical ids (names). */
  categoricalColumns?: string[];
}

/** Training settings the user picks (maps onto the engine's TrainConfig). */
export interface TrainSettings {
  learningRate: number;
  batchSize: number;
  epochs: number;
  /** Seeds the initialisation and the batch order; same seed + backend ⇒ same curves. */
  seed: number;
}

/** The whole experiment configuration. Plain JSON: no Files, no functions, no typed arrays. */
export interface ExperimentState {
  version: 1;
  data: DataChoice;
  /** Full model settings (model name included); numFeatures/numTasks come from the data. */
  model: ModelSettings;
  train: TrainSettings;
  backend: BackendPreference;
}

// ------------------------------------------------------------------ live series (bounded)

/**
 * One chart point. `x` is in epochs: fractional for streaming points
 * (epoch − 1 + step / stepsPerEpoch), whole for per-epoch points (validation AUC at x = epoch),
 * so train and validation curves share one axis.
 */
export interface SeriesPoint {
  x: number;
  value: number;
}

/** Streaming points kept per task; older ones are decimated (every other point dropped). */
export const MAX_LIVE_POINTS = 160;

/** Live training curves of the current run, per task (outer index = task, same order as taskNames). */
export interface LiveSeries {
  taskNames: string[];
  /** Streaming train AUC (recent window), ≤ MAX_LIVE_POINTS per task. NaN values are skipped. */
  trainAuc: SeriesPoint[][];
  /** Mean training loss between progress events, ≤ MAX_LIVE_POINTS per task. */
  loss: SeriesPoint[][];
  /** Validation AUC after each epoch (x = epoch). One point per epoch: bounded by epochs. */
  valAuc: SeriesPoint[][];
}

/** The latest gate picture of a gated model (MMoE/PLE); null for gateless models. */
export interface LiveGates {
  /** One layout per level (rows = gates, columns = experts). */
  layout: GateLayout[];
  /** Mean gate weights per level [G][E] (same shapes as `layout`), from the latest batch. */
  weights: number[][][];
}

// ------------------------------------------------------------------ finished runs (comparison board)

export type RunStatus = 'completed' | 'early-stopped' | 'stopped';

/** One finished training run, as listed on the comparison board and exported (CSV/Markdown/JSON). */
export interface RunRecord {
  /** Unique within the page session, e.g. 'run-3'. */
  id: string;
  model: ModelName;
  /** Human model name from the registry, e.g. 'MMoE'. */
  modelLabel: string;
  /** Model settings used (model name included; seed = trainConfig.seed). */
  modelConfig: ModelSettings;
  trainConfig: TrainSettings;
  /** e.g. 'short-video generator (20,000 rows)' or 'kuairand_1k_mtl.csv'. */
  dataLabel: string;
  taskNames: string[];
  parameterCount: number;
  /** 1-based epoch chosen on validation. */
  bestEpoch: number;
  /** Validation AUC per task per epoch: valAucCurves[task][epoch − 1] (NaN when undefined). */
  valAucCurves: number[][];
  /** Test metrics per task with the best epoch's weights; null when there is no test split. */
  test: TaskMetrics[] | null;
  elapsedMs: number;
  samplesPerSec: number;
  backend: BackendName;
  seed: number;
  status: RunStatus;
  /** Date.now() when the run finished. */
  finishedAt: number;
}

// ------------------------------------------------------------------ model description (from the worker)

/** What the worker reports for a model config without training it (`describeModel`). */
export interface ModelDescription {
  parameterCount: number;
  /** Gate layout per level (empty for gateless models). */
  gateLayout: GateLayout[];
  numFeatures: number;
  taskNames: string[];
}
