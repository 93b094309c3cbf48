/**
 * Shared data types of the engine. Pure TypeScript: no DOM, no tfjs.
 *
 * Storage is columnar: every feature column is its own typed array of length `numRows`.
 * Columns that hold only 0/1 are kept as `Uint8Array` (1 byte per cell), all others as
 * `Float32Array`, so the 199,523 × 499 video train file takes ≈ 107 MB instead of ≈ 400 MB.
 * Labels are always 0/1 and kept as one `Uint8Array` per task.
 */

/** One feature column: values for every row, in file order. */
export type FeatureColumn =
  | { name: string; kind: 'binary'; values: Uint8Array }
  | { name: string; kind: 'float'; values: Float32Array };

/** A parsed or generated table: T binary label columns and F numeric feature columns. */
export interface Dataset {
  readonly numRows: number;
  /** Task (label) names, length T, e.g. ['completion', 'like']. */
  readonly taskNames: string[];
  /** labels[t][row] ∈ {0,1}; T arrays of length numRows. */
  readonly labels: Uint8Array[];
  /** F feature columns in file order (label columns removed). */
  readonly features: FeatureColumn[];
  /** Feature columns that hold categorical ids (see CategoricalColumn); absent = none. */
  readonly categorical?: CategoricalColumn[];
}

/**
 * A categorical feature column: its float32 values are integer ids; id v ≥ 1 stands for
 * `tokens[v − 1]` and 0 for a value outside the vocabulary. A parsed file numbers its own
 * values 1..N in order of appearance; data/vocabulary.ts renumbers them by the training rows.
 */
export interface CategoricalColumn {
  /** Feature index (into Dataset.features). */
  feature: number;
  name: string;
  tokens: string[];
}

/** A subset of a dataset's rows (train/val/test splits are views, never copies). */
export interface RowSet {
  readonly data: Dataset;
  /** Row indices into `data`, in the order they are read (input order for test files). */
  readonly rows: Uint32Array;
}

/** Per-feature transform fitted on training rows; stored with the model. */
export interface FeatureScaling {
  /** 'standard': standardise float columns (log1p first for heavy-tailed ones); 'raw': identity. */
  mode: 'standard' | 'raw';
  /** One entry per feature column (same order as Dataset.features). Binary columns get identity. */
  columns: { name: string; log: boolean; mean: number; std: number }[];
}

/** Where in the file a problem is; `line` is the 1-based physical line (a header is line 1). */
export interface CsvLocation {
  line: number;
  /** 1-based column index; 0 when the problem concerns the whole line/file. */
  column: number;
  /** Column name when known (header or default label name). */
  columnName?: string;
}

/** A validation error: always names line and column in its message. */
export class CsvParseError extends Error {
  readonly location: CsvLocation;
  constructor(message: string, location: CsvLocation) {
    super(message);
    this.name = 'CsvParseError';
    this.location = location;
  }
}

export interface CsvOptions {
  /**
   * 0-based indices of the label columns. Default: the first two columns.
   * A number n means "the first n columns".
   */
  labelColumns?: number | number[];
  /** Names for the label columns; default from the header, else ['completion','like'] / task_1… */
  labelNames?: string[];
  /**
   * Categorical columns (header files only): file column names or 0-based file column indices.
   * Their cells may be any text; each distinct value gets an id (see CategoricalColumn).
   */
  categoricalColumns?: (string | number)[];
  /** 'auto' (default): the first row is a header when none of its cells is a number. */
  header?: 'auto' | boolean;
  /** Skip rows with problems instead of failing; they are reported in ParseResult.skipped. */
  skipBadRows?: boolean;
  /** Called at a bounded rate while parsing. */
  onProgress?: (p: ParseProgress) => void;
  /** Total size in bytes for progress when the source cannot tell (e.g. a stream; fs.stat size). */
  sizeHint?: number;
}

export interface ParseProgress {
  rows: number;
  bytes: number;
  /** Total bytes when known (File.size / fs.stat), else undefined. */
  totalBytes?: number;
  elapsedMs: number;
}

export interface SkippedRows {
  count: number;
  /** The first (up to 100) skipped rows with the reason, for display. */
  examples: { line: number; column: number; reason: string }[];
}

export interface ParseResult {
  dataset: Dataset;
  /** Column names from the header, or generated (f1…fN / label names) when none. */
  hasHeader: boolean;
  skipped: SkippedRows;
  bytes: number;
  elapsedMs: number;
}
