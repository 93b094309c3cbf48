/**
 * Train/validation/test splits as RowSets (views on a Dataset, never copies). A split is
 * either carved at random from one file (seeded) or given as separately parsed files.
 */
import { allRows } from './dataset';
import { mulberry32, shuffleInPlace } from './random';
import type { Dataset, RowSet } from './types';

export interface Splits {
  train: RowSet;
  val: RowSet;
  test: RowSet;
}

/**
 * Seeded random split: `fractions.test` and `fractions.val` of the rows (rounded) go to test and
 * val, the rest to train. Same data + fractions + seed ⇒ identical splits. Each split's rows are
 * sorted ascending (file order; the trainer shuffles train itself each epoch).
 */
export function randomSplit(
  data: Dataset,
  fractions: { val: number; test: number },
  seed: number,
): Splits {
  return splitRows(allRows(data), fractions, seed);
}

/** Like randomSplit, over the rows of an existing RowSet. */
export function splitRows(
  rs: RowSet,
  fractions: { val: number; test: number },
  seed: number,
): Splits {
  const { val, test } = fractions;
  if (!(val >= 0 && test >= 0 && val + test < 1)) {
    throw new RangeError(
      `Split fractions must be ≥ 0 and leave rows for training (val ${val}, test ${test}).`,
    );
  }
  const rows = shuffleInPlace(rs.rows.slice(), mulberry32(seed));
  const n = rows.length;
  const nTest = Math.round(n * test);
  const nVal = Math.round(n * val);
  const part = (a: number, b: number): RowSet => ({ data: rs.data, rows: rows.slice(a, b).sort() });
  return { test: part(0, nTest), val: part(nTest, nTest + nVal), train: part(nTest + nVal, n) };
}

/**
 * Throws when `other` (a validation or test file) does not have the train file's task and
 * feature counts; `label` names the file in the message, e.g. 'The validation file'.
 */
export function assertCompatible(train: Dataset, other: Dataset, label: string): void {
  const problems: string[] = [];
  if (other.labels.length !== train.labels.length) {
    problems.push(`${other.labels.length} tasks instead of ${train.labels.length}`);
  }
  if (other.features.length !== train.features.length) {
    problems.push(`${other.features.length} feature columns instead of ${train.features.length}`);
  }
  if (problems.length > 0) {
    throw new Error(`${label} does not match the training file: it has ${problems.join(' and ')}.`);
  }
}

/**
 * Splits from separately parsed files. A missing val/test file is carved out of the train
 * file at random (`fractions`, seeded); given files are checked with assertCompatible.
 */
export function splitsFromFiles(
  files: { train: Dataset; val?: Dataset; test?: Dataset },
  fractions: { val: number; test: number },
  seed: number,
): Splits {
  const { train, val, test } = files;
  if (val) assertCompatible(train, val, 'The validation file');
  if (test) assertCompatible(train, test, 'The test file');
  const carved = splitRows(
    allRows(train),
    { val: val ? 0 : fractions.val, test: test ? 0 : fractions.test },
    seed,
  );
  return {
    train: carved.train,
    val: val ? allRows(val) : carved.val,
    test: test ? allRows(test) : carved.test,
  };
}
