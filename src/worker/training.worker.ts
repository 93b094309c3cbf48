/// <reference lib="webworker" />
/**
 * The training worker: a thin adapter from the message protocol (./protocol.ts) to the engine.
 * Training never runs on the page's thread, so the UI stays responsive.
 *
 * Registers the browser-only backends (webgpu, wasm) and serves the WASM binaries from the app's
 * own origin (Vite `?url` imports), never from a CDN.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { getThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlainUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import {
  initAutoBackend,
  initBackend,
  type BackendInitResult,
  type BackendName,
  type BackendPreference,
} from '../engine/backend';
import { runBackendCheck } from '../engine/backendCheck';
import { parseCsv } from '../engine/data/csv';
import { allRows, numFeatures, positiveRates, selectRows } from '../engine/data/dataset';
import { fitScaling } from '../engine/data/scaling';
import { randomSplit, splitsFromFiles } from '../engine/data/split';
import { generateCorrelated, generateShortVideo } from '../engine/data/synthetic';
import {
  CsvParseError,
  type Dataset,
  type FeatureScaling,
  type ParseResult,
  type RowSet,
} from '../engine/data/types';
import { createModel, defaultModelConfig, listModels } from '../engine/models/registry';
import type { ModelConfig, MultiTaskModel } from '../engine/models/types';
import { Trainer } from '../engine/train/trainer';
import type { Vocabulary } from '../engine/data/vocabulary';
import {
  applyPendingWarmStart,
  handleLifecycle,
  withEmbeddings,
  withVocabulary,
} from './handlers/lifecycle';
import { handleExperiment } from './handlers/experiments';
import { handlePerf } from './handlers/bench';
import type { TrainConfig } from '../engine/train/types';
import type {
  CsvDataSource,
  CsvFileRole,
  DataPrep,
  DataSource,
  DataSummary,
  ModelRequest,
  PredictInput,
  RequestId,
  SessionPosition,
  WorkerMessage,
  WorkerRequest,
} from './protocol';

declare const self: DedicatedWorkerGlobalScope;

setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmPlainUrl,
  'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimdUrl,
});

/** At most 10 progress messages per second, whatever the page asks for. */
const MIN_PROGRESS_INTERVAL_MS = 100;

interface LoadedData {
  dataset: Dataset;
  train: RowSet;
  val: RowSet;
  test: RowSet;
  scaling: FeatureScaling;
  /** Categorical columns' vocabulary of the training rows (handlers/lifecycle.ts). */
  vocabulary?: Vocabulary;
}

let data: LoadedData | null = null;
let backendPref: BackendPreference = 'auto';
let lastInit: BackendInitResult | null = null;

function post(msg: WorkerMessage): void {
  self.postMessage(msg);
}

function postError(id: RequestId | null, e: unknown): void {
  if (e instanceof FileCsvError) {
    post({
      type: 'error',
      id,
      message: e.message,
      line: e.cause.location.line,
      column: e.cause.location.column,
      file: e.role,
      fileName: e.fileName,
    });
    return;
  }
  if (e instanceof CsvParseError) {
    post({
      type: 'error',
      id,
      message: e.message,
      line: e.location.line,
      column: e.location.column,
    });
    return;
  }
  const message = e instanceof Error ? e.message : String(e);
  post({ type: 'error', id, message: message || 'Unknown error in the training worker.' });
}

function wasmThreads(): number | null {
  // getThreadsCount is only meaningful once the WASM backend has initialised.
  if (tf.findBackend('wasm') == null) return null;
  const n = getThreadsCount();
  return n > 0 ? n : 1;
}

/**
 * "Auto" starts on the backend known to be fastest for this kind of device (no calibration to wait
 * for: a run started right after load must not land on a slow software-GPU backend); the page's
 * calibration may then pick another for the next run by asking for it explicitly.
 */
function initPreferred(pref: BackendPreference): Promise<BackendInitResult> {
  return pref === 'auto' ? initAutoBackend() : initBackend(pref);
}

async function handleInit(id: RequestId, backend: BackendPreference): Promise<void> {
  backendPref = backend;
  lastInit = await initPreferred(backend);
  post({
    type: 'ready',
    id,
    backend: lastInit.backend,
    attempts: lastInit.attempts,
    notice: lastInit.notice,
    auto: lastInit.auto,
    crossOriginIsolated: self.crossOriginIsolated,
    wasmThreads: wasmThreads(),
    models: listModels().map(({ name, label, description }) => ({ name, label, description })),
  });
}

