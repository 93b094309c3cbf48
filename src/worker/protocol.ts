/**
 * The typed message protocol between the page and the training worker.
 *
 * Every request carries an `id` chosen by the page; every message the worker sends in answer
 * (events, the final result, or an error) carries the same `id`. Types only: both sides import
 * this file, and nothing here runs.
 */
import type { AutoChoice, BackendAttempt, BackendName, BackendPreference } from '../engine/backend';
import type { BackendCheckModelResult } from '../engine/backendCheck';
import type { CsvOptions } from '../engine/data/types';
import type { ExperimentPlan, PublishedTable } from '../engine/experiments/plans';
import type { Gain, RunResult, SummaryRow } from '../engine/experiments/runner';
import type { ExperimentSetup } from '../ui/experiments/setup';
import type { ModelConfig, ModelName } from '../engine/models/types';
import type { GateLayout } from '../engine/models/types';
import type { EpochEvent, ProgressEvent, TrainConfig, TrainResult } from '../engine/train/types';
import type { WarmStartMode, WarmStartReport } from '../engine/train/warmStart';

export type RequestId = number;

/** Built-in generators (see src/engine/data/synthetic.ts). */
export interface BuiltinDataSource {
  kind: 'builtin';
  generator: 'short_video' | 'correlated';
  rows: number;
  seed: number;
  /** Task correlation ρ for the 'correlated' generator (MMoE paper), in [0, 1]. */
  correlation?: number;
  /** 'short_video': add the third label `share` (model lifecycle: warm start a 3-task model). */
  withShare?: boolean;
  /** 'short_video': add the categorical id columns (user, video, author, category). */
  withIds?: boolean;
}

/** A user's CSV file(s), parsed inside the worker (File is structured-cloneable). */
export interface CsvDataSource {
  kind: 'csv';
  /** The training file (or the only file, split by DataPrep.split). */
  file: File;
  /** Optional separate validation / test files (same layout); missing ones are carved from `file`. */
  valFile?: File;
  testFile?: File;
  /** CsvOptions minus the callback (functions cannot cross postMessage). */
  options: Omit<CsvOptions, 'onProgress' | 'sizeHint'>;
}

/** Which of the uploaded files a progress message or an error concerns. */
export type CsvFileRole = 'train' | 'val' | 'test';

export type DataSource = BuiltinDataSource | CsvDataSource;

/** How the loaded rows are split into train/val/test and scaled. */
export interface DataPrep {
  /** Fractions of all rows for validation and test (the rest trains). */
  split: { val: number; test: number };
  splitSeed: number;
  scaling: 'standard' | 'raw';
}

export interface DataSummary {
  rows: number;
  /** Task (label) names, length T. */
  tasks: string[];
  /** Number of feature columns F. */
  features: number;
  /** Share of positive labels per task over all rows, length T. */
  positiveRates: number[];
  split: { train: number; val: number; test: number };
  /** Rows skipped while parsing a CSV (0 for built-in data). */
  skippedRows: number;
  /** The first skipped rows with the reason (CSV with skipBadRows), for display. */
  skippedExamples: { file: CsvFileRole; line: number; column: number; reason: string }[];
  /** Whether validation / test came from their own files (else carved out of the train rows). */
  fromFiles: { val: boolean; test: boolean };
}

/** What `describeModel` answers: the model built from the loaded data's sizes, then disposed. */
export interface ModelDescriptionResult {
  parameterCount: number;
  gateLayout: GateLayout[];
  numFeatures: number;
  taskNames: string[];
}

/** A row to predict: one of the test split's rows, or a pasted CSV line. */
export type PredictInput =
  | { kind: 'testRow'; index: number }
  /** A CSV line: all columns as in the file (labels first), or just the F feature values. */
  | { kind: 'csvRow'; text: string };

export interface PredictResult {
  taskNames: string[];
  /** Sigmoid probability per task. */
  probabilities: number[];
  /** The row's true labels per task when known (test rows; pasted rows that include labels). */
  labels: number[] | null;
  /** Number of rows in the test split, so the page can bound its row picker. */
  testRows: number;
}

