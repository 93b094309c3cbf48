/**
 * Batch predictions: score a CSV with a saved model and produce every task's probability.
 *
 * The model knows its feature count F and task count T, which decides the file's layout from its
 * column count: F + T columns = the T label columns first, then the features (as for training;
 * the labels are echoed in the output), F columns = features only. Categorical columns are read
 * by the names stored in the model's vocabulary (so such files need a header) and mapped through
 * it (unknown values → id 0). Pure TypeScript + tfjs: the runner and the worker both use it.
 */
import Papa from 'papaparse';
import * as tf from '@tensorflow/tfjs';
import { parseCsv, type CsvSource } from '../data/csv';
import { allRows, fillBatch } from '../data/dataset';
import type { Dataset, FeatureScaling, ParseProgress, RowSet } from '../data/types';
import { applyVocabulary, type Vocabulary } from '../data/vocabulary';
import type { MultiTaskModel } from '../models/types';
import { predictionsCsvParts } from './results';

/** A file whose layout the model cannot read (column count, categorical columns). */
export class ScoringLayoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScoringLayoutError';
  }
}

/** Rows per forward pass when scoring. */
export const SCORE_BATCH_ROWS = 2048;

/** What scoring needs from a saved model (io/modelFile.ts LoadedModel has all of it). */
export interface ScoringModel {
  model: MultiTaskModel;
  scaling: FeatureScaling;
  taskNames: string[];
  vocabulary?: Vocabulary;
}

export interface Predictions {
  taskNames: string[];
  /** Per task, one probability per row in file order. */
  probs: Float32Array[];
  /** Per task, the 0/1 labels when the file had label columns, else null. */
  labels: Uint8Array[] | null;
  rows: number;
  /** CSV text in parts (header first): `T_label,T_prob` per task, or `T_prob` without labels. */
  csvParts: string[];
}

/**
 * Per-task probabilities of `rows` (sigmoid of the logits), each of length rows.rows.length.
 * The data must have the model's F features (labels, if any, are ignored).
 */
export async function scoreRows(
  model: MultiTaskModel,
  scaling: FeatureScaling,
  rows: RowSet,
  batchRows = SCORE_BATCH_ROWS,
): Promise<Float32Array[]> {
  const F = model.config.numFeatures;
  const T = model.config.numTasks;
  const data = rows.data;
  if (data.features.length !== F) {
    throw new Error(`The data has ${data.features.length} features, the model expects ${F}.`);
  }
  const n = rows.rows.length;
  const probs = Array.from({ length: T }, () => new Float32Array(n));
  const x = new Float32Array(Math.min(batchRows, n) * F);
  const y = new Float32Array(Math.min(batchRows, n) * data.labels.length);
  for (let start = 0; start < n; start += batchRows) {
    const count = Math.min(batchRows, n - start);
    fillBatch(data, rows.rows, start, count, scaling, x, y);
    const logits = tf.tidy(() => model.forward(tf.tensor2d(x.subarray(0, count * F), [count, F])));
    const z = (await logits.data()) as Float32Array; // [count, T] row-major
    logits.dispose();
    for (let i = 0; i < count; i++) {
      for (let t = 0; t < T; t++) probs[t][start + i] = 1 / (1 + Math.exp(-z[i * T + t]));
    }
  }
  return probs;
}

/**
 * Label columns of a file to score: T when it has F + T columns, 0 when it has F.
 * @throws ScoringLayoutError naming both accepted layouts otherwise.
 */
export function scoringLabelColumns(
  numColumns: number,
  numFeatures: number,
  numTasks: number,
): number {
  if (numColumns === numFeatures + numTasks) return numTasks;
  if (numColumns === numFeatures) return 0;
  throw new ScoringLayoutError(
    `The file has ${numColumns} columns; the model expects ${numFeatures + numTasks} ` +
      `(${numTasks} label columns first, then ${numFeatures} features) or ${numFeatures} (features only).`,
  );
}

/** Columns of the first non-blank line of `text` (a quoted comma does not split). */
export function countColumns(line: string): number {
  const parsed = Papa.parse<string[]>(line.replace(/^\uFEFF/, ''), { delimiter: ',' });
  return parsed.data[0]?.length ?? 0;
}

