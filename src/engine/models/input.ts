/**
 * The shared input block: every model's first step when ModelConfig.inputs declares
 * categorical columns.
 *
 * x [B, F] carries each categorical id as a float in its column (exact below 2^24; scaling is the
 * identity there). The block splits x into the numeric columns (in their order) and the id
 * columns, replaces each id column by its embedding and concatenates:
 *   x' [B, F_num + Σ d] = [numeric columns | emb_0 | emb_1 | …]
 * The lookup is oneHot(ids, V) · table [V, d], not gather: gather's gradient needs
 * UnsortedSegmentSum, which the WASM backend lacks; a one-hot matMul trains on every backend.
 * Ids outside 0..V−1 read as the out-of-vocabulary id 0.
 *
 * The tables belong to the input block, so all tasks share them. The model itself (towers,
 * experts, gates) is built unchanged on F' = F_num + Σ d features: no model file knows about it.
 */
import * as tf from '@tensorflow/tfjs';
import { ParamStore, deriveSeed } from './init';
import type { CategoricalInput, ModelConfig, ModelFactory, MultiTaskModel } from './types';

/** Stable-name prefix of the embedding tables: `input/embedding/c<column>`. */
export const EMBEDDING_PREFIX = 'input/embedding/';
/** Salt for the tables' seed, so they do not repeat the model's own first draws. */
const EMBEDDING_SEED_SALT = 0x656d62;

/** Categorical inputs of `config` (empty when none). */
export function categoricalInputs(config: ModelConfig): CategoricalInput[] {
  return config.inputs?.categorical ?? [];
}

/** Width of x' that the model proper reads: F − C + Σ d. */
export function embeddedWidth(config: ModelConfig): number {
  const cats = categoricalInputs(config);
  return config.numFeatures - cats.length + cats.reduce((n, c) => n + c.dim, 0);
}

/** Plain-language problems with config.inputs (empty when valid or absent). */
export function validateInputs(config: ModelConfig): string[] {
  const inputs = config.inputs;
  if (inputs === undefined) return [];
  const out: string[] = [];
  if (!inputs || !Array.isArray(inputs.categorical)) {
    return ['inputs.categorical must be a list of {column, vocabSize, dim}'];
  }
  const seen = new Set<number>();
  for (const c of inputs.categorical) {
    const ok = (n: unknown, min: number): boolean =>
      typeof n === 'number' && Number.isInteger(n) && n >= min;
    if (!ok(c.column, 0) || c.column >= config.numFeatures) {
      out.push(
        `categorical column ${String(c.column)} is not a feature index 0..${config.numFeatures - 1}`,
      );
    } else if (seen.has(c.column)) out.push(`categorical column ${c.column} is listed twice`);
    else seen.add(c.column);
    if (!ok(c.vocabSize, 1))
      out.push(`categorical column ${String(c.column)}: vocabSize must be an integer ≥ 1`);
    if (!ok(c.dim, 1))
      out.push(`categorical column ${String(c.column)}: dim must be an integer ≥ 1`);
  }
  return out;
}

/** The embedding tables and the x → x' mapping of one model instance. */
export interface InputBlock {
  /** Width of x'. */
  outWidth: number;
  tables: tf.Variable[];
  /** x [B, F] → x' [B, F_num + Σ d]. Call inside tf.tidy. */
  apply(x: tf.Tensor2D): tf.Tensor2D;
}

export function inputBlock(config: ModelConfig): InputBlock {
  const cats = [...categoricalInputs(config)].sort((a, b) => a.column - b.column);
  const F = config.numFeatures;
  const store = new ParamStore(deriveSeed(config.seed, EMBEDDING_SEED_SALT));
  // One row of a table is what a one-hot input meets: fan-in 1, fan-out d (Glorot).
  const tables = cats.map((c) =>
    store.glorot(`${EMBEDDING_PREFIX}c${c.column}`, [c.vocabSize, c.dim], 1, c.dim),
  );
  // Contiguous runs of numeric columns: sliced as blocks rather than column by column.
  const isCat = new Set(cats.map((c) => c.column));
  const runs: [number, number][] = [];
  for (let f = 0; f < F; f++) {
    if (isCat.has(f)) continue;
    const last = runs[runs.length - 1];
    if (last && last[0] + last[1] === f) last[1]++;
    else runs.push([f, 1]);
  }
  return {
    outWidth: embeddedWidth(config),
    tables: store.variables,
    apply: (x) => {
      const parts: tf.Tensor2D[] = runs.map(([start, size]) => tf.slice(x, [0, start], [-1, size]));
      cats.forEach((c, i) => {
        const raw = tf.cast(
          tf.round(tf.reshape(tf.slice(x, [0, c.column], [-1, 1]), [-1])),
          'int32',
        );
        const inRange = tf.logicalAnd(tf.greaterEqual(raw, 0), tf.less(raw, c.vocabSize));
        const ids = tf.where(inRange, raw, tf.zerosLike(raw)) as tf.Tensor1D;
        const oneHot = tf.oneHot(ids, c.vocabSize) as tf.Tensor2D; // [B, V]
        parts.push(tf.matMul(tf.cast(oneHot, 'float32'), tables[i] as tf.Tensor2D)); // [B, d]
      });
      return parts.length === 1 ? parts[0] : (tf.concat(parts, 1) as tf.Tensor2D);
    },
  };
}

/**
 * Builds `create`'s model on x' and puts the input block in front of it. The inner model sees
 * a config without `inputs` and with numFeatures = F'; the result reports the outer config.
 */
export function withInputBlock(config: ModelConfig, create: ModelFactory): MultiTaskModel {
  const block = inputBlock(config);
  const { inputs: _inputs, ...rest } = config;
  void _inputs;
  let inner: MultiTaskModel;
  try {
    inner = create({ ...rest, numFeatures: block.outWidth });
  } catch (e) {
    for (const t of block.tables) t.dispose();
    throw e;
  }
  const checkInput = (x: tf.Tensor2D): void => {
    if (x.rank !== 2 || x.shape[1] !== config.numFeatures) {
      throw new Error(
        `${config.model}: expected input [B, ${config.numFeatures}], got [${x.shape.join(', ')}]`,
      );
    }
  };
  const variables = [...block.tables, ...inner.variables];
  let disposed = false;
  return {
    config,
    variables,
    parameterCount: () => variables.reduce((n, v) => n + v.size, 0),
    forward: (x) => {
      checkInput(x);
      return tf.tidy(() => inner.forward(block.apply(x)));
    },
    gates: (x) => {
      checkInput(x);
      return tf.tidy(() => inner.gates(block.apply(x)));
    },
    gateLayout: (taskNames) => inner.gateLayout(taskNames),
    dispose: () => {
      if (disposed) return;
      disposed = true;
      for (const t of block.tables) t.dispose();
      inner.dispose();
    },
  };
}