/** Where the current training session stands (after a step or any control). */
export interface SessionPosition {
  epoch: number;
  step: number;
  stepsPerEpoch: number;
  /** Every configured epoch is done: `train` (continueSession) finishes it (test metrics). */
  allEpochsDone: boolean;
  parameterCount: number;
}

/** A model config without the data-dependent sizes, which the worker fills in from the data. */
export type ModelSettings = Omit<ModelConfig, 'numFeatures' | 'numTasks'>;

/**
 * What the page asks to train: the model name plus any settings that differ from the registry's
 * `defaultModelConfig(model, F, T)` (the worker knows F and T from the loaded data).
 */
export type ModelRequest = Partial<ModelSettings> & { model: ModelName };

/** A registry entry as the page sees it (the factory stays in the worker). */
export interface ModelSummary {
  name: ModelName;
  label: string;
  description: string;
}

// ---------------------------------------------------------------- page → worker

export type WorkerRequest =
  /** (Re)initialise tfjs on a backend; answered by `ready`. */
  | { type: 'init'; id: RequestId; backend: BackendPreference }
  /** Load data and split it; answered by `dataProgress`* then `dataReady`. */
  | { type: 'data'; id: RequestId; source: DataSource; prep: DataPrep }
  /**
   * Train on the loaded data; answered by `sessionStarted`?, `progress`*, `epoch`*, then `done`.
   * With `continueSession`, an unfinished session started by `step` runs on from where it is;
   * otherwise any previous session is disposed and a fresh model is built.
   */
  | {
      type: 'train';
      id: RequestId;
      modelConfig: ModelRequest;
      trainConfig: TrainConfig;
      continueSession?: boolean;
    }
  /**
   * Slow motion: one batch, or the rest of the current epoch, then stop. Allowed with no session
   * (one is created from the configs, as `train` would), with a stepped-only session, or while
   * training is paused. Answered by `progress`* / `epoch`*, then `stepped`.
   */
  | {
      type: 'step';
      id: RequestId;
      mode: 'batch' | 'epoch';
      modelConfig: ModelRequest;
      trainConfig: TrainConfig;
    }
  /** Control the running training (no answer; the training's own messages reflect it). */
  | { type: 'pause'; id: RequestId }
  | { type: 'resume'; id: RequestId }
  | { type: 'stop'; id: RequestId }
  /** Stop and dispose the session (trainer + model); answered by `resetDone`. */
  | { type: 'reset'; id: RequestId }
  /** Build the model for the loaded data, count parameters, dispose; answered by `modelDescription`. */
  | { type: 'describeModel'; id: RequestId; modelConfig: ModelRequest }
  /** Predict one row with the session's model; answered by `prediction`. */
  | { type: 'predict'; id: RequestId; input: PredictInput }
  /**
   * Train each model `steps` steps from the same seeded init on a fixed seeded batch on
   * `backend`, then switch back to the previous backend; answered by `backendCheckResult`.
   */
  | {
      type: 'backendCheck';
      id: RequestId;
      backend: BackendName;
      models: ModelName[];
      steps: number;
      batchSize: number;
      seed: number;
    }
  | LifecycleRequest
  | ExperimentRequest
  | PerfRequest;

// ---------------------------------------------------------------- worker → page

export interface ReadyMessage {
  type: 'ready';
  id: RequestId;
  backend: BackendName;
  attempts: BackendAttempt[];
  notice?: string;
  /** Backend "Auto": the device probe and why this backend was chosen before any calibration. */
  auto?: AutoChoice;
  /** self.crossOriginIsolated in the worker: needed for WASM threads. */
  crossOriginIsolated: boolean;
  /** WASM threads in use (1 = single-threaded); null while the WASM backend is not initialised. */
  wasmThreads: number | null;
  /** The model registry (listModels()), so the page needs no tfjs of its own. */
  models: ModelSummary[];
}

