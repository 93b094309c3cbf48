/**
 * Saving and loading a trained model as two files: `model.json` (versioned metadata plus a
 * TensorFlow.js-style weights manifest) and `weights.bin` (the raw variable values).
 *
 * Pure TypeScript + tfjs, no fs: the CLI writes the files with Node, the browser offers them as
 * downloads or keeps them in IndexedDB.
 */
import * as tf from '@tensorflow/tfjs';
import type { FeatureScaling } from '../data/types';
import { vocabSize, vocabularyProblems, type Vocabulary } from '../data/vocabulary';
import type { ModelConfig, ModelName, MultiTaskModel } from '../models/types';
import { createModel } from '../models/registry';
import { stableName } from '../models/init';

export const MODEL_FORMAT = 'mtl-playground-model';
export const MODEL_FORMAT_VERSION = 1;
/** File name of the weights inside a saved model (referenced from the manifest). */
export const WEIGHTS_FILE = 'weights.bin';

/** One weights group as TensorFlow.js writes it in model.json. */
export interface WeightsManifestGroup {
  paths: string[];
  weights: tf.io.WeightsManifestEntry[];
}

/** Content of model.json. */
export interface ModelJson {
  format: typeof MODEL_FORMAT;
  version: number;
  /** ISO 8601 time of saving. */
  created: string;
  modelConfig: ModelConfig;
  scaling: FeatureScaling;
  /** Task names, length T (same order as the logits). */
  taskNames: string[];
  /** Feature names, length F (same order as the model's inputs). */
  featureNames: string[];
  /** Free-form facts about the run that produced the model (train config, metrics, …). */
  metadata?: Record<string, unknown>;
  /**
   * Vocabularies of the categorical columns (present when modelConfig.inputs declares any):
   * new rows are mapped through it, unknown values to id 0. Optional, so files without
   * categorical inputs (and those written before it existed) keep version 1.
   */
  vocabulary?: Vocabulary;
  /** CRC-32 of weights.bin as 8 hex digits: catches damage that keeps the length. */
  weightsCrc32: string;
  /** TensorFlow.js-compatible layout: one group, one file. */
  weightsManifest: WeightsManifestGroup[];
}

export interface SerializeInput {
  model: MultiTaskModel;
  scaling: FeatureScaling;
  taskNames: string[];
  featureNames: string[];
  metadata?: Record<string, unknown>;
  /** Required when the model has categorical inputs. */
  vocabulary?: Vocabulary;
  /** Defaults to now. */
  created?: Date;
}

export interface LoadedModel {
  model: MultiTaskModel;
  scaling: FeatureScaling;
  taskNames: string[];
  featureNames: string[];
  /** Present when the model has categorical inputs. */
  vocabulary?: Vocabulary;
  json: ModelJson;
}

/** Thrown when a saved model cannot be read; the message names what is wrong. */
export class ModelFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelFileError';
  }
}

/**
 * The name a variable is saved under: tfjs needs process-unique variable names, so the models
 * suffix each instance; the instance-independent part is what we store.
 */
export function stableWeightName(variable: tf.Variable): string {
  return stableName(variable);
}

/**
 * Serialise a model's variables and everything needed to use it on new rows.
 * Async because reading variable values may be async on GPU backends.
 */
export async function serializeModel(
  input: SerializeInput,
): Promise<{ json: ModelJson; weights: ArrayBuffer }> {
  const { model, scaling, taskNames, featureNames } = input;
  const { numFeatures, numTasks } = model.config;
  if (taskNames.length !== numTasks) {
    throw new Error(
      `serializeModel: ${taskNames.length} task names for a model with ${numTasks} tasks`,
    );
  }
  if (featureNames.length !== numFeatures || scaling.columns.length !== numFeatures) {
    throw new Error(
      `serializeModel: model has ${numFeatures} features, got ${featureNames.length} names and ` +
        `${scaling.columns.length} scaling columns`,
    );
  }
  const vocabProblem = vocabularyMismatch(model.config, input.vocabulary);
  if (vocabProblem) throw new Error(`serializeModel: ${vocabProblem}`);
  const named: tf.NamedTensorMap = {};
  for (const v of model.variables) {
    const name = stableWeightName(v);
    if (name in named) throw new Error(`serializeModel: two variables share the name "${name}"`);
    named[name] = v;
  }
  const { data, specs } = await tf.io.encodeWeights(named);
  const json: ModelJson = {
    format: MODEL_FORMAT,
    version: MODEL_FORMAT_VERSION,
    created: (input.created ?? new Date()).toISOString(),
    modelConfig: { ...model.config },
    scaling: structuredClone(scaling),
    taskNames: [...taskNames],
    featureNames: [...featureNames],
    ...(input.metadata ? { metadata: input.metadata } : {}),
    ...(input.vocabulary ? { vocabulary: structuredClone(input.vocabulary) } : {}),
    weightsCrc32: crc32Hex(new Uint8Array(data)),
    weightsManifest: [{ paths: [WEIGHTS_FILE], weights: specs }],
  };
  return { json, weights: data };
}