interface ParsedFile {
  role: CsvFileRole;
  result: ParseResult;
}

/** Parses one uploaded file, reporting progress; CSV errors name the file. */
async function parseFile(
  id: RequestId,
  role: CsvFileRole,
  file: File,
  options: CsvDataSource['options'],
): Promise<ParsedFile> {
  const t0 = performance.now();
  try {
    const result = await parseCsv(file, {
      ...options,
      sizeHint: file.size,
      onProgress: (p) =>
        post({
          type: 'dataProgress',
          id,
          file: role,
          rows: p.rows,
          bytes: p.bytes,
          totalBytes: p.totalBytes ?? file.size,
          elapsedMs: performance.now() - t0,
        }),
    });
    if (result.dataset.numRows === 0) {
      throw new CsvParseError(`${file.name} has no data rows.`, { line: 1, column: 0 });
    }
    return { role, result };
  } catch (e) {
    if (e instanceof CsvParseError) throw new FileCsvError(role, file.name, e);
    throw e;
  }
}

/** A CSV problem in one of the uploaded files. */
class FileCsvError extends Error {
  constructor(
    readonly role: CsvFileRole,
    readonly fileName: string,
    readonly cause: CsvParseError,
  ) {
    super(`${fileName}: ${cause.message}`);
    this.name = 'FileCsvError';
  }
}

async function handleData(id: RequestId, source: DataSource, prep: DataPrep): Promise<void> {
  // Drop the old data and model first so two datasets never sit in memory together.
  disposeSession();
  data = null;
  let splits: { train: RowSet; val: RowSet; test: RowSet };
  let dataset: Dataset;
  let skipped: DataSummary['skippedExamples'] = [];
  let skippedRows = 0;
  const fromFiles = { val: false, test: false };
  if (source.kind === 'builtin') {
    dataset =
      source.generator === 'short_video'
        ? generateShortVideo({
            rows: source.rows,
            seed: source.seed,
            withShare: source.withShare,
            withIds: source.withIds,
          })
        : generateCorrelated({
            rows: source.rows,
            seed: source.seed,
            correlation: source.correlation ?? 0.5,
          });
    splits = randomSplit(dataset, prep.split, prep.splitSeed);
  } else {
    const parsed: ParsedFile[] = [await parseFile(id, 'train', source.file, source.options)];
    if (source.valFile) parsed.push(await parseFile(id, 'val', source.valFile, source.options));
    if (source.testFile) parsed.push(await parseFile(id, 'test', source.testFile, source.options));
    const byRole = (r: CsvFileRole): Dataset | undefined =>
      parsed.find((p) => p.role === r)?.result.dataset;
    dataset = parsed[0].result.dataset;
    fromFiles.val = source.valFile !== undefined;
    fromFiles.test = source.testFile !== undefined;
    splits = splitsFromFiles(
      { train: dataset, val: byRole('val'), test: byRole('test') },
      prep.split,
      prep.splitSeed,
    );
    for (const p of parsed) {
      skippedRows += p.result.skipped.count;
      skipped = skipped.concat(
        p.result.skipped.examples.slice(0, 20).map((x) => ({ file: p.role, ...x })),
      );
    }
  }
  const { splits: mapped, vocabulary } = withVocabulary(splits);
  const { train, val, test } = mapped;
  if (train.rows.length === 0) {
    throw new Error(`The training split is empty (${dataset.numRows} rows in the data).`);
  }
  const scaling = fitScaling(train, prep.scaling);
  data = { dataset: train.data, train, val, test, scaling, vocabulary };
  const summary: DataSummary = {
    rows: train.rows.length + val.rows.length + test.rows.length,
    tasks: [...dataset.taskNames],
    features: numFeatures(dataset),
    positiveRates: positiveRates(train),
    split: { train: train.rows.length, val: val.rows.length, test: test.rows.length },
    skippedRows,
    skippedExamples: skipped,
    fromFiles,
  };
  post({ type: 'dataReady', id, summary });
}

// ---------------------------------------------------------------------------- training session

/**
 * One model + its trainer. It lives from the first Train/Step until Reset, new data or the next
 * fresh Train; after training ends the model stays for predictions.
 */
