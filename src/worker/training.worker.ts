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
  initBackend,
  type BackendInitResult,
  type BackendName,
  type BackendPreference,
} from '../engine/backend';
import { runBackendCheck } from '../engine/backendCheck';
import { parseCsv } from '../engine/data/csv';
import { allRows, numFeatures, positiveRates } from '../engine/data/dataset';
import { fitScaling } from '../engine/data/scaling';
import { randomSplit } from '../engine/data/split';
import { generateCorrelated, generateShortVideo } from '../engine/data/synthetic';
import {
  CsvParseError,
  type Dataset,
  type FeatureScaling,
  type RowSet,
} from '../engine/data/types';
import { createModel, defaultModelConfig, listModels } from '../engine/models/registry';
import type { ModelConfig } from '../engine/models/types';
import { Trainer } from '../engine/train/trainer';
import type { TrainConfig } from '../engine/train/types';
import type {
  DataPrep,
  DataSource,
  DataSummary,
  ModelRequest,
  RequestId,
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
}

let data: LoadedData | null = null;
let backendPref: BackendPreference = 'auto';
let lastInit: BackendInitResult | null = null;
/** The running training, for pause/resume/stop. */
let trainer: Trainer | null = null;

function post(msg: WorkerMessage): void {
  self.postMessage(msg);
}

function postError(id: RequestId | null, e: unknown): void {
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

async function handleInit(id: RequestId, backend: BackendPreference): Promise<void> {
  backendPref = backend;
  lastInit = await initBackend(backend);
  post({
    type: 'ready',
    id,
    backend: lastInit.backend,
    attempts: lastInit.attempts,
    notice: lastInit.notice,
    crossOriginIsolated: self.crossOriginIsolated,
    wasmThreads: wasmThreads(),
    models: listModels().map(({ name, label, description }) => ({ name, label, description })),
  });
}

async function loadDataset(id: RequestId, source: DataSource): Promise<Dataset> {
  if (source.kind === 'builtin') {
    return source.generator === 'short_video'
      ? generateShortVideo({ rows: source.rows, seed: source.seed })
      : generateCorrelated({
          rows: source.rows,
          seed: source.seed,
          correlation: source.correlation ?? 0.5,
        });
  }
  const result = await parseCsv(source.file, {
    ...source.options,
    sizeHint: source.file.size,
    onProgress: (p) =>
      post({
        type: 'dataProgress',
        id,
        rows: p.rows,
        bytes: p.bytes,
        totalBytes: p.totalBytes ?? source.file.size,
      }),
  });
  return result.dataset;
}

async function handleData(id: RequestId, source: DataSource, prep: DataPrep): Promise<void> {
  // Drop the old data first so two datasets never sit in memory together.
  data = null;
  const dataset = await loadDataset(id, source);
  const { train, val, test } = randomSplit(dataset, prep.split, prep.splitSeed);
  if (train.rows.length === 0) {
    throw new Error(`The training split is empty (${dataset.numRows} rows in the data).`);
  }
  const scaling = fitScaling(train, prep.scaling);
  data = { dataset, train, val, test, scaling };
  const summary: DataSummary = {
    rows: dataset.numRows,
    tasks: [...dataset.taskNames],
    features: numFeatures(dataset),
    positiveRates: positiveRates(allRows(dataset)),
    split: { train: train.rows.length, val: val.rows.length, test: test.rows.length },
    skippedRows: 0,
  };
  post({ type: 'dataReady', id, summary });
}

async function handleTrain(
  id: RequestId,
  modelRequest: ModelRequest,
  trainConfig: TrainConfig,
): Promise<void> {
  if (data === null) throw new Error('No data is loaded yet: load a data set before training.');
  const { dataset, train, val, test, scaling } = data;
  const config: ModelConfig = {
    ...defaultModelConfig(modelRequest.model, numFeatures(dataset), dataset.taskNames.length),
    ...modelRequest,
  };
  const model = createModel(config);
  const current = new Trainer(
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
      onProgress: (event) => post({ type: 'progress', id, event }),
      onEpoch: (event) => post({ type: 'epoch', id, event }),
    },
  );
  trainer = current;
  try {
    const result = await current.run();
    post({ type: 'done', id, result });
  } finally {
    trainer = null;
    current.dispose();
    model.dispose();
  }
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
  if (r.backend !== name) lastInit = await initBackend(backendPref);
}

async function handle(req: WorkerRequest): Promise<void> {
  switch (req.type) {
    case 'init':
      return handleInit(req.id, req.backend);
    case 'data':
      return handleData(req.id, req.source, req.prep);
    case 'train':
      return handleTrain(req.id, req.modelConfig, req.trainConfig);
    case 'backendCheck':
      return handleBackendCheck(req.id, req);
    case 'pause':
      trainer?.pause();
      return;
    case 'resume':
      trainer?.resume();
      return;
    case 'stop':
      trainer?.stop();
      return;
  }
}

/**
 * Requests that use tfjs or the data run one at a time, in arrival order; pause/resume/stop
 * must act on the running training immediately, so they skip the queue.
 */
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
  if (req.type === 'pause' || req.type === 'resume' || req.type === 'stop') {
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