/**
 * Rebuild a model from model.json (already parsed, or its text) and weights.bin.
 * @throws ModelFileError naming the problem: not a model file, other version, damaged weights,
 *   weights that do not match the architecture.
 */
export function deserializeModel(jsonInput: unknown, weights: ArrayBuffer): LoadedModel {
  const json = checkModelJson(typeof jsonInput === 'string' ? parseJsonText(jsonInput) : jsonInput);
  const specs = json.weightsManifest.flatMap((g) => g.weights);

  const expectedBytes = specs.reduce((sum, s) => sum + bytesOf(s), 0);
  if (weights.byteLength !== expectedBytes) {
    throw new ModelFileError(
      `Damaged weights: ${WEIGHTS_FILE} has ${weights.byteLength} bytes, model.json describes ${expectedBytes}`,
    );
  }
  const crc = crc32Hex(new Uint8Array(weights));
  if (crc !== json.weightsCrc32) {
    throw new ModelFileError(
      `Damaged weights: checksum of ${WEIGHTS_FILE} is ${crc}, model.json expects ${json.weightsCrc32}`,
    );
  }

  let model: MultiTaskModel;
  try {
    model = createModel(json.modelConfig);
  } catch (e) {
    throw new ModelFileError(`Cannot build the saved model: ${(e as Error).message}`);
  }
  try {
    const byName = new Map(specs.map((s) => [s.name, s]));
    for (const v of model.variables) {
      const name = stableWeightName(v);
      const spec = byName.get(name);
      if (!spec)
        throw new ModelFileError(
          `Saved weights lack variable "${name}" of the ${json.modelConfig.model} model`,
        );
      if (!sameShape(spec.shape, v.shape)) {
        throw new ModelFileError(
          `Saved weight "${name}" has shape [${spec.shape.join(',')}], the model expects [${v.shape.join(',')}]`,
        );
      }
      byName.delete(name);
    }
    if (byName.size > 0) {
      throw new ModelFileError(
        `Saved weights hold unknown variables: ${[...byName.keys()].join(', ')}`,
      );
    }
    const decoded = tf.io.decodeWeights(weights, specs);
    try {
      for (const v of model.variables) v.assign(decoded[stableWeightName(v)]);
    } finally {
      tf.dispose(Object.values(decoded));
    }
  } catch (e) {
    model.dispose();
    throw e;
  }
  return {
    model,
    scaling: json.scaling,
    taskNames: json.taskNames,
    featureNames: json.featureNames,
    ...(json.vocabulary ? { vocabulary: json.vocabulary } : {}),
    json,
  };
}

/**
 * Why `vocab` does not fit the categorical inputs of `config` (undefined when it fits): one
 * vocabulary column per categorical input, same feature, table rows = tokens + 1.
 */
export function vocabularyMismatch(
  config: ModelConfig,
  vocab: Vocabulary | undefined,
): string | undefined {
  const declared = config.inputs?.categorical;
  const cats = Array.isArray(declared) ? declared : [];
  const cols = vocab?.columns ?? [];
  if (cats.length === 0 && cols.length === 0) return undefined;
  if (cols.length !== cats.length) {
    return `the model has ${cats.length} categorical inputs but the vocabulary lists ${cols.length} columns`;
  }
  for (const c of cats) {
    const col = cols.find((v) => v.feature === c.column);
    if (!col) return `the vocabulary has no column for categorical feature ${c.column + 1}`;
    if (vocabSize(col) !== c.vocabSize) {
      return `categorical column "${col.name}" has ${col.tokens.length} values in the vocabulary but an embedding table of ${c.vocabSize} rows (expected values + 1)`;
    }
  }
  return undefined;
}