/**
 * The first non-blank line of `source` and a source that still yields everything (the bytes
 * read to find the line are replayed, so streams work too).
 */
export async function peekFirstLine(
  source: CsvSource,
): Promise<{ firstLine: string; source: CsvSource }> {
  const firstOf = (text: string): string | null => {
    for (const line of text.split('\n')) {
      if (line.trim() !== '') return line.replace(/\r$/, '');
    }
    return null;
  };
  if (typeof source === 'string') return { firstLine: firstOf(source) ?? '', source };
  if (typeof (source as Blob).slice === 'function' && typeof (source as Blob).size === 'number') {
    const blob = source as Blob;
    for (let size = 1 << 16; ; size *= 4) {
      const text = await blob.slice(0, size).text();
      const lastNewline = text.lastIndexOf('\n');
      const line = lastNewline >= 0 ? firstOf(text.slice(0, lastNewline)) : null;
      if (line !== null || size >= blob.size)
        return { firstLine: line ?? firstOf(text) ?? '', source };
    }
  }
  const iterator = (source as AsyncIterable<Uint8Array | string>)[Symbol.asyncIterator]();
  const seen: (Uint8Array | string)[] = [];
  const decoder = new TextDecoder();
  let text = '';
  let firstLine: string | null = null;
  let done = false;
  while (firstLine === null && !done) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      text += decoder.decode();
      firstLine = firstOf(text) ?? '';
      break;
    }
    seen.push(next.value);
    text +=
      typeof next.value === 'string' ? next.value : decoder.decode(next.value, { stream: true });
    const lastNewline = text.lastIndexOf('\n');
    if (lastNewline >= 0) firstLine = firstOf(text.slice(0, lastNewline));
  }
  async function* replay(): AsyncGenerator<Uint8Array | string> {
    yield* seen;
    if (done) return;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value;
    }
  }
  return { firstLine: firstLine ?? '', source: replay() };
}

/** A parsed file's dataset ready for the model: categorical columns mapped by the vocabulary. */
export function prepareForModel(data: Dataset, scoring: ScoringModel): Dataset {
  const vocab = scoring.vocabulary;
  if (!vocab || vocab.columns.length === 0) return data;
  for (const vc of vocab.columns) {
    const name = data.features[vc.feature]?.name;
    if (name !== vc.name) {
      throw new ScoringLayoutError(
        `Feature ${vc.feature + 1} of the file is ${JSON.stringify(name ?? null)}; the model reads the categorical column ${JSON.stringify(vc.name)} there.`,
      );
    }
  }
  return applyVocabulary(data, vocab);
}

/**
 * Scores a CSV (a file with the label columns or one with only the features) with a saved model.
 * @throws CsvParseError for bad rows (line and column named), ScoringLayoutError for a layout
 *   the model cannot read.
 */
export async function predictCsv(
  source: CsvSource,
  scoring: ScoringModel,
  opts: {
    batchRows?: number;
    sizeHint?: number;
    onProgress?: (p: ParseProgress) => void;
  } = {},
): Promise<Predictions> {
  const { model, taskNames } = scoring;
  const F = model.config.numFeatures;
  const T = model.config.numTasks;
  const peeked = await peekFirstLine(source);
  const labelColumns = scoringLabelColumns(countColumns(peeked.firstLine), F, T);
  const categorical = scoring.vocabulary?.columns.map((c) => c.name) ?? [];
  const parsed = await parseCsv(peeked.source, {
    labelColumns,
    ...(labelColumns > 0 ? { labelNames: taskNames } : {}),
    ...(categorical.length > 0 ? { categoricalColumns: categorical } : {}),
    ...(opts.sizeHint !== undefined ? { sizeHint: opts.sizeHint } : {}),
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
  });
  const data = prepareForModel(parsed.dataset, scoring);
  const rows = allRows(data);
  const probs = await scoreRows(model, scoring.scaling, rows, opts.batchRows);
  const labels = labelColumns > 0 ? data.labels : null;
  return {
    taskNames,
    probs,
    labels,
    rows: data.numRows,
    csvParts: predictionsCsvParts(taskNames, labels, probs),
  };
}