export type WorkerMessage =
  | ReadyMessage
  | {
      type: 'dataProgress';
      id: RequestId;
      /** Which file is being read (CSV); 'train' for built-in data. */
      file: CsvFileRole;
      rows: number;
      bytes: number;
      totalBytes?: number;
      /** Milliseconds since this file's parse began (for MB/s). */
      elapsedMs: number;
    }
  | { type: 'dataReady'; id: RequestId; summary: DataSummary }
  /** A new training session was built (model + trainer): its gate layout and parameter count. */
  | {
      type: 'sessionStarted';
      id: RequestId;
      parameterCount: number;
      gateLayout: GateLayout[];
      stepsPerEpoch: number;
    }
  | { type: 'progress'; id: RequestId; event: ProgressEvent }
  | { type: 'epoch'; id: RequestId; event: EpochEvent }
  | { type: 'done'; id: RequestId; result: TrainResult; position: SessionPosition }
  | { type: 'stepped'; id: RequestId; event: ProgressEvent; position: SessionPosition }
  | { type: 'resetDone'; id: RequestId }
  | { type: 'modelDescription'; id: RequestId; description: ModelDescriptionResult }
  | { type: 'prediction'; id: RequestId; result: PredictResult }
  | {
      type: 'backendCheckResult';
      id: RequestId;
      /** The backend that was asked for. */
      requested: BackendName;
      /** The backend that actually ran (differs when `requested` is unavailable). */
      backend: BackendName;
      notice?: string;
      perModel: BackendCheckModelResult[];
    }
  | LifecycleMessage
  | ExperimentMessage
  | PerfMessage
  | {
      type: 'error';
      /** The request that failed; null for errors outside any request. */
      id: RequestId | null;
      message: string;
      /** For CSV problems: 1-based line and column, and the file they are in. */
      line?: number;
      column?: number;
      file?: CsvFileRole;
      fileName?: string;
    };

export type WorkerMessageType = WorkerMessage['type'];
export type { BackendCheckModelResult };

// ---------------------------------------------------------------- model lifecycle (issue 5)

/** A model kept in the browser (IndexedDB, "My models"): its listing, without the bytes. */
export interface SavedModelEntry {
  /** Key in IndexedDB. */
  key: string;
  name: string;
  /** ISO 8601 time of saving. */
  created: string;
  model: ModelName;
  taskNames: string[];
  numFeatures: number;
  parameterCount: number;
  /** Bytes of weights.bin. */
  weightBytes: number;
}

/** The two files of a saved model: model.json (text) and weights.bin. */
export interface ModelFiles {
  jsonText: string;
  weights: ArrayBuffer;
}

/** The model a lifecycle operation uses: the current training session's, or the loaded one. */
export type ModelSlot = 'session' | 'loaded';

/** What the lifecycle handler (src/worker/handlers/lifecycle.ts) can do. */
export type LifecycleOp =
  /** Serialise the session's model, keep it in IndexedDB under `name`; answers files + entry. */
  | { op: 'save'; name: string }
  | { op: 'list' }
  /** The stored files of one saved model (for a download or a project export). */
  | { op: 'get'; key: string }
  | { op: 'delete'; key: string }
  /** Store files as a saved model (project import); checked by loading them first. */
  | { op: 'put'; files: ModelFiles; name?: string }
  /** Load a saved model (by key) or uploaded files into the 'loaded' slot. */
  | { op: 'load'; key: string }
  | { op: 'load'; files: ModelFiles }
  /** Score a CSV with a model: every task's probability (and labels when the file has them). */
  | { op: 'predictCsv'; slot: ModelSlot; file: File }
  /**
   * Warm start the next training session (built by the next Train/Step) from the loaded model:
   * answers the report for `modelConfig` on the loaded data at once; 'off' disarms.
   */
  | { op: 'warmStart'; mode: WarmStartMode | 'off'; modelConfig: ModelRequest };

export type LifecycleRequest = { type: 'lifecycle'; id: RequestId } & LifecycleOp;

/** The answer to each lifecycle op. */
export type LifecycleAnswer =
  | { op: 'save'; entry: SavedModelEntry; files: ModelFiles }
  | { op: 'list'; entries: SavedModelEntry[] }
  | { op: 'get'; entry: SavedModelEntry; files: ModelFiles }
  | { op: 'delete'; key: string }
  | { op: 'put'; entry: SavedModelEntry }
  | { op: 'load'; name: string; model: ModelName; taskNames: string[]; numFeatures: number }
  | { op: 'predictCsv'; csv: string; rows: number; taskNames: string[]; hasLabels: boolean }
  | { op: 'warmStart'; report: WarmStartReport | null };

