/**
 * The engine's training loop, shared by the Web Worker and the Node CLI. Pure TypeScript + tfjs.
 *
 * Readback discipline (the GPU must never wait for JS each step):
 *  - every step keeps two small tensors: its per-task losses [T] and, for the last steps that fit
 *    the streaming-AUC window, a "trace" [B, 2T] = concat(logits, labels);
 *  - at a progress tick (≤ 1 per `progressIntervalMs`), at each epoch end, and when many steps are
 *    pending, ALL of them (plus the gate means when an event is emitted) are concatenated into one
 *    1-D tensor and read with a single `await data()`; then they are disposed;
 *  - because each step's losses are kept separately, a non-finite loss is reported at the exact
 *    epoch, step and task where it first appeared, even though it is only read later.
 */
import * as tf from '@tensorflow/tfjs';
import { fillBatch } from '../data/dataset';
import { mulberry32, shuffleInPlace } from '../data/random';
import type { FeatureScaling, RowSet } from '../data/types';
import { exactAuc } from '../metrics/auc';
import { logloss } from '../metrics/logloss';
import { StreamingAuc } from '../metrics/streaming';
import type { MultiTaskModel } from '../models/types';
import { CompiledStep, compiledStepFor } from './compiled/compiledStep';
import { weightedSigmoidCrossEntropy } from './loss';
import { FlatAdam } from './optimizer';
import {
  NonFiniteLossError,
  type EpochEvent,
  type ProgressEvent,
  type SplitMetrics,
  type TrainConfig,
  type TrainerCallbacks,
  type TrainInputs,
  type TrainResult,
} from './types';

/** Rows per forward pass when evaluating/predicting (one readback per batch). */
export const EVAL_BATCH_ROWS = 2048;
/** Longest stretch of work between two yields to the event loop (so pause/stop messages arrive). */
const YIELD_EVERY_MS = 30;
/** Read back at the latest after this many steps, so a long progress interval cannot pile up tensors. */
const MAX_PENDING_STEPS = 256;
const DEFAULT_STREAMING_WINDOW = 4096;
const DEFAULT_PROGRESS_INTERVAL_MS = 100;

/** Playground defaults (the PaddleRec presets use batch 32; see models/presets.ts). */
export function defaultTrainConfig(): TrainConfig {
  return {
    learningRate: 0.001,
    batchSize: 256,
    epochs: 5,
    seed: 42,
    earlyStoppingPatience: 0,
    streamingWindow: DEFAULT_STREAMING_WINDOW,
    progressIntervalMs: DEFAULT_PROGRESS_INTERVAL_MS,
  };
}

const now = (): number => performance.now();

/**
 * Lets queued messages/timers run. A MessageChannel round trip is a macrotask without the ≥ 4 ms
 * clamp that nested setTimeout(0) gets in browsers; it exists in workers, pages and Node ≥ 15.
 */
