/**
 * Model lifecycle in the worker (issue 5): save the session's model (model.json + weights.bin,
 * io/modelFile.ts) and keep the same pair in IndexedDB ("My models"), list/get/delete/put saved
 * models, load one (or uploaded files) into a "loaded" slot, and score a CSV with either model
 * (io/predict.ts: every task's probability).
 *
 * IndexedDB works inside a worker (tfjs notes), so the bytes never have to live on the page.
 */
import type { Dataset, FeatureScaling, RowSet } from '../../engine/data/types';
import {
  applyVocabulary,
  buildVocabulary,
  categoricalModelInputs,
  defaultEmbeddingDim,
  type Vocabulary,
} from '../../engine/data/vocabulary';
import type { ModelConfig } from '../../engine/models/types';
import { deserializeModel, serializeModel, type LoadedModel } from '../../engine/io/modelFile';
import { predictCsv, type ScoringModel } from '../../engine/io/predict';
import type { MultiTaskModel } from '../../engine/models/types';
import { warmStart, type WarmStartMode } from '../../engine/train/warmStart';
import type {
  LifecycleAnswer,
  LifecycleRequest,
  ModelFiles,
  ModelRequest,
  SavedModelEntry,
  WorkerMessage,
} from '../protocol';

/** What the lifecycle handler needs from the training worker's state. */
export interface LifecycleContext {
  /** The session's model and the data it was trained on; null when there is none. */
  session: () => {
    model: MultiTaskModel;
    dataset: Dataset;
    scaling: FeatureScaling;
    /** Vocabulary of the categorical columns, when the data has any. */
    vocabulary?: Vocabulary;
    /** A run is in progress and not paused: its weights are moving. */
    running: boolean;
  } | null;
  post: (msg: WorkerMessage) => void;
  /** Builds (untrained) the model the next session would train for `req` on the loaded data. */
  buildModel: (req: ModelRequest) => MultiTaskModel;
}

const DB_NAME = 'mtl-playground-models';
const STORE = 'models';

/** One saved model in IndexedDB: the listing plus the two files. */
interface StoredModel extends SavedModelEntry {
  jsonText: string;
  weights: ArrayBuffer;
}

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error ?? new Error('IndexedDB request failed'));
  });
}

let dbPromise: Promise<IDBDatabase> | null = null;

function openDb(): Promise<IDBDatabase> {
  if (dbPromise === null) {
    const r = indexedDB.open(DB_NAME, 1);
    r.onupgradeneeded = () => {
      if (!r.result.objectStoreNames.contains(STORE)) {
        r.result.createObjectStore(STORE, { keyPath: 'key' });
      }
    };
    dbPromise = request(r).catch((e: unknown) => {
      dbPromise = null;
      throw new Error(`The browser's storage (IndexedDB) is unavailable: ${String(e)}`);
    });
  }
  return dbPromise;
}

async function withStore<T>(
  mode: IDBTransactionMode,
  f: (store: IDBObjectStore) => IDBRequest<T>,
): Promise<T> {
  const db = await openDb();
  const tx = db.transaction(STORE, mode);
  const result = await request(f(tx.objectStore(STORE)));
  await new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });
  return result;
}

function listing(m: StoredModel): SavedModelEntry {
  return {
    key: m.key,
    name: m.name,
    created: m.created,
    model: m.model,
    taskNames: m.taskNames,
    numFeatures: m.numFeatures,
    parameterCount: m.parameterCount,
    weightBytes: m.weightBytes,
  };
}

