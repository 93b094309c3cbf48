/**
 * Loading CSV files for the runner: stream, parse with progress, and name the file in errors.
 */
import path from 'node:path';
import { parseCsv } from '../engine/data/csv';
import type { ParseResult } from '../engine/data/types';
import { CsvParseError } from '../engine/data/types';
import { featureNames } from '../engine/data/dataset';
import { CliError, openCsv } from './files';
import type { Reporter } from './progress';
import { fmtBytes, fmtInt } from './progress';

/** A CSV problem with the file it is in: printed as `file:line:column: message`. */
export class CsvFileError extends Error {
  constructor(
    readonly file: string,
    readonly cause: CsvParseError,
  ) {
    super(`${file}:${cause.location.line}:${cause.location.column}: ${cause.message}`);
    this.name = 'CsvFileError';
  }
}

export interface LoadOptions {
  maxRows?: number;
  labels?: number;
  labelNames?: string[];
  /** Categorical columns (header names or 0-based column indices). */
  categorical?: (string | number)[];
}

/** Parse one CSV file (plain or .gz), reporting progress; CSV errors become CsvFileError. */
export async function loadCsv(
  file: string,
  opts: LoadOptions,
  reporter: Reporter,
): Promise<ParseResult> {
  const { source, sizeHint } = openCsv(file, opts.maxRows);
  const name = path.basename(file);
  let result: ParseResult;
  try {
    result = await parseCsv(source, {
      ...(opts.labels !== undefined ? { labelColumns: opts.labels } : {}),
      ...(opts.labelNames ? { labelNames: opts.labelNames } : {}),
      ...(opts.categorical ? { categoricalColumns: opts.categorical } : {}),
      sizeHint,
      onProgress: (p) => {
        const total = p.totalBytes ?? sizeHint;
        const pct = total ? ` (${Math.min(100, (100 * p.bytes) / total).toFixed(0)}%)` : '';
        reporter.status(`reading ${name}: ${fmtInt(p.rows)} rows, ${fmtBytes(p.bytes)}${pct}`);
      },
    });
  } catch (e) {
    if (e instanceof CsvParseError) throw new CsvFileError(file, e);
    if (
      e instanceof Error &&
      'code' in e &&
      typeof e.code === 'string' &&
      e.code.startsWith('Z_')
    ) {
      throw new CliError(`${file}: not a valid gzip file (${e.message})`);
    }
    throw e;
  }
  const d = result.dataset;
  const skipped = result.skipped.count > 0 ? `, ${fmtInt(result.skipped.count)} rows skipped` : '';
  reporter.line(
    `read ${name}: ${fmtInt(d.numRows)} rows × ${d.features.length} features, ` +
      `tasks ${d.taskNames.join(', ')} (${(result.elapsedMs / 1000).toFixed(1)} s${skipped})`,
  );
  if (d.numRows === 0) throw new CliError(`${file}: no data rows`);
  return result;
}

/**
 * Check that `other` has the same tasks and features as the training file (names are compared
 * only when both files have a header: otherwise they are generated).
 */
export function checkSameLayout(
  train: ParseResult,
  trainFile: string,
  other: ParseResult,
  otherFile: string,
): void {
  const [t, o] = [train.dataset, other.dataset];
  if (o.taskNames.join(',') !== t.taskNames.join(',')) {
    throw new CliError(
      `${otherFile}: tasks ${o.taskNames.join(',')} differ from ${trainFile}: ${t.taskNames.join(',')}`,
    );
  }
  if (o.features.length !== t.features.length) {
    throw new CliError(
      `${otherFile}: ${o.features.length} feature columns, ${trainFile} has ${t.features.length}`,
    );
  }
  if (!train.hasHeader || !other.hasHeader) return;
  const a = featureNames(t);
  const b = featureNames(o);
  const diff = a.findIndex((n, i) => n !== b[i]);
  if (diff >= 0) {
    throw new CliError(
      `${otherFile}: feature ${diff + 1} is "${b[diff]}", ${trainFile} has "${a[diff]}"`,
    );
  }
}
