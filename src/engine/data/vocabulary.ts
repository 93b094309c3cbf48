/**
 * Vocabularies of categorical columns, built on the TRAINING rows only.
 *
 * A parsed file numbers the values of a categorical column 1..N in order of appearance (its own
 * numbering, see CategoricalColumn). buildVocabulary keeps the values that occur in the training
 * rows and numbers them 1..V in that same order; applyVocabulary renumbers any dataset (train,
 * validation, test, a file to score) by value text, so every value outside the vocabulary gets
 * the out-of-vocabulary id 0. The vocabulary is saved with the model (io/modelFile.ts).
 */
import type { CategoricalInput } from '../models/types';
import type { CategoricalColumn, Dataset, FeatureColumn, RowSet } from './types';

/** One entry per categorical column; id i + 1 stands for tokens[i], 0 for anything else. */
export interface Vocabulary {
  columns: CategoricalColumn[];
}

/** Rows of a column's embedding table: V known values plus the OOV id 0. */
export function vocabSize(column: CategoricalColumn): number {
  return column.tokens.length + 1;
}

/** The values of each categorical column that occur in `train`, numbered 1..V. */
export function buildVocabulary(train: RowSet): Vocabulary {
  const { data, rows } = train;
  const columns = (data.categorical ?? []).map((col): CategoricalColumn => {
    const values = data.features[col.feature].values;
    const seen = new Uint8Array(col.tokens.length + 1);
    for (let i = 0; i < rows.length; i++) {
      const id = values[rows[i]];
      if (id >= 1 && id <= col.tokens.length) seen[id] = 1;
    }
    // Ids follow first appearance in the file, so the vocabulary does too (deterministic).
    const tokens: string[] = [];
    for (let id = 1; id < seen.length; id++) if (seen[id] === 1) tokens.push(col.tokens[id - 1]);
    return { feature: col.feature, name: col.name, tokens };
  });
  return { columns };
}

/**
 * `data` with every categorical column renumbered by `vocab` (value text → 1..V, else 0). Other
 * columns are shared, not copied; RowSets of `data` stay valid for the result (same row order).
 * @throws Error when `data` does not declare a column of the vocabulary as categorical.
 */
export function applyVocabulary(data: Dataset, vocab: Vocabulary): Dataset {
  if (vocab.columns.length === 0) return data;
  const features: FeatureColumn[] = [...data.features];
  for (const vc of vocab.columns) {
    const own = (data.categorical ?? []).find((c) => c.feature === vc.feature);
    if (!own) {
      throw new Error(
        `Column "${vc.name}" is categorical for the model, but the data does not declare feature ${vc.feature + 1} as categorical.`,
      );
    }
    const index = new Map<string, number>();
    vc.tokens.forEach((t, i) => index.set(t, i + 1));
    // The data's id v → the vocabulary's id (0 for the data's own 0 and for unknown values).
    const remap = new Float32Array(own.tokens.length + 1);
    own.tokens.forEach((t, i) => (remap[i + 1] = index.get(t) ?? 0));
    const src = data.features[vc.feature].values;
    const out = new Float32Array(src.length);
    for (let r = 0; r < src.length; r++) {
      const v = src[r];
      out[r] = v >= 1 && v < remap.length ? remap[v] : 0;
    }
    features[vc.feature] = { name: data.features[vc.feature].name, kind: 'float', values: out };
  }
  const categorical = vocab.columns.map((c) => ({ ...c, tokens: c.tokens }));
  return { ...data, features, categorical };
}

/**
 * A default embedding width for a table of `size` rows: 1.6·size^0.56 (a common rule of thumb),
 * between 2 and 16 so small tables stay cheap in a browser tab.
 */
export function defaultEmbeddingDim(size: number): number {
  return Math.min(16, Math.max(2, Math.round(1.6 * Math.pow(size, 0.56))));
}

/**
 * ModelConfig.inputs for a vocabulary: one table per column of V + 1 rows, width `dim`
 * (a number, or a function of the table's row count).
 */
export function categoricalModelInputs(
  vocab: Vocabulary,
  dim: number | ((vocabSize: number) => number),
): { categorical: CategoricalInput[] } {
  return {
    categorical: vocab.columns.map((c) => {
      const size = vocabSize(c);
      return { column: c.feature, vocabSize: size, dim: typeof dim === 'number' ? dim : dim(size) };
    }),
  };
}

/** Structural check of a vocabulary read from a file; returns the problems (empty when valid). */
export function vocabularyProblems(value: unknown, numFeatures: number): string[] {
  if (
    typeof value !== 'object' ||
    value === null ||
    !Array.isArray((value as Vocabulary).columns)
  ) {
    return ['vocabulary must hold a list of columns'];
  }
  const out: string[] = [];
  for (const c of (value as Vocabulary).columns as unknown[]) {
    const col = c as Partial<CategoricalColumn>;
    if (
      typeof col !== 'object' ||
      col === null ||
      typeof col.name !== 'string' ||
      !Number.isInteger(col.feature) ||
      (col.feature as number) < 0 ||
      (col.feature as number) >= numFeatures ||
      !Array.isArray(col.tokens) ||
      !col.tokens.every((t) => typeof t === 'string')
    ) {
      out.push(`vocabulary column ${JSON.stringify(col?.name ?? null)} is malformed`);
    }
  }
  return out;
}