function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new ModelFileError(`model.json is not valid JSON: ${(e as Error).message}`);
  }
}

const MODEL_NAMES: readonly ModelName[] = ['single_task', 'share_bottom', 'mmoe', 'ple'];

/** Structural check of model.json; returns it typed. */
export function checkModelJson(value: unknown): ModelJson {
  if (!isRecord(value)) throw new ModelFileError('model.json must hold a JSON object');
  if (value.format !== MODEL_FORMAT) {
    throw new ModelFileError(
      `Not a ${MODEL_FORMAT} file (format is ${JSON.stringify(value.format ?? null)})`,
    );
  }
  if (value.version !== MODEL_FORMAT_VERSION) {
    throw new ModelFileError(
      `Unsupported model file version ${JSON.stringify(value.version ?? null)}: this version reads version ${MODEL_FORMAT_VERSION}`,
    );
  }
  const cfg = value.modelConfig;
  if (!isRecord(cfg) || !MODEL_NAMES.includes(cfg.model as ModelName)) {
    throw new ModelFileError('model.json: modelConfig is missing or names an unknown model');
  }
  const numTasks = cfg.numTasks;
  const numFeatures = cfg.numFeatures;
  if (!isPositiveInt(numTasks) || !isPositiveInt(numFeatures)) {
    throw new ModelFileError(
      'model.json: modelConfig.numTasks/numFeatures must be positive integers',
    );
  }
  if (!isStringArray(value.taskNames) || value.taskNames.length !== numTasks) {
    throw new ModelFileError(`model.json: taskNames must list ${numTasks} names`);
  }
  if (!isStringArray(value.featureNames) || value.featureNames.length !== numFeatures) {
    throw new ModelFileError(`model.json: featureNames must list ${numFeatures} names`);
  }
  const scaling = value.scaling;
  if (
    !isRecord(scaling) ||
    (scaling.mode !== 'standard' && scaling.mode !== 'raw') ||
    !Array.isArray(scaling.columns) ||
    scaling.columns.length !== numFeatures
  ) {
    throw new ModelFileError(`model.json: scaling must hold a mode and ${numFeatures} columns`);
  }
  if (value.vocabulary !== undefined) {
    const problems = vocabularyProblems(value.vocabulary, numFeatures);
    if (problems.length > 0) throw new ModelFileError(`model.json: ${problems.join('; ')}`);
  }
  const mismatch = vocabularyMismatch(
    cfg as unknown as ModelConfig,
    value.vocabulary as Vocabulary | undefined,
  );
  if (mismatch) throw new ModelFileError(`model.json: ${mismatch}`);
  if (typeof value.weightsCrc32 !== 'string')
    throw new ModelFileError('model.json: weightsCrc32 is missing');
  const manifest = value.weightsManifest;
  if (
    !Array.isArray(manifest) ||
    manifest.length === 0 ||
    !manifest.every((g) => isRecord(g) && Array.isArray(g.paths) && Array.isArray(g.weights))
  ) {
    throw new ModelFileError('model.json: weightsManifest is missing or malformed');
  }
  for (const group of manifest as { weights: unknown[] }[]) {
    for (const spec of group.weights) {
      if (
        !isRecord(spec) ||
        typeof spec.name !== 'string' ||
        !Array.isArray(spec.shape) ||
        !spec.shape.every((d) => Number.isInteger(d) && (d as number) >= 0) ||
        spec.dtype !== 'float32' ||
        spec.quantization !== undefined
      ) {
        throw new ModelFileError(
          `model.json: weight entry ${JSON.stringify(isRecord(spec) ? spec.name : spec)} is malformed (float32, unquantised expected)`,
        );
      }
    }
  }
  return value as unknown as ModelJson;
}

function bytesOf(spec: tf.io.WeightsManifestEntry): number {
  return spec.shape.reduce((a, b) => a * b, 1) * 4; // float32 only (checked above)
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isPositiveInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v > 0;
}

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((s) => typeof s === 'string');
}

let crcTable: Uint32Array | undefined;

/** CRC-32 (IEEE, as in zip/gzip) of `bytes`, as 8 lowercase hex digits. */
export function crc32Hex(bytes: Uint8Array): string {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = crcTable[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return ((crc ^ 0xffffffff) >>> 0).toString(16).padStart(8, '0');
}