export type LifecycleMessage = { type: 'lifecycleResult'; id: RequestId; answer: LifecycleAnswer };

// ---------------------------------------------------------------- experiments (issue 4)

/**
 * Run a classroom experiment (src/worker/handlers/experiments.ts); answered by
 * `experimentPlan`, then per run `experimentRunStart`, `experimentProgress`*, `experimentRunDone`,
 * then `experimentDone`. `experimentStop` (no answer) ends it after the current step.
 */
export type ExperimentRequest =
  | { type: 'experiment'; id: RequestId; setup: ExperimentSetup }
  | { type: 'experimentStop'; id: RequestId };

/** The end of an experiment: every run, the table rows (mean ± std over seeds), the gains. */
export interface ExperimentOutcome {
  kind: ExperimentPlan['kind'];
  title: string;
  results: RunResult[];
  summary: SummaryRow[];
  /** Δ test AUC per task against single-task in the same cell (seesaw view). */
  gains: Gain[];
  published?: PublishedTable;
  /** Stopped before every run finished (the finished runs are kept). */
  aborted: boolean;
}

export type ExperimentMessage =
  | { type: 'experimentPlan'; id: RequestId; title: string; runs: { id: string; label: string }[] }
  | {
      type: 'experimentRunStart';
      id: RequestId;
      index: number;
      total: number;
      label: string;
      parameterCount: number;
    }
  | {
      type: 'experimentProgress';
      id: RequestId;
      epoch: number;
      step: number;
      stepsPerEpoch: number;
    }
  | { type: 'experimentRunDone'; id: RequestId; index: number; total: number; result: RunResult }
  | { type: 'experimentDone'; id: RequestId; outcome: ExperimentOutcome };

// ---------------------------------------------------------------- browser bench + calibration (issue 6)

/**
 * `bench` (src/worker/handlers/bench.ts): on `backend` only, the real Trainer on census-shaped
 * generated data for each model × batch (`steps[batch]` timed steps), optionally our fused MMoE
 * vs the naive one (bare loops) and a 1024² matMul rate; then back to the previous backend.
 * Answered by `benchResult`.
 */
export interface BenchRequest {
  type: 'bench';
  id: RequestId;
  backend: BackendName;
  models: ModelName[];
  batches: number[];
  /** Timed steps per batch size (keys: batch sizes). */
  steps: Record<number, number>;
  naive: boolean;
  matMul: boolean;
}

export interface BenchResult {
  requested: BackendName;
  /** The backend that ran; differs from `requested` when it is unavailable (nothing measured). */
  backend: BackendName;
  notice?: string;
  wasmThreads: number | null;
  /** samples/s of the Trainer's loop: model → batch → samples/s. */
  trainSamplesPerS: Partial<Record<ModelName, Record<number, number>>>;
  /**
   * Bare loops, MMoE: batch → fused and naive samples/s, and `products`: samples/s of the two
   * matrix products every MMoE step needs on dense kernels (x·W and xᵀ·dZ for all experts and
   * gates) timed alone — a ceiling for any step built from them.
   */
  fused: Record<number, { fused: number; naive: number; products?: number }>;
  /** FLOP/s of a 1024² matMul here, null when not measured. */
  matMulFlopsPerS: number | null;
  /** Training FLOPs per sample (3 × forward matMuls) per model. */
  flopsPerSample: Partial<Record<ModelName, number>>;
}

/**
 * `calibrate`: a few MMoE training steps on each backend; answered by `calibrationResult` with
 * the speeds, the fastest, and the worker left on the previous backend.
 */
export interface CalibrateRequest {
  type: 'calibrate';
  id: RequestId;
  backends: BackendName[];
  steps: number;
  batchSize: number;
}

export interface BackendSpeed {
  backend: BackendName;
  /** null: unavailable here (or it failed). */
  samplesPerSec: number | null;
}

export type PerfRequest = BenchRequest | CalibrateRequest;
export type PerfMessage =
  | { type: 'benchResult'; id: RequestId; result: BenchResult }
  | {
      type: 'calibrationResult';
      id: RequestId;
      speeds: BackendSpeed[];
      fastest: BackendName | null;
    };