function entryFor(loaded: LoadedModel, name: string, weightBytes: number): SavedModelEntry {
  return {
    key: `model-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
    name,
    created: loaded.json.created,
    model: loaded.json.modelConfig.model,
    taskNames: [...loaded.taskNames],
    numFeatures: loaded.json.modelConfig.numFeatures,
    parameterCount: loaded.model.parameterCount(),
    weightBytes,
  };
}

/** Reads the files as a model (checks version, checksum, shapes), then disposes it. */
function checkFiles(files: ModelFiles): LoadedModel {
  return deserializeModel(files.jsonText, files.weights);
}

async function store(files: ModelFiles, name: string): Promise<SavedModelEntry> {
  const loaded = checkFiles(files);
  let entry: SavedModelEntry;
  try {
    entry = entryFor(loaded, name, files.weights.byteLength);
  } finally {
    loaded.model.dispose();
  }
  const record: StoredModel = { ...entry, jsonText: files.jsonText, weights: files.weights };
  await withStore('readwrite', (s) => s.put(record));
  return entry;
}

async function getStored(key: string): Promise<StoredModel> {
  const m = (await withStore('readonly', (s) => s.get(key))) as StoredModel | undefined;
  if (m === undefined) throw new Error(`No saved model "${key}" in this browser.`);
  return m;
}

/** The model loaded from a file or from "My models" (the 'loaded' slot). */
let loaded: (LoadedModel & { name: string }) | null = null;

function setLoaded(next: (LoadedModel & { name: string }) | null): void {
  loaded?.model.dispose();
  loaded = next;
}

/**
 * Categorical columns (declared in the data panel, or the generator's id columns): a vocabulary
 * of the training rows, every split renumbered through it (unseen values → id 0), as the runner
 * does. Returns the splits unchanged and no vocabulary when the data has none.
 */
export function withVocabulary<S extends Record<'train' | 'val' | 'test', RowSet>>(
  splits: S,
): { splits: S; vocabulary?: Vocabulary } {
  if ((splits.train.data.categorical ?? []).length === 0) return { splits };
  const vocabulary = buildVocabulary(splits.train);
  const mapped = new Map<Dataset, Dataset>();
  const remap = (rs: RowSet): RowSet => {
    let data = mapped.get(rs.data);
    if (data === undefined) {
      data = applyVocabulary(rs.data, vocabulary);
      mapped.set(rs.data, data);
    }
    return { data, rows: rs.rows };
  };
  return {
    splits: {
      ...splits,
      train: remap(splits.train),
      val: remap(splits.val),
      test: remap(splits.test),
    },
    vocabulary,
  };
}

/** `config` with one learned embedding table per categorical column (shared by all tasks). */
export function withEmbeddings(config: ModelConfig, vocabulary?: Vocabulary): ModelConfig {
  if (vocabulary === undefined || vocabulary.columns.length === 0) return config;
  return { ...config, inputs: categoricalModelInputs(vocabulary, defaultEmbeddingDim) };
}

/** The warm start armed for the next session, applied once by applyPendingWarmStart. */
let pendingWarmStart: WarmStartMode | null = null;

/**
 * Hook for the training worker's newSession: loads the armed warm start from the loaded model
 * into the fresh `model` (then disarms). The report was shown when it was armed.
 */
export function applyPendingWarmStart(model: MultiTaskModel): void {
  const mode = pendingWarmStart;
  pendingWarmStart = null;
  if (mode === null || loaded === null) return;
  warmStart(loaded.model, model, mode);
}

function sessionScoring(ctx: LifecycleContext): ScoringModel & { featureNames: string[] } {
  const s = ctx.session();
  if (s === null) throw new Error('No trained model yet: train (or step) a model first.');
  if (s.running) throw new Error('Training is running: pause it or wait until it ends.');
  return {
    model: s.model,
    scaling: s.scaling,
    ...(s.vocabulary ? { vocabulary: s.vocabulary } : {}),
    taskNames: [...s.dataset.taskNames],
    featureNames: s.dataset.features.map((f) => f.name),
  };
}

async function answer(req: LifecycleRequest, ctx: LifecycleContext): Promise<LifecycleAnswer> {
  switch (req.op) {
    case 'save': {
      const sc = sessionScoring(ctx);
      const { json, weights } = await serializeModel({
        model: sc.model,
        scaling: sc.scaling,
        taskNames: sc.taskNames,
        featureNames: sc.featureNames,
        ...(sc.vocabulary ? { vocabulary: sc.vocabulary } : {}),
        metadata: { savedFrom: 'playground page' },
      });
      const files: ModelFiles = { jsonText: JSON.stringify(json), weights };
      // Stored from a copy: the answer transfers nothing, but keep the stored bytes independent.
      const entry = await store({ jsonText: files.jsonText, weights: weights.slice(0) }, req.name);
      return { op: 'save', entry, files };
    }
    case 'list': {
      const all = (await withStore('readonly', (s) => s.getAll())) as StoredModel[];
      all.sort((a, b) => a.created.localeCompare(b.created));
      return { op: 'list', entries: all.map(listing) };
    }
    case 'get': {
      const m = await getStored(req.key);
      return { op: 'get', entry: listing(m), files: { jsonText: m.jsonText, weights: m.weights } };
    }
    case 'delete':
      await withStore('readwrite', (s) => s.delete(req.key));
      return { op: 'delete', key: req.key };
    case 'put': {
      const name = req.name ?? 'imported model';
      return { op: 'put', entry: await store(req.files, name) };
    }
    case 'load': {
      let files: ModelFiles;
      let name: string;
      if ('key' in req) {
        const m = await getStored(req.key);
        files = { jsonText: m.jsonText, weights: m.weights };
        name = m.name;
      } else {
        files = req.files;
        name = 'model.json';
      }
      const next = checkFiles(files);
      setLoaded({ ...next, name });
      return {
        op: 'load',
        name,
        model: next.json.modelConfig.model,
        taskNames: [...next.taskNames],
        numFeatures: next.json.modelConfig.numFeatures,
      };
    }
    case 'predictCsv': {
      let scoring: ScoringModel;
      if (req.slot === 'loaded') {
        if (loaded === null) throw new Error('No model is loaded: load a saved model first.');
        scoring = loaded;
      } else {
        scoring = sessionScoring(ctx);
      }
      const p = await predictCsv(req.file, scoring, { sizeHint: req.file.size });
      return {
        op: 'predictCsv',
        csv: p.csvParts.join(''),
        rows: p.rows,
        taskNames: [...p.taskNames],
        hasLabels: p.labels !== null,
      };
    }
    case 'warmStart': {
      if (req.mode === 'off') {
        pendingWarmStart = null;
        return { op: 'warmStart', report: null };
      }
      if (loaded === null) {
        throw new Error('Warm start needs a trained model: load a saved model first.');
      }
      // The report for the model the next session will build: a throwaway copy, same config.
      const target = ctx.buildModel(req.modelConfig);
      try {
        const report = warmStart(loaded.model, target, req.mode);
        pendingWarmStart = req.mode;
        return { op: 'warmStart', report };
      } finally {
        target.dispose();
      }
    }
  }
}

/** Answers one lifecycle request with a `lifecycleResult` (errors reach the page as `error`). */
export async function handleLifecycle(req: LifecycleRequest, ctx: LifecycleContext): Promise<void> {
  ctx.post({ type: 'lifecycleResult', id: req.id, answer: await answer(req, ctx) });
}