function yieldToEventLoop(): Promise<void> {
  if (typeof MessageChannel === 'undefined') {
    return new Promise((resolve) => setTimeout(resolve, 0));
  }
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      // Closing matters in Node: an open port keeps the process alive.
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

/** One training step whose results have not been read back yet. */
interface PendingStep {
  epoch: number;
  step: number;
  rows: number;
  /** Per-task batch-mean loss [T]: on the device (tfjs step) or already read (compiled step). */
  loss: tf.Tensor1D | Float32Array;
  /** concat(logits, labels) [rows, 2T] for the streaming AUC; null once outside the window. */
  trace: tf.Tensor2D | Float32Array | null;
}

function disposeIfTensor(t: tf.Tensor | Float32Array | null): void {
  if (t instanceof tf.Tensor) t.dispose();
}

/** Mean validation AUC over the tasks that have one (NaN-safe); −Infinity when none has. */
function meanAuc(m: SplitMetrics): number {
  let sum = 0;
  let count = 0;
  for (const t of m.tasks) {
    if (Number.isFinite(t.auc)) {
      sum += t.auc;
      count++;
    }
  }
  return count > 0 ? sum / count : -Infinity;
}

function checkConfig(c: TrainConfig, numTasks: number): void {
  const problems: string[] = [];
  if (!(c.learningRate > 0) || !Number.isFinite(c.learningRate)) {
    problems.push('learningRate must be a positive number');
  }
  if (!Number.isInteger(c.batchSize) || c.batchSize < 1) {
    problems.push('batchSize must be an integer ≥ 1');
  }
  if (!Number.isInteger(c.epochs) || c.epochs < 1) problems.push('epochs must be an integer ≥ 1');
  if (!Number.isInteger(c.seed)) problems.push('seed must be an integer');
  if (c.lossWeights !== undefined) {
    if (c.lossWeights.length !== numTasks) {
      problems.push(`lossWeights needs ${numTasks} entries, got ${c.lossWeights.length}`);
    } else if (c.lossWeights.some((w) => !(w >= 0) || !Number.isFinite(w))) {
      problems.push('lossWeights must be finite numbers ≥ 0');
    }
  }
  if (
    c.taskWeighting !== undefined &&
    c.taskWeighting !== 'fixed' &&
    c.taskWeighting !== 'uncertainty'
  ) {
    problems.push(`taskWeighting must be 'fixed' or 'uncertainty'`);
  }
  const patience = c.earlyStoppingPatience ?? 0;
  if (!Number.isInteger(patience) || patience < 0) {
    problems.push('earlyStoppingPatience must be an integer ≥ 0');
  }
  const window = c.streamingWindow ?? DEFAULT_STREAMING_WINDOW;
  if (!Number.isInteger(window) || window < 1)
    problems.push('streamingWindow must be an integer ≥ 1');
  if (!((c.progressIntervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS) >= 0)) {
    problems.push('progressIntervalMs must be ≥ 0');
  }
  if (problems.length > 0)
    throw new Error(`Invalid training configuration: ${problems.join('; ')}`);
}

/**
 * Trains a MultiTaskModel with Adam on per-task sigmoid cross-entropy.
 *
 * Lifecycle: `run()` trains to the end (or early stop / stop()) and resolves a TrainResult;
 * `stepBatch()` runs exactly one batch (before run(), or while it is paused); `dispose()` frees
 * the optimizer, the weight snapshot and pending tensors, never the model.
 *
 * At the end of `run()` the model holds the weights of the BEST epoch (best mean validation AUC),
 * not the last one; without a validation set it keeps the last weights. Test metrics (if a test
 * set is given) are computed with those weights.
 */
export class Trainer {
  private readonly model: MultiTaskModel;
  private readonly scaling: FeatureScaling;
  private readonly train: RowSet;
  private readonly val?: RowSet;
  private readonly test?: RowSet;
  private readonly config: TrainConfig;
  private readonly callbacks: TrainerCallbacks;
  private readonly taskNames: string[];
  private readonly numFeatures: number;
  private readonly numTasks: number;
  private readonly batchSize: number;
  private readonly stepsPerEpoch: number;
  private readonly progressIntervalMs: number;
  private readonly patience: number;

  private readonly rng: () => number;
  /** Train row ids in this epoch's order (re-shuffled in place every epoch). */
  private readonly order: Uint32Array;
  /** Reusable batch buffers, row-major [batchSize, F] and [batchSize, T]. */
  private readonly xBuf: Float32Array;
  private readonly yBuf: Float32Array;
  /** Rows of the most recent training batch (still in xBuf), for the gate means. */
  private lastBatchRows = 0;
  private evalX: Float32Array | null = null;
  private evalY: Float32Array | null = null;

  private optimizer: FlatAdam | null = null;
  /** The compiled step (undefined: not decided yet; null: the tfjs step is used). */
  private compiled: CompiledStep | null | undefined = undefined;
  /** The compiled step has updated its parameters since they were last written to the model. */
  private compiledDirty = false;
  private lossWeights: tf.Tensor1D | null = null;
  /** Uncertainty weighting: learnable log-variances s [T] and their own Adam (not model weights). */
  private logVariance: tf.Variable<tf.Rank.R1> | null = null;
  private logVarianceOptimizer: FlatAdam | null = null;
  private readonly streaming: StreamingAuc[];

  // Position: `epoch` is 1-based; `stepInEpoch` steps of it are done (0 = not started).
  private epoch = 1;
  private stepInEpoch = 0;
  private done = false;
  private finished = false;
  private status: TrainResult['status'] = 'completed';

  private pending: PendingStep[] = [];
  private traceRows = 0;

  // Accumulators (sample-weighted sums of batch-mean losses).
  private readonly lossSinceEvent: Float64Array;
  private rowsSinceEvent = 0;
  private readonly epochLoss: Float64Array;
  private epochRows = 0;

  // Clocks: "active" time counts steps, readbacks and validation, never pauses or idle time
  // between stepBatch() calls, so samples/s stays meaningful in slow motion.
  private trainActiveMs = 0;
  private activeMs = 0;
  private activeAtEvent = 0;
  private epochTrainMs = 0;
  private lastEventWall = -Infinity;
  private totalTrainRows = 0;

  private readonly epochs: EpochEvent[] = [];
  private bestEpoch = 0;
  private bestScore = -Infinity;
  private epochsSinceBest = 0;
  private snapshot: tf.Tensor[] | null = null;

  private running = false;
  private paused = false;
  private stopRequested = false;
  private wakeUp: (() => void) | null = null;
  /** A stepBatch() in flight; run() waits for it before taking the next step. */
  private stepping: Promise<unknown> | null = null;

  constructor(inputs: TrainInputs, config: TrainConfig, callbacks: TrainerCallbacks = {}) {
    this.model = inputs.model;
    this.scaling = inputs.scaling;
    this.train = inputs.train;
    this.val = inputs.val;
    this.test = inputs.test;
    this.callbacks = callbacks;
    this.taskNames = inputs.train.data.taskNames;
    this.numTasks = this.model.config.numTasks;
    this.numFeatures = this.model.config.numFeatures;
    if (this.taskNames.length !== this.numTasks) {
      throw new Error(
        `The data has ${this.taskNames.length} tasks but the model was built for ${this.numTasks}`,
      );
    }
    if (inputs.train.data.features.length !== this.numFeatures) {
      throw new Error(
        `The data has ${inputs.train.data.features.length} features but the model expects ${this.numFeatures}`,
      );
    }
    checkConfig(config, this.numTasks);
    this.config = { ...config };
    this.batchSize = config.batchSize;
    this.stepsPerEpoch = Math.ceil(this.train.rows.length / this.batchSize);
    this.progressIntervalMs = config.progressIntervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS;
    this.patience = config.earlyStoppingPatience ?? 0;
    this.rng = mulberry32(config.seed);
    this.order = Uint32Array.from(this.train.rows);
    this.xBuf = new Float32Array(this.batchSize * this.numFeatures);
    this.yBuf = new Float32Array(this.batchSize * this.numTasks);
    const window = config.streamingWindow ?? DEFAULT_STREAMING_WINDOW;
    this.streaming = this.taskNames.map(() => new StreamingAuc(window));
    this.lossSinceEvent = new Float64Array(this.numTasks);
    this.epochLoss = new Float64Array(this.numTasks);
  }

  /** Current position: 1-based epoch and the number of steps done in it. */
  get position(): { epoch: number; step: number; stepsPerEpoch: number } {
    return { epoch: this.epoch, step: this.stepInEpoch, stepsPerEpoch: this.stepsPerEpoch };
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /**
   * Trains until the configured epochs are done, early stopping triggers or stop() is called.
   * Continues from wherever stepBatch() left off.
   * @throws NonFiniteLossError when a loss becomes NaN/Infinity (the best weights so far, if any,
   *   are restored first).
   */
  async run(): Promise<TrainResult> {
    if (this.running) throw new Error('Trainer.run() is already running');
    if (this.finished) throw new Error('This training run has finished; create a new Trainer');
    this.running = true;
    try {
      let lastYield = now();
      while (!this.done) {
        if (this.paused && !this.stopRequested) {
          this.syncModel();
          await this.waitWhilePaused();
        }
        if (this.stepping) await this.stepping;
        if (this.stopRequested) {
          this.status = 'stopped';
          break;
        }
        if (this.done) break; // a stepBatch() during the pause may have finished the last epoch
        this.trainStep();
        const epochEnd = this.stepInEpoch === this.stepsPerEpoch;
        const due = now() - this.lastEventWall >= this.progressIntervalMs;
        if (due || epochEnd || this.pending.length >= MAX_PENDING_STEPS) {
          const event = await this.tick(due);
          if (event) this.callbacks.onProgress?.(event);
        }
        if (epochEnd) await this.endEpoch();
        if (now() - lastYield >= YIELD_EVERY_MS) {
          // Whatever runs during the yield (a prediction, a save) sees the current weights.
          this.syncModel();
          await yieldToEventLoop();
          lastYield = now();
        }
      }
      return await this.finish();
    } catch (err) {
      this.abort();
      throw err;
    } finally {
      this.running = false;
    }
  }

  /** Training waits at the next step boundary until resume() or stop(). */
  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.wake();
  }

  /** Training ends after the current step; run() then resolves with status 'stopped'. */
  stop(): void {
    this.stopRequested = true;
    this.wake();
  }

  /**
   * Runs exactly one training batch and returns its ProgressEvent (loss of that batch, streaming
   * AUC, gate means) — slow motion for teaching. Allowed before run() and while run() is paused;
   * the event is returned, not passed to onProgress. When the batch completes an epoch, the epoch
   * is validated and onEpoch fires as usual.
   */
  async stepBatch(): Promise<ProgressEvent> {
    if (this.running && !this.paused) {
      throw new Error('stepBatch() needs the training paused (or not started)');
    }
    if (this.done || this.finished) throw new Error('Training has finished: nothing left to step');
    if (this.stepping) throw new Error('stepBatch() is already running');
    const work = (async () => {
      this.trainStep();
      const event = await this.tick(true);
      if (this.stepInEpoch === this.stepsPerEpoch) await this.endEpoch();
      return event as ProgressEvent;
    })();
    this.stepping = work;
    try {
      return await work;
    } catch (err) {
      this.abort();
      throw err;
    } finally {
      this.stepping = null;
    }
  }

  /** Exact AUC (NaN when a task has one class) and log loss per task on `rows`. */
  async evaluate(rows: RowSet): Promise<SplitMetrics> {
    const logits = await this.forwardLogits(rows);
    const n = rows.rows.length;
    const tasks = logits.map((z, t) => {
      const column = rows.data.labels[t];
      const labels = new Uint8Array(n);
      for (let i = 0; i < n; i++) labels[i] = column[rows.rows[i]];
      // AUC on logits: same ranking as probabilities, without float32 sigmoid saturating into ties.
      const probs = new Float64Array(n);
      for (let i = 0; i < n; i++) probs[i] = 1 / (1 + Math.exp(-z[i]));
      return { auc: exactAuc(z, labels), logloss: logloss(probs, labels) };
    });
    return { tasks, rows: n };
  }

  /** Per-task probabilities, each of length rows.rows.length, in the RowSet's order. */
  async predict(rows: RowSet): Promise<Float32Array[]> {
    const logits = await this.forwardLogits(rows);
    return logits.map((z) => {
      const p = new Float32Array(z.length);
      for (let i = 0; i < z.length; i++) p[i] = 1 / (1 + Math.exp(-z[i]));
      return p;
    });
  }

  /** Frees the optimizer state, the best-weights snapshot and pending tensors (not the model). */
  dispose(): void {
    this.stop();
    this.disposePending();
    this.disposeSnapshot();
    this.optimizer?.dispose();
    this.optimizer = null;
    this.lossWeights?.dispose();
    this.lossWeights = null;
    this.logVarianceOptimizer?.dispose();
    this.logVarianceOptimizer = null;
    this.logVariance?.dispose();
    this.logVariance = null;
    this.compiled?.dispose();
    this.compiled = null;
    this.finished = true;
  }

  // ---------------------------------------------------------------------------------------------

  private wake(): void {
    const wake = this.wakeUp;
    this.wakeUp = null;
    wake?.();
  }

  private async waitWhilePaused(): Promise<void> {
    while (this.paused && !this.stopRequested) {
      await new Promise<void>((resolve) => {
        this.wakeUp = resolve;
      });
    }
  }

  private beginEpoch(): void {
    shuffleInPlace(this.order, this.rng);
    this.epochLoss.fill(0);
    this.epochRows = 0;
    this.epochTrainMs = 0;
  }

  /**
   * The compiled step when it covers this model on the current backend and the config allows it
   * (decided once, at the first step), else null.
   */
  private compiledStep(): CompiledStep | null {
    if (this.compiled !== undefined) return this.compiled;
    this.compiled = null;
    if (this.config.compiledStep === false) return null;
    this.compiled = compiledStepFor(this.model, {
      learningRate: this.config.learningRate,
      lossWeights: this.config.lossWeights ?? new Array<number>(this.numTasks).fill(1),
      uncertainty: this.config.taskWeighting === 'uncertainty',
    });
    return this.compiled;
  }

  /** Which step trains: 'compiled' or 'tfjs' (decided at the first step; null before). */
  get stepKind(): 'compiled' | 'tfjs' | null {
    if (this.compiled === undefined) return null;
    return this.compiled ? 'compiled' : 'tfjs';
  }

  /** Writes the compiled step's weights (and log-variances) into the model's variables. */
  private syncModel(): void {
    if (!this.compiled || !this.compiledDirty) return;
    this.compiled.writeToModel();
    const s = this.compiled.logVariance();
    if (s && this.logVariance) {
      const value = tf.tensor1d(s);
      this.logVariance.assign(value);
      value.dispose();
    }
    this.compiledDirty = false;
  }

  /** One step of the compiled step on the batch in xBuf/yBuf; results are read at once. */
  private compiledTrainStep(compiled: CompiledStep, n: number): PendingStep {
    const F = this.numFeatures;
    const T = this.numTasks;
    const views = compiled.batchViews(n);
    views.x.set(this.xBuf.subarray(0, n * F));
    views.y.set(this.yBuf.subarray(0, n * T));
    const { loss, logits } = compiled.step(n);
    this.compiledDirty = true;
    const trace = new Float32Array(n * 2 * T);
    for (let i = 0; i < n; i++) {
      for (let t = 0; t < T; t++) {
        trace[i * 2 * T + t] = logits[i * T + t];
        trace[i * 2 * T + T + t] = this.yBuf[i * T + t];
      }
    }
    return {
      epoch: this.epoch,
      step: this.stepInEpoch + 1,
      rows: n,
      loss: loss.slice(),
      trace,
    };
  }

  /**
   * One optimizer step on the next batch, with the compiled step or with tfjs ops; its losses and
   * logits wait in `pending` (on the device for the tfjs step) until the next tick.
   */
  private trainStep(): void {
    if (this.train.rows.length === 0) throw new Error('The training split has no rows');
    const t0 = now();
    if (this.stepInEpoch === 0) this.beginEpoch();
    if (!this.lossWeights) {
      this.lossWeights = tf.tensor1d(this.config.lossWeights ?? new Array(this.numTasks).fill(1));
    }
    if (this.config.taskWeighting === 'uncertainty' && !this.logVariance) {
      // tidy frees the zeros the variable is made from.
      this.logVariance = tf.tidy(() => tf.variable(tf.zeros([this.numTasks]) as tf.Tensor1D, true));
    }
    const start = this.stepInEpoch * this.batchSize;
    const n = Math.min(this.batchSize, this.order.length - start);
    fillBatch(this.train.data, this.order, start, n, this.scaling, this.xBuf, this.yBuf);
    this.lastBatchRows = n;
    const compiled = this.compiledStep();
    const step = compiled ? this.compiledTrainStep(compiled, n) : this.tfjsTrainStep(n);
    this.stepInEpoch++;
    this.pending.push(step);
    this.dropOldTraces(n);
    const ms = now() - t0;
    this.trainActiveMs += ms;
    this.activeMs += ms;
    this.epochTrainMs += ms;
  }

  /** One step of tfjs ops on the batch in xBuf/yBuf; losses and trace stay on the device. */
  private tfjsTrainStep(n: number): PendingStep {
    if (!this.optimizer) {
      this.optimizer = new FlatAdam(this.model.variables, this.config.learningRate);
    }
    if (this.logVariance && !this.logVarianceOptimizer) {
      this.logVarianceOptimizer = new FlatAdam([this.logVariance], this.config.learningRate);
    }
    const optimizer = this.optimizer;
    const weights = this.lossWeights as tf.Tensor1D;
    const logVar = this.logVariance;
    const F = this.numFeatures;
    const T = this.numTasks;
    // Tensors that must outlive the tidy (tf.keep): disposed by hand on every path.
    const kept: { logits?: tf.Tensor2D; perTask?: tf.Tensor1D; trace?: tf.Tensor2D } = {};
    try {
      tf.tidy(() => {
        // On the CPU backend these tensors alias the reused buffers: they must not outlive the step.
        const x = tf.tensor2d(this.xBuf.subarray(0, n * F), [n, F]);
        const y = tf.tensor2d(this.yBuf.subarray(0, n * T), [n, T]);
        const variables = this.model.variables;
        // Uncertainty weighting: the model sees weights w·exp(−s), made before the tape so they
        // are constants for the model's gradient.
        const effective = logVar
          ? (tf.mul(weights, tf.exp(tf.neg(logVar))) as tf.Tensor1D)
          : weights;
        const { grads } = tf.variableGrads(
          () => {
            const logits = (kept.logits = tf.keep(this.model.forward(x)));
            const { loss, perTask } = weightedSigmoidCrossEntropy(logits, y, effective);
            kept.perTask = perTask; // already kept by the loss op
            if (!logVar) return loss;
            // d/ds_t of Σ w_t·(exp(−s_t)·L_t + s_t) with L_t a constant here (perTask carries no
            // gradient). Only gradients are used, so the doubled L term in the value is harmless.
            const sTerm = tf.sum(
              tf.mul(weights, tf.add(tf.mul(tf.exp(tf.neg(logVar)), perTask), logVar)),
            );
            return tf.add(loss, sTerm) as tf.Scalar;
          },
          logVar ? [...variables, logVar] : variables,
        );
        // A variable the loss does not reach (none today) gets a zero gradient, not a crash.
        optimizer.applyGradients(variables.map((v) => grads[v.name] ?? tf.zerosLike(v)));
        if (logVar) this.logVarianceOptimizer?.applyGradients([grads[logVar.name]]);
        // concat makes a fresh buffer, so the labels survive the reuse of yBuf.
        kept.trace = tf.keep(tf.concat([kept.logits as tf.Tensor2D, y], 1));
      });
    } catch (err) {
      kept.perTask?.dispose();
      kept.trace?.dispose();
      throw err;
    } finally {
      kept.logits?.dispose();
    }
    return {
      epoch: this.epoch,
      step: this.stepInEpoch + 1,
      rows: n,
      loss: kept.perTask as tf.Tensor1D,
      trace: kept.trace as tf.Tensor2D,
    };
  }

  /** Disposes traces that the newest `window` rows no longer need. */
  private dropOldTraces(added: number): void {
    this.traceRows += added;
    const window = this.streaming[0].window;
    for (const p of this.pending) {
      if (!p.trace) continue;
      if (this.traceRows - p.rows < window) break;
      disposeIfTensor(p.trace);
      p.trace = null;
      this.traceRows -= p.rows;
    }
  }

  /**
   * Reads back every pending step (and, when `emit`, the gate means of the last batch) with ONE
   * `await data()`; updates accumulators and streaming AUCs. Returns a ProgressEvent when `emit`.
   * @throws NonFiniteLossError naming the first step/task whose loss is not finite.
   */
  private async tick(emit: boolean): Promise<ProgressEvent | null> {
    const t0 = now();
    this.syncModel();
    const T = this.numTasks;
    const pending = this.pending;
    this.pending = [];
    this.traceRows = 0;
    const gateShapes: [number, number][] = [];
    let flat: tf.Tensor | null = null;
    try {
      const wantGates = emit && this.lastBatchRows > 0;
      const onDevice = pending.some((p) => p.loss instanceof tf.Tensor);
      if (onDevice || wantGates) {
        flat = tf.tidy(() => {
          const parts: tf.Tensor1D[] = [];
          for (const p of pending) if (p.loss instanceof tf.Tensor) parts.push(p.loss);
          for (const p of pending) {
            if (p.trace instanceof tf.Tensor) parts.push(tf.reshape(p.trace, [-1]));
          }
          if (wantGates) {
            const n = this.lastBatchRows;
            const F = this.numFeatures;
            const x = tf.tensor2d(this.xBuf.subarray(0, n * F), [n, F]);
            for (const g of this.model.gates(x)) {
              const mean = tf.mean(g, 0) as tf.Tensor2D; // [G, E]
              gateShapes.push([mean.shape[0], mean.shape[1]]);
              parts.push(tf.reshape(mean, [-1]));
            }
          }
          // A gateless model with nothing pending gives no parts: still return a tensor.
          return parts.length > 0 ? tf.concat(parts) : tf.zeros([0]);
        });
      }
    } finally {
      for (const p of pending) {
        disposeIfTensor(p.loss);
        disposeIfTensor(p.trace);
      }
    }
    let values: Float32Array = new Float32Array(0);
    if (flat) {
      try {
        values = (await flat.data()) as Float32Array;
      } finally {
        flat.dispose();
      }
    }

    // Where each step's numbers are: read back (in `values`, losses first, then traces, in step
    // order) or already on the host (compiled step).
    let offset = 0;
    const losses = pending.map((p) => {
      if (!(p.loss instanceof tf.Tensor)) return p.loss;
      offset += T;
      return values.subarray(offset - T, offset);
    });
    const traces = pending.map((p) => {
      if (!(p.trace instanceof tf.Tensor)) return p.trace;
      offset += p.rows * 2 * T;
      return values.subarray(offset - p.rows * 2 * T, offset);
    });
    // 1) Losses, in step order: the first non-finite one is where training broke.
    pending.forEach((p, i) => {
      for (let t = 0; t < T; t++) {
        if (!Number.isFinite(losses[i][t])) {
          throw new NonFiniteLossError(p.epoch, p.step, this.taskNames[t]);
        }
      }
    });
    pending.forEach((p, i) => {
      for (let t = 0; t < T; t++) {
        const weighted = losses[i][t] * p.rows;
        this.lossSinceEvent[t] += weighted;
        this.epochLoss[t] += weighted;
      }
      this.rowsSinceEvent += p.rows;
      this.epochRows += p.rows;
      this.totalTrainRows += p.rows;
    });
    // 2) Traces [rows, 2T]: logits in columns 0..T-1, labels in T..2T-1.
    pending.forEach((p, i) => {
      const trace = traces[i];
      if (!trace) return;
      const labels = trace.subarray(T);
      for (let t = 0; t < T; t++) this.streaming[t].push(trace, labels, p.rows, t, 2 * T);
    });
    // 3) Gate means per level, [G][E].
    const gates: number[][][] = gateShapes.map(([g, e]) => {
      const level: number[][] = [];
      for (let i = 0; i < g; i++) {
        level.push(Array.from(values.subarray(offset + i * e, offset + (i + 1) * e)));
      }
      offset += g * e;
      return level;
    });
    const ms = now() - t0;
    this.trainActiveMs += ms;
    this.activeMs += ms;
    this.epochTrainMs += ms;
    if (!emit) return null;

    const seconds = (this.activeMs - this.activeAtEvent) / 1000;
    const event: ProgressEvent = {
      epoch: this.epoch,
      step: this.stepInEpoch,
      stepsPerEpoch: this.stepsPerEpoch,
      samplesPerSec: seconds > 0 ? this.rowsSinceEvent / seconds : 0,
      loss: Array.from(this.lossSinceEvent, (s) =>
        this.rowsSinceEvent > 0 ? s / this.rowsSinceEvent : NaN,
      ),
      trainAuc: this.streaming.map((s) => s.value()),
      gates,
      engine: this.compiled ? 'compiled' : 'tfjs',
    };
    this.lossSinceEvent.fill(0);
    this.rowsSinceEvent = 0;
    this.activeAtEvent = this.activeMs;
    this.lastEventWall = now();
    return event;
  }

  /** Validation, best-epoch bookkeeping and early stopping for the epoch that just ended. */
  private async endEpoch(): Promise<void> {
    const epoch = this.epoch;
    const trainLoss = Array.from(this.epochLoss, (s) =>
      this.epochRows > 0 ? s / this.epochRows : NaN,
    );
    const samplesPerSec = this.epochTrainMs > 0 ? this.epochRows / (this.epochTrainMs / 1000) : 0;
    let val: SplitMetrics | undefined;
    if (this.val && this.val.rows.length > 0) {
      const t0 = now();
      val = await this.evaluate(this.val);
      this.activeMs += now() - t0;
    }
    let isBest: boolean;
    if (val) {
      const score = meanAuc(val);
      isBest = this.bestEpoch === 0 || score > this.bestScore;
      if (isBest) {
        this.bestScore = score;
        this.takeSnapshot();
      }
    } else {
      isBest = true; // without validation the last epoch is the best we can tell
    }
    if (isBest) {
      this.bestEpoch = epoch;
      this.epochsSinceBest = 0;
    } else {
      this.epochsSinceBest++;
    }
    const event: EpochEvent = {
      epoch,
      trainLoss,
      val,
      samplesPerSec,
      // Cumulative active time (steps, readbacks, validation) since the first step; pauses excluded.
      elapsedMs: this.activeMs,
      isBest,
    };
    this.epochs.push(event);
    this.epoch++;
    this.stepInEpoch = 0;
    if (val && this.patience > 0 && this.epochsSinceBest >= this.patience) {
      this.done = true;
      this.status = 'early-stopped';
    } else if (epoch >= this.config.epochs) {
      this.done = true;
      this.status = 'completed';
    }
    this.callbacks.onEpoch?.(event);
  }

  /** Restores the best weights, evaluates the test set and builds the result. */
  private async finish(): Promise<TrainResult> {
    // Steps of a stopped, unfinished epoch may still be pending: read them (NaN check included).
    if (this.pending.length > 0) await this.tick(false);
    this.syncModel();
    this.restoreSnapshot();
    let test: SplitMetrics | undefined;
    if (this.test && this.test.rows.length > 0) {
      const t0 = now();
      test = await this.evaluate(this.test);
      this.activeMs += now() - t0;
    }
    this.finished = true;
    this.done = true;
    let taskWeights: number[] | undefined;
    if (this.logVariance && this.lossWeights) {
      const [s, w] = await Promise.all([this.logVariance.data(), this.lossWeights.data()]);
      taskWeights = Array.from(s, (v, t) => w[t] * Math.exp(-v));
    }
    return {
      epochs: this.epochs.slice(),
      bestEpoch: this.bestEpoch,
      test,
      ...(taskWeights ? { taskWeights } : {}),
      status: this.status,
      samplesPerSec: this.trainActiveMs > 0 ? this.totalTrainRows / (this.trainActiveMs / 1000) : 0,
      elapsedMs: this.activeMs,
    };
  }

  /** After an error: free what the step left and put the best weights back (NaN weights are useless). */
  private abort(): void {
    this.disposePending();
    this.syncModel();
    this.restoreSnapshot();
    this.done = true;
    this.finished = true;
  }

  private takeSnapshot(): void {
    this.syncModel();
    this.disposeSnapshot();
    // clone() shares the data; Adam replaces variables' data (assign) rather than mutating it,
    // so the snapshot keeps this epoch's values.
    this.snapshot = this.model.variables.map((v) => tf.clone(v));
  }

  private restoreSnapshot(): void {
    if (!this.snapshot) return;
    this.model.variables.forEach((v, i) => v.assign(this.snapshot![i]));
    // The compiled step reloads the restored weights before its next step.
    this.compiled?.invalidate();
    this.compiledDirty = false;
    this.disposeSnapshot();
  }

  private disposeSnapshot(): void {
    if (this.snapshot) for (const t of this.snapshot) t.dispose();
    this.snapshot = null;
  }

  private disposePending(): void {
    for (const p of this.pending) {
      disposeIfTensor(p.loss);
      disposeIfTensor(p.trace);
    }
    this.pending = [];
    this.traceRows = 0;
  }

  /** Logits per task (Float32Array of rows.rows.length each), in row order, batch by batch. */
  private async forwardLogits(rows: RowSet): Promise<Float32Array[]> {
    this.syncModel();
    const F = this.numFeatures;
    const T = this.numTasks;
    if (rows.data.features.length !== F) {
      throw new Error(`The data has ${rows.data.features.length} features; the model expects ${F}`);
    }
    if (rows.data.labels.length !== T) {
      throw new Error(`The data has ${rows.data.labels.length} tasks; the model predicts ${T}`);
    }
    if (!this.evalX || !this.evalY) {
      this.evalX = new Float32Array(EVAL_BATCH_ROWS * F);
      this.evalY = new Float32Array(EVAL_BATCH_ROWS * T);
    }
    const evalX = this.evalX;
    const evalY = this.evalY;
    const total = rows.rows.length;
    const out = Array.from({ length: T }, () => new Float32Array(total));
    let lastYield = now();
    for (let start = 0; start < total; start += EVAL_BATCH_ROWS) {
      const n = Math.min(EVAL_BATCH_ROWS, total - start);
      fillBatch(rows.data, rows.rows, start, n, this.scaling, evalX, evalY);
      const logits = tf.tidy(() =>
        this.model.forward(tf.tensor2d(evalX.subarray(0, n * F), [n, F])),
      );
      let z: Float32Array;
      try {
        z = (await logits.data()) as Float32Array;
      } finally {
        logits.dispose();
      }
      for (let i = 0; i < n; i++) {
        for (let t = 0; t < T; t++) out[t][start + i] = z[i * T + t];
      }
      if (now() - lastYield >= YIELD_EVERY_MS) {
        await yieldToEventLoop();
        lastYield = now();
      }
    }
    return out;
  }
}