interface Session {
  model: MultiTaskModel;
  trainer: Trainer;
  epochs: number;
  /** The request whose id the trainer's events carry now (run's, or a step's while paused). */
  listener: RequestId;
  /** The `train` request whose run() is in progress, if any. */
  runId: RequestId | null;
  run: Promise<unknown> | null;
  /** run() has resolved: nothing left to train. */
  finished: boolean;
  /** Set by stop/reset to end a step-epoch loop early. */
  stopSteps: boolean;
}

let session: Session | null = null;

function disposeSession(): void {
  if (session === null) return;
  const s = session;
  session = null;
  s.trainer.dispose();
  s.model.dispose();
}

function buildConfig(modelRequest: ModelRequest, d: LoadedData): ModelConfig {
  return withEmbeddings(
    {
      ...defaultModelConfig(modelRequest.model, numFeatures(d.dataset), d.dataset.taskNames.length),
      ...modelRequest,
    },
    d.vocabulary,
  );
}

function position(s: Session): SessionPosition {
  const p = s.trainer.position;
  return {
    ...p,
    allEpochsDone: s.finished || p.epoch > s.epochs,
    parameterCount: s.model.parameterCount(),
  };
}

function newSession(id: RequestId, modelRequest: ModelRequest, trainConfig: TrainConfig): Session {
  if (data === null) throw new Error('No data is loaded yet: load a data set before training.');
  disposeSession();
  const { dataset, train, val, test, scaling } = data;
  const model = createModel(buildConfig(modelRequest, data));
  applyPendingWarmStart(model);
  let trainer: Trainer;
  try {
    trainer = new Trainer(
      {
        model,
        scaling,
        train,
        val: val.rows.length > 0 ? val : undefined,
        test: test.rows.length > 0 ? test : undefined,
      },
      {
        ...trainConfig,
        progressIntervalMs: Math.max(MIN_PROGRESS_INTERVAL_MS, trainConfig.progressIntervalMs ?? 0),
      },
      {
        onProgress: (event) => post({ type: 'progress', id: current.listener, event }),
        onEpoch: (event) => post({ type: 'epoch', id: current.listener, event }),
      },
    );
  } catch (e) {
    model.dispose();
    throw e;
  }
  const current: Session = {
    model,
    trainer,
    epochs: trainConfig.epochs,
    listener: id,
    runId: null,
    run: null,
    finished: false,
    stopSteps: false,
  };
  session = current;
  post({
    type: 'sessionStarted',
    id,
    parameterCount: model.parameterCount(),
    gateLayout: model.gateLayout([...dataset.taskNames]),
    stepsPerEpoch: trainer.position.stepsPerEpoch,
  });
  return current;
}

async function handleTrain(
  id: RequestId,
  modelRequest: ModelRequest,
  trainConfig: TrainConfig,
  continueSession: boolean,
): Promise<void> {
  const reuse = continueSession && session !== null && !session.finished && session.run === null;
  const s = reuse && session !== null ? session : newSession(id, modelRequest, trainConfig);
  s.listener = id;
  s.runId = id;
  s.stopSteps = false;
  const run = s.trainer.run();
  s.run = run;
  try {
    const result = await run;
    s.finished = true;
    post({ type: 'done', id, result, position: position(s) });
  } catch (e) {
    // A failed run (e.g. a non-finite loss) leaves nothing worth keeping.
    if (session === s) disposeSession();
    throw e;
  } finally {
    s.run = null;
    s.runId = null;
  }
}

