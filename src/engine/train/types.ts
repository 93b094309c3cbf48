import type { RowSet, FeatureScaling } from '../data/types';
import type { MultiTaskModel } from '../models/types';

export interface TrainConfig {
  learningRate: number;
  batchSize: number;
  epochs: number;
  /** Seeds the batch order (and, through ModelConfig.seed, the initialisation). */
  seed: number;
  /** Per-task loss weights, length T; default all 1. */
  lossWeights?: number[];
  /**
   * 'fixed' (default): the loss is Σ_t w_t·L_t. 'uncertainty' (Kendall, Gal & Cipolla 2018): a
   * learnable log-variance s_t per task, loss Σ_t w_t·(exp(−s_t)·L_t + s_t) — noisier tasks get
   * smaller weights; see TrainResult.taskWeights.
   */
  taskWeighting?: 'fixed' | 'uncertainty';
  /** Stop when validation mean AUC has not improved for this many epochs; 0/undefined = never. */
  earlyStoppingPatience?: number;
  /** Rows in the streaming train-AUC window per task (default 4096). */
  streamingWindow?: number;
  /** Minimum milliseconds between two progress callbacks (default 100 → ≤ 10/s). */
  progressIntervalMs?: number;
  /**
   * Use the compiled step (train/compiled) where it covers the model and backend (WASM, CPU);
   * default true. false: always the tfjs op-by-op step (for comparisons and tests).
   */
  compiledStep?: boolean;
}

/** Metrics of one task on one split. auc is NaN when the split has only one class. */
export interface TaskMetrics {
  auc: number;
  logloss: number;
}

export interface SplitMetrics {
  /** One entry per task, same order as Dataset.taskNames. */
  tasks: TaskMetrics[];
  rows: number;
}

export interface ProgressEvent {
  epoch: number; // 1-based
  step: number; // 1-based within the epoch
  stepsPerEpoch: number;
  samplesPerSec: number;
  /** Mean per-task training loss since the previous progress event. */
  loss: number[];
  /** Streaming train AUC per task over the recent window (NaN until both classes seen). */
  trainAuc: number[];
  /** Mean gate weights per level [G][E] over the last batch (empty for gateless models). */
  gates?: number[][][];
  /** Which step trains: the compiled step (WASM, CPU) or tfjs ops (see train/compiled). */
  engine?: 'compiled' | 'tfjs';
}

export interface EpochEvent {
  epoch: number;
  trainLoss: number[];
  val?: SplitMetrics;
  samplesPerSec: number;
  elapsedMs: number;
  /** True when this epoch is the best so far on validation. */
  isBest: boolean;
}

export interface TrainResult {
  epochs: EpochEvent[];
  /** Epoch chosen on validation (last epoch when there is no validation set). */
  bestEpoch: number;
  /** Test metrics with the best epoch's weights (when a test set is given). */
  test?: SplitMetrics;
  /** taskWeighting 'uncertainty': the learned weights w_t·exp(−s_t) at the end of training. */
  taskWeights?: number[];
  /** 'completed' | 'early-stopped' | 'stopped' (by the user). */
  status: 'completed' | 'early-stopped' | 'stopped';
  samplesPerSec: number;
  elapsedMs: number;
}

export interface TrainerCallbacks {
  onProgress?: (e: ProgressEvent) => void;
  onEpoch?: (e: EpochEvent) => void;
}

export interface TrainInputs {
  model: MultiTaskModel;
  scaling: FeatureScaling;
  train: RowSet;
  val?: RowSet;
  test?: RowSet;
}

/** Raised when a loss turns NaN/Infinity; names where it happened. */
export class NonFiniteLossError extends Error {
  constructor(
    readonly epoch: number,
    readonly step: number,
    readonly task: string,
  ) {
    super(
      `Training stopped: the loss of task "${task}" became non-finite at epoch ${epoch}, step ${step}. Try a lower learning rate or feature scaling.`,
    );
    this.name = 'NonFiniteLossError';
  }
}