/** Lets queued messages (stop, pause) in between steps of a step-epoch loop. */
function yieldToMessages(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

async function handleStep(req: Extract<WorkerRequest, { type: 'step' }>): Promise<void> {
  let s = session;
  if (s !== null && s.run !== null && !s.trainer.isPaused) {
    throw new Error('Training is running: pause it before stepping.');
  }
  if (s === null || s.finished || position(s).allEpochsDone) {
    if (s !== null && s.run !== null) throw new Error('Training has no steps left.');
    s = newSession(req.id, req.modelConfig, req.trainConfig);
  }
  const cur = s;
  cur.listener = req.id;
  cur.stopSteps = false;
  try {
    let event = await cur.trainer.stepBatch();
    if (req.mode === 'epoch') {
      const startEpoch = event.epoch;
      let lastPost = performance.now();
      let lastYield = lastPost;
      while (cur.trainer.position.step !== 0 && !cur.stopSteps && session === cur) {
        event = await cur.trainer.stepBatch();
        const t = performance.now();
        if (t - lastPost >= MIN_PROGRESS_INTERVAL_MS) {
          post({ type: 'progress', id: req.id, event });
          lastPost = t;
        }
        if (t - lastYield >= 30) {
          await yieldToMessages();
          lastYield = performance.now();
        }
        if (event.epoch !== startEpoch) break;
      }
    }
    if (session !== cur) throw new Error('The training session was reset.');
    post({ type: 'stepped', id: req.id, event, position: position(cur) });
  } finally {
    // Events of a paused run go back to its own request when it resumes.
    if (cur.runId !== null) cur.listener = cur.runId;
  }
}

async function handleReset(id: RequestId): Promise<void> {
  const s = session;
  if (s !== null) {
    s.stopSteps = true;
    s.trainer.stop();
    if (s.run !== null) await s.run.catch(() => undefined);
    if (session === s) disposeSession();
  }
  post({ type: 'resetDone', id });
}

function handleDescribe(id: RequestId, modelRequest: ModelRequest): void {
  if (data === null) throw new Error('No data is loaded yet: the model size depends on the data.');
  const model = createModel(buildConfig(modelRequest, data));
  try {
    const taskNames = [...data.dataset.taskNames];
    post({
      type: 'modelDescription',
      id,
      description: {
        parameterCount: model.parameterCount(),
        gateLayout: model.gateLayout(taskNames),
        numFeatures: numFeatures(data.dataset),
        taskNames,
      },
    });
  } finally {
    model.dispose();
  }
}

/** Reads a pasted CSV line: all columns (labels first) or only the F features. */
function pastedRow(text: string, d: LoadedData): { dataset: Dataset; hasLabels: boolean } {
  const F = numFeatures(d.dataset);
  const T = d.dataset.taskNames.length;
  const line = text.trim().split(/\r?\n/)[0] ?? '';
  const cells = line.split(',').map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
  if (cells.length !== F && cells.length !== F + T) {
    throw new Error(
      `The pasted row has ${cells.length} values; expected ${F + T} (${T} labels first, then ${F} features) or ${F} (features only).`,
    );
  }
  const values = cells.map((c, i) => {
    const low = c.toLowerCase();
    const v = low === 'true' ? 1 : low === 'false' ? 0 : c === '' ? NaN : Number(c);
    if (!Number.isFinite(v)) {
      throw new Error(`The pasted row: value ${i + 1} ("${c.slice(0, 20)}") is not a number.`);
    }
    return v;
  });
  const hasLabels = values.length === F + T;
  const labelValues = hasLabels ? values.slice(0, T) : new Array<number>(T).fill(0);
  if (labelValues.some((v) => v !== 0 && v !== 1)) {
    throw new Error('The pasted row: labels (the first columns) must be 0 or 1.');
  }
  const feats = hasLabels ? values.slice(T) : values;
  const dataset: Dataset = {
    numRows: 1,
    taskNames: [...d.dataset.taskNames],
    labels: labelValues.map((v) => Uint8Array.of(v)),
    features: d.dataset.features.map((col, f) => ({
      name: col.name,
      kind: 'float',
      values: Float32Array.of(feats[f]),
    })),
  };
  return { dataset, hasLabels };
}

async function handlePredict(id: RequestId, input: PredictInput): Promise<void> {
  const s = session;
  const d = data;
  if (d === null) throw new Error('No data is loaded yet.');
  if (s === null) throw new Error('No trained model yet: train (or step) a model first.');
  if (s.run !== null && !s.trainer.isPaused) {
    throw new Error('Training is running: pause it or wait until it ends to predict.');
  }
  let rows: RowSet;
  let labels: number[] | null;
  if (input.kind === 'testRow') {
    const n = d.test.rows.length;
    if (n === 0) throw new Error('There is no test split to pick a row from.');
    if (!Number.isInteger(input.index) || input.index < 0 || input.index >= n) {
      throw new Error(`Test row must be between 1 and ${n}.`);
    }
    rows = selectRows(d.test, [input.index]);
    const r = rows.rows[0];
    labels = d.dataset.labels.map((l) => l[r]);
  } else {
    const pasted = pastedRow(input.text, d);
    rows = allRows(pasted.dataset);
    labels = pasted.hasLabels ? pasted.dataset.labels.map((l) => l[0]) : null;
  }
  const probs = await s.trainer.predict(rows);
  post({
    type: 'prediction',
    id,
    result: {
      taskNames: [...d.dataset.taskNames],
      probabilities: probs.map((p) => p[0]),
      labels,
      testRows: d.test.rows.length,
    },
  });
}

async function handleBackendCheck(
  id: RequestId,
  req: Extract<WorkerRequest, { type: 'backendCheck' }>,
): Promise<void> {
  const previous = lastInit?.backend ?? null;
  // Only the requested backend, then CPU: a check must never silently run somewhere else.
  const init = await initBackend(req.backend, { order: [req.backend, 'cpu'] });
  try {
    // An unavailable backend is reported as such; running on the fallback would prove nothing.
    const perModel =
      init.backend === req.backend
        ? await runBackendCheck({
            models: req.models,
            steps: req.steps,
            batchSize: req.batchSize,
            seed: req.seed,
          })
        : req.models.map((model) => ({ model, losses: [] }));
    post({
      type: 'backendCheckResult',
      id,
      requested: req.backend,
      backend: init.backend,
      notice: init.notice,
      perModel,
    });
  } finally {
    // Back to what the user chose, so training continues where it was.
    if (previous !== null && previous !== init.backend) await restoreBackend(previous);
  }
}

async function restoreBackend(name: BackendName): Promise<void> {
  const r = await initBackend(name);
  if (r.backend !== name) lastInit = await initPreferred(backendPref);
}

async function handle(req: WorkerRequest): Promise<void> {
  switch (req.type) {
    case 'init':
      return handleInit(req.id, req.backend);
    case 'data':
      return handleData(req.id, req.source, req.prep);
    case 'train':
      return handleTrain(req.id, req.modelConfig, req.trainConfig, req.continueSession === true);
    case 'step':
      return handleStep(req);
    case 'reset':
      return handleReset(req.id);
    case 'describeModel':
      return handleDescribe(req.id, req.modelConfig);
    case 'predict':
      return handlePredict(req.id, req.input);
    case 'backendCheck':
      return handleBackendCheck(req.id, req);
    case 'experiment':
    case 'experimentStop':
      return handleExperiment(req, { post, loaded: () => data });
    case 'bench':
    case 'calibrate':
      return handlePerf(req, {
        post,
        current: () => lastInit?.backend ?? null,
        restore: restoreBackend,
        wasmThreads,
      });
    case 'lifecycle':
      return handleLifecycle(req, {
        post,
        buildModel: (r) => {
          if (data === null) throw new Error('No data is loaded yet: load a data set first.');
          return createModel(buildConfig(r, data));
        },
        session: () =>
          session && data
            ? {
                model: session.model,
                dataset: data.dataset,
                scaling: data.scaling,
                vocabulary: data.vocabulary,
                running: session.run !== null && !session.trainer.isPaused,
              }
            : null,
      });
    case 'pause':
      session?.trainer.pause();
      return;
    case 'resume':
      if (session !== null && session.runId !== null) session.listener = session.runId;
      session?.trainer.resume();
      return;
    case 'stop':
      if (session !== null) {
        session.stopSteps = true;
        session.trainer.stop();
      }
      return;
  }
}

/**
 * Requests that use tfjs or the data run one at a time, in arrival order. Some must act while a
 * training run is in progress (the queue waits for it), so they skip the queue: pause/resume/stop
 * and reset always; describeModel always (it is synchronous: build, count, dispose, with no await
 * that could interleave with a step); step and predict when a run is in progress (they check
 * that it is paused).
 */
function skipsQueue(req: WorkerRequest): boolean {
  switch (req.type) {
    case 'pause':
    case 'resume':
    case 'stop':
    case 'reset':
    case 'describeModel':
    case 'experimentStop':
      return true;
    case 'step':
    case 'predict':
      return session !== null && session.run !== null;
    default:
      return false;
  }
}

let queue: Promise<void> = Promise.resolve();

self.onmessage = (e: MessageEvent<WorkerRequest>) => {
  const req = e.data;
  const run = async (): Promise<void> => {
    try {
      await handle(req);
    } catch (err) {
      postError(req.id, err);
    }
  };
  if (skipsQueue(req)) {
    void run();
  } else {
    queue = queue.then(run);
  }
};

// Anything that escapes a handler still reaches the page.
self.addEventListener('unhandledrejection', (e) => postError(null, e.reason));
self.addEventListener('error', (e) => {
  // Reported once, through the protocol, instead of also as the page's worker.onerror.
  e.preventDefault();
  postError(null, e.error ?? e.message);
});
