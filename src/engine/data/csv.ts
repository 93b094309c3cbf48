/**
 * Streaming CSV reader for multi-task data (PaddleRec short-video layout by default: label
 * columns first, numeric features after, no header).
 *
 * Text arrives in chunks (string slices, Blob slices or an async iterable of bytes/strings) and
 * is decoded with a streaming TextDecoder (a multi-byte character split across chunks survives);
 * complete lines are parsed and the unfinished last line is carried into the next chunk. A line
 * of plain numbers/True/False is scanned in place without creating strings; every other line
 * (header, quoted cells, problems) is split by papaparse and checked cell by cell — which is
 * where all error messages come from. papaparse's dynamicTyping is avoided (~4× slower). Values
 * go straight into per-column typed-array chunks (Uint8Array while a column holds only 0/1,
 * Float32Array otherwise), joined once at the end, so no array of rows is ever kept and the
 * peak stays near the final size. Pure TypeScript: runs in a worker and in Node.
 */
import Papa from 'papaparse';
import {
  CsvParseError,
  type CategoricalColumn,
  type CsvOptions,
  type Dataset,
  type FeatureColumn,
  type ParseResult,
  type SkippedRows,
} from './types';

/** Anything parseCsv can read: the whole text, a Blob/File, or a stream of chunks. */
export type CsvSource = string | Blob | AsyncIterable<Uint8Array | string>;

export interface ParseCsvOptions extends CsvOptions {
  /** Bytes per Blob slice and characters per parser call (default 1 MiB). */
  chunkSize?: number;
  /**
   * Largest accepted input in bytes (default 1 GiB). Checked against sizeHint / Blob.size BEFORE
   * anything is read (a 2 GB upload fails at once, with its size), and again while a stream of
   * unknown size is read.
   */
  maxBytes?: number;
}

/** Default ParseCsvOptions.maxBytes: 1 GiB (the columnar copy of such a file still fits a tab). */
export const DEFAULT_MAX_BYTES = 1024 * 1024 * 1024;

/** Rows per storage chunk of a column: columns grow chunk by chunk, then are joined once. */
const ROWS_PER_CHUNK = 16384;
/** At most this many skipped rows are kept as examples. */
const MAX_SKIPPED_EXAMPLES = 100;
/** onProgress is called at most every this many milliseconds (≤ 10/s). */
const PROGRESS_INTERVAL_MS = 100;
/** Give the event loop a turn at least this often so a worker can receive messages. */
const YIELD_INTERVAL_MS = 25;
const DEFAULT_CHUNK_SIZE = 1 << 20;
/** Default number of label columns (completion, like). */
const DEFAULT_LABEL_COLUMNS = 2;

const EMPTY_U8 = new Uint8Array(0);
const EMPTY_F32 = new Float32Array(0);
const POW10 = Array.from({ length: 16 }, (_, k) => 10 ** k);

// ---------------------------------------------------------------------------------------------
// Cell conversion

const CELL_OK = 0;
const CELL_EMPTY = 1;
const CELL_NON_FINITE = 2;
const CELL_NOT_A_NUMBER = 3;
/** Why the last parseCell call returned NaN (a module variable keeps the hot path allocation-free). */
let cellProblem = CELL_OK;

const NON_FINITE_WORDS = new Set([
  'nan',
  '+nan',
  '-nan',
  'inf',
  '+inf',
  '-inf',
  'infinity',
  '+infinity',
  '-infinity',
]);

/**
 * Converts one cell to a finite number; `True`/`False` (any case) read as 1/0. Returns NaN and
 * sets `cellProblem` for empty, non-finite (NaN/inf) and non-numeric cells.
 */
function parseCell(s: string): number {
  const n = s.length;
  if (n === 1) {
    // Most cells of one-hot data are a single digit.
    const d = s.charCodeAt(0) - 48;
    if (d >= 0 && d <= 9) return d;
  }
  const v = +s;
  if (v - v === 0) {
    // `+` reads '' and '  ' as 0 and accepts 0x/0b/0o literals: neither is a CSV number.
    if (v === 0 && s.trim() === '') {
      cellProblem = CELL_EMPTY;
      return NaN;
    }
    if (n > 2 && s.charCodeAt(0) === 48) {
      const c1 = s.charCodeAt(1) | 32;
      if (c1 === 120 || c1 === 98 || c1 === 111) {
        cellProblem = CELL_NOT_A_NUMBER;
        return NaN;
      }
    }
    return v;
  }
  if (v === Infinity || v === -Infinity) {
    cellProblem = CELL_NON_FINITE;
    return NaN;
  }
  const word = s.trim().toLowerCase();
  if (word === 'true') return 1;
  if (word === 'false') return 0;
  cellProblem = NON_FINITE_WORDS.has(word) ? CELL_NON_FINITE : CELL_NOT_A_NUMBER;
  return NaN;
}

/** 1 / 0 when s[i..) starts with true / false (any case), else −1 (end bounds the word). */
function boolWordAt(s: string, i: number, end: number): number {
  const word = (s.charCodeAt(i) | 32) === 116 ? 'true' : 'false';
  if (i + word.length > end) return -1;
  for (let k = 0; k < word.length; k++) {
    if ((s.charCodeAt(i + k) | 32) !== word.charCodeAt(k)) return -1;
  }
  return word === 'true' ? 1 : 0;
}

/** A cell that reads as data (a number, a boolean, or NaN/inf); header names are none of these. */
function isValueLike(s: string): boolean {
  return !Number.isNaN(parseCell(s)) || cellProblem === CELL_NON_FINITE;
}

/** Quotes a cell for a message, shortened so a runaway cell cannot flood the UI. */
function quoteCell(s: string): string {
  const t = s.length > 40 ? `${s.slice(0, 37)}...` : s;
  return JSON.stringify(t);
}

// ---------------------------------------------------------------------------------------------
// Table builder: validates rows and stores them column-wise

interface Resolved {
  ncols: number;
  labelCols: number[];
  featCols: number[];
  taskNames: string[];
  featureNames: string[];
  /** Name per file column, for messages. */
  colNames: string[];
  /** 1 for label columns, per file column. */
  isLabel: Uint8Array;
  /** Per file column: feature index f ≥ 0, or −(t+1) for label t. */
  slot: Int32Array;
  /** Per file column: index into the categorical columns, or −1. */
  catSlot: Int32Array;
  /** Feature index of each categorical column. */
  catFeatures: number[];
}

class TableBuilder {
  /** Physical line of the last row handed to addRow (1-based). */
  line = 0;
  numRows = 0;
  hasHeader = false;
  /** Data rows seen (valid or skipped), to tell a header-only file from a fully skipped one. */
  private dataRowsSeen = 0;
  private layout: Resolved | null = null;
  private vals = new Float64Array(0);
  private pos = 0;
  private labelDone: Uint8Array[][] = [];
  private labelCur: Uint8Array[] = [];
  private featDone: (Uint8Array | Float32Array)[][] = [];
  /** Current chunk per feature: exactly one of curBin/curFloat is a real array. */
  private curBin: Uint8Array[] = [];
  private curFloat: Float32Array[] = [];
  private isFloat = new Uint8Array(0);
  /** Per categorical column: value text → id (1..N in order of appearance), and the texts. */
  private catIds: Map<string, number>[] = [];
  private catTokens: string[][] = [];
  readonly skipped: SkippedRows = { count: 0, examples: [] };

  constructor(private readonly opts: CsvOptions) {}

  addRow(cells: string[]): void {
    this.line++;
    const n = cells.length;
    // A stray CR (mixed line endings) must not end up in the last cell.
    const last = cells[n - 1];
    if (last.length > 0 && last.charCodeAt(last.length - 1) === 13) {
      cells[n - 1] = last.slice(0, -1);
    }
    if (n === 1 && cells[0].trim() === '') return; // blank line: not a row
    if (this.layout === null) {
      this.layout = this.resolve(cells);
      if (this.hasHeader) return;
    }
    const L = this.layout;
    this.dataRowsSeen++;
    if (n !== L.ncols) {
      this.bad(0, `Line ${this.line}: expected ${L.ncols} columns but found ${n}.`);
      return;
    }
    const vals = this.vals;
    const isLabel = L.isLabel;
    for (let j = 0; j < n; j++) {
      if (L.catSlot[j] >= 0) {
        vals[j] = this.categoryId(L.catSlot[j], cells[j].trim());
        continue;
      }
      const v = parseCell(cells[j]);
      if (v !== v) {
        this.bad(j + 1, this.cellMessage(j, cells[j]));
        return;
      }
      if (isLabel[j] === 1 && v !== 0 && v !== 1) {
        this.bad(
          j + 1,
          `Line ${this.line}, column ${j + 1} (${JSON.stringify(L.colNames[j])}): a label must be 0 or 1, found ${cells[j].trim()}.`,
        );
        return;
      }
      vals[j] = v;
    }
    this.commit();
  }

  /**
   * Fast path: reads s[start, end) (end at the newline) when it is a data row of plain
   * decimals (-?digits[.digits], ≤ 15 digits) with the right column count and 0/1 labels, and
   * commits it. Returns false, having changed nothing, for anything else: the caller then
   * sends the line through addRow, which reports problems precisely.
   */
  fastLine(s: string, start: number, end: number): boolean {
    const L = this.layout;
    // Categorical cells are text: those rows go through addRow.
    if (L === null || L.catFeatures.length > 0) return false;
    if (end > start && s.charCodeAt(end - 1) === 13) end--;
    if (start >= end) return false;
    // Values go straight into the current chunks: a row that fails later leaves them behind
    // but `pos` does not advance, so the next row overwrites them (only a promotion to float32
    // can outlive a rejected row, which costs space, never values).
    const slot = L.slot;
    const ncols = L.ncols;
    const p = this.pos;
    const isFloat = this.isFloat;
    const curBin = this.curBin;
    const curFloat = this.curFloat;
    const labelCur = this.labelCur;
    let i = start;
    let j = 0;
    for (;;) {
      if (j === ncols) return false;
      let c = s.charCodeAt(i);
      const neg = c === 45;
      if (neg) i++;
      let m = 0;
      let digits = 0;
      let fracDigits = 0;
      let dot = false;
      while (i < end) {
        c = s.charCodeAt(i);
        const d = c - 48;
        if (d >= 0 && d <= 9) {
          m = m * 10 + d;
          digits++;
          if (dot) fracDigits++;
        } else if (c === 46 && !dot) dot = true;
        else break;
        i++;
      }
      let v: number;
      if (digits === 0 && !neg && !dot) {
        // pandas writes one-hot columns as True/False.
        const word = boolWordAt(s, i, end);
        if (word < 0) return false;
        v = word;
        i += word === 1 ? 4 : 5;
        c = i < end ? s.charCodeAt(i) : 44;
        if (c !== 44) return false;
      } else {
        // ≤ 15 digits keep m exact, so m / 10^k is the correctly rounded value, as `+s` gives.
        if (digits === 0 || digits > 15 || (i < end && c !== 44)) return false;
        v = fracDigits === 0 ? m : m / POW10[fracDigits];
        if (neg) v = -v;
      }
      const k = slot[j++];
      if (k < 0) {
        if (v !== 0 && v !== 1) return false;
        labelCur[-k - 1][p] = v;
      } else if (isFloat[k] === 1) curFloat[k][p] = v;
      else if (v === 0 || v === 1) curBin[k][p] = v;
      else {
        this.promote(k);
        curFloat[k][p] = v;
      }
      if (i >= end) break;
      i++; // the comma
    }
    if (j !== ncols) return false;
    this.line++;
    this.dataRowsSeen++;
    this.advance();
    return true;
  }

  /** The id of `text` in categorical column k (a new text gets the next id). */
  private categoryId(k: number, text: string): number {
    const ids = this.catIds[k];
    let id = ids.get(text);
    if (id === undefined) {
      this.catTokens[k].push(text);
      id = this.catTokens[k].length;
      ids.set(text, id);
    }
    return id;
  }

  private cellMessage(j: number, cell: string): string {
    const where = `Line ${this.line}, column ${j + 1} (${JSON.stringify(this.layout?.colNames[j] ?? '')})`;
    if (cellProblem === CELL_EMPTY) {
      const last = this.layout !== null && j === this.layout.ncols - 1;
      return last
        ? `${where}: the cell is empty (does the line end with a stray comma?).`
        : `${where}: the cell is empty.`;
    }
    if (cellProblem === CELL_NON_FINITE)
      return `${where}: ${quoteCell(cell)} is not a finite number.`;
    return `${where}: ${quoteCell(cell)} is not a number.`;
  }

  /** Reports a bad row: throws, or records it when skipBadRows is on. */
  private bad(column: number, message: string): void {
    const columnName = column > 0 ? this.layout?.colNames[column - 1] : undefined;
    if (!this.opts.skipBadRows) {
      throw new CsvParseError(message, { line: this.line, column, columnName });
    }
    this.skipped.count++;
    if (this.skipped.examples.length < MAX_SKIPPED_EXAMPLES) {
      this.skipped.examples.push({ line: this.line, column, reason: message });
    }
  }

  private fail(message: string, column = 0): never {
    throw new CsvParseError(message, { line: this.line, column });
  }

  /** Decides header, label and feature columns from the first non-blank row. */
  private resolve(first: string[]): Resolved {
    const ncols = first.length;
    if (ncols === 1) {
      // One column: most likely another separator (Excel in many locales writes ';').
      const sep = first[0].includes(';') ? 'semicolon' : first[0].includes('\t') ? 'tab' : null;
      if (sep) {
        this.fail(
          `Line ${this.line}: the file looks like ${sep}-separated values; this reader needs commas between values (save it as comma-separated CSV).`,
        );
      }
    }
    const h = this.opts.header ?? 'auto';
    this.hasHeader = h === 'auto' ? !first.some(isValueLike) : h;
    const header = this.hasHeader ? first.map((c) => c.trim()) : null;
    if (header) {
      const seen = new Map<string, number>();
      header.forEach((name, j) => {
        const earlier = seen.get(name);
        if (name !== '' && earlier !== undefined) {
          this.fail(
            `Line ${this.line}, column ${j + 1}: the header repeats the name ${JSON.stringify(name)} of column ${earlier + 1}; column names must be unique.`,
            j + 1,
          );
        }
        seen.set(name, j);
      });
    }

    const spec = this.opts.labelColumns ?? DEFAULT_LABEL_COLUMNS;
    let labelCols: number[];
    if (typeof spec === 'number') {
      // 0: a file of features only (scoring rows without labels).
      if (!Number.isInteger(spec) || spec < 0) {
        this.fail(`labelColumns must be a whole number ≥ 0, got ${spec}.`);
      }
      if (spec >= ncols) {
        this.fail(
          `Line ${this.line}: no feature columns are left: the file has ${ncols} columns and ${spec} are labels.`,
        );
      }
      labelCols = Array.from({ length: spec }, (_, i) => i);
    } else {
      if (spec.length === 0) this.fail('labelColumns must name at least one column.');
      for (const c of spec) {
        if (!Number.isInteger(c) || c < 0 || c >= ncols) {
          this.fail(
            `Line ${this.line}: label column index ${c} is out of range: the file has ${ncols} columns (0-based indices 0–${ncols - 1}).`,
          );
        }
      }
      if (new Set(spec).size !== spec.length) {
        this.fail(`labelColumns lists a column twice: ${spec.join(', ')}.`);
      }
      if (spec.length >= ncols) {
        this.fail(
          `Line ${this.line}: no feature columns are left: all ${ncols} columns are labels.`,
        );
      }
      labelCols = [...spec];
    }
    const T = labelCols.length;
    const isLabel = new Uint8Array(ncols);
    for (const c of labelCols) isLabel[c] = 1;
    const featCols: number[] = [];
    for (let j = 0; j < ncols; j++) if (isLabel[j] === 0) featCols.push(j);

    let taskNames: string[];
    if (this.opts.labelNames) {
      if (this.opts.labelNames.length !== T) {
        this.fail(
          `labelNames has ${this.opts.labelNames.length} names but there are ${T} label columns.`,
        );
      }
      taskNames = [...this.opts.labelNames];
    } else if (header) {
      taskNames = labelCols.map((c, t) => header[c] || `task_${t + 1}`);
    } else {
      taskNames = T === 2 ? ['completion', 'like'] : labelCols.map((_, t) => `task_${t + 1}`);
    }
    const featureNames = featCols.map((c, f) => (header ? header[c] : '') || `f${f + 1}`);
    const colNames = new Array<string>(ncols);
    labelCols.forEach((c, t) => (colNames[c] = header?.[c] || taskNames[t]));
    featCols.forEach((c, f) => (colNames[c] = featureNames[f]));

    this.vals = new Float64Array(ncols);
    this.isFloat = new Uint8Array(featCols.length);
    this.labelDone = labelCols.map(() => []);
    this.labelCur = labelCols.map(() => new Uint8Array(ROWS_PER_CHUNK));
    this.featDone = featCols.map(() => []);
    this.curBin = featCols.map(() => new Uint8Array(ROWS_PER_CHUNK));
    this.curFloat = featCols.map(() => EMPTY_F32);
    const slot = new Int32Array(ncols);
    labelCols.forEach((c, t) => (slot[c] = -(t + 1)));
    featCols.forEach((c, f) => (slot[c] = f));
    const catSlot = new Int32Array(ncols).fill(-1);
    const catFeatures: number[] = [];
    for (const c of this.resolveCategorical(header, ncols, isLabel, colNames)) {
      const f = slot[c];
      catSlot[c] = catFeatures.length;
      catFeatures.push(f);
      // Ids are rarely 0/1: store the column as float32 from the start.
      this.isFloat[f] = 1;
      this.curBin[f] = EMPTY_U8;
      this.curFloat[f] = new Float32Array(ROWS_PER_CHUNK);
    }
    this.catIds = catFeatures.map(() => new Map<string, number>());
    this.catTokens = catFeatures.map(() => []);
    return {
      ncols,
      labelCols,
      featCols,
      taskNames,
      featureNames,
      colNames,
      isLabel,
      slot,
      catSlot,
      catFeatures,
    };
  }

  /** File column indices of opts.categoricalColumns (names need the header). */
  private resolveCategorical(
    header: string[] | null,
    ncols: number,
    isLabel: Uint8Array,
    colNames: string[],
  ): number[] {
    const spec = this.opts.categoricalColumns ?? [];
    if (spec.length === 0) return [];
    if (!header) {
      this.fail('Categorical columns need a header row naming the columns; this file has none.');
    }
    const cols = spec.map((c) => {
      const j = typeof c === 'number' ? c : header.indexOf(c.trim());
      if (typeof c === 'string' && j < 0) {
        this.fail(
          `Categorical column ${JSON.stringify(c)} is not in the header (columns: ${header.slice(0, 20).join(', ')}${ncols > 20 ? ', …' : ''}).`,
        );
      }
      if (!Number.isInteger(j) || j < 0 || j >= ncols) {
        this.fail(
          `Categorical column index ${c} is out of range: the file has ${ncols} columns (0-based indices 0–${ncols - 1}).`,
        );
      }
      if (isLabel[j] === 1) {
        this.fail(`Column ${JSON.stringify(colNames[j])} is a label; it cannot be categorical.`);
      }
      return j;
    });
    if (new Set(cols).size !== cols.length) {
      this.fail(`categoricalColumns lists a column twice: ${spec.join(', ')}.`);
    }
    return cols;
  }

  /** Writes the validated row in `vals` into the current chunks. */
  private commit(): void {
    const L = this.layout as Resolved;
    const p = this.pos;
    const vals = this.vals;
    const { labelCols, featCols } = L;
    for (let t = 0; t < labelCols.length; t++) this.labelCur[t][p] = vals[labelCols[t]];
    const isFloat = this.isFloat;
    for (let f = 0; f < featCols.length; f++) {
      const v = vals[featCols[f]];
      if (isFloat[f] === 1) this.curFloat[f][p] = v;
      else if (v === 0 || v === 1) this.curBin[f][p] = v;
      else {
        this.promote(f);
        this.curFloat[f][p] = v;
      }
    }
    this.advance();
  }

  /** The row at `pos` is complete. */
  private advance(): void {
    this.numRows++;
    if (++this.pos === ROWS_PER_CHUNK) this.nextChunk();
  }

  /** A column saw a value other than 0/1: from now on (and for its past chunks) it is float32. */
  private promote(f: number): void {
    this.featDone[f] = this.featDone[f].map((c) => Float32Array.from(c));
    this.curFloat[f] = Float32Array.from(this.curBin[f]);
    this.curBin[f] = EMPTY_U8;
    this.isFloat[f] = 1;
  }

  private nextChunk(): void {
    for (let t = 0; t < this.labelCur.length; t++) {
      this.labelDone[t].push(this.labelCur[t]);
      this.labelCur[t] = new Uint8Array(ROWS_PER_CHUNK);
    }
    for (let f = 0; f < this.featDone.length; f++) {
      if (this.isFloat[f] === 1) {
        this.featDone[f].push(this.curFloat[f]);
        this.curFloat[f] = new Float32Array(ROWS_PER_CHUNK);
      } else {
        this.featDone[f].push(this.curBin[f]);
        this.curBin[f] = new Uint8Array(ROWS_PER_CHUNK);
      }
    }
    this.pos = 0;
  }

  finish(): Dataset {
    const L = this.layout;
    if (L === null) throw new CsvParseError('The file is empty.', { line: 0, column: 0 });
    if (this.dataRowsSeen === 0) {
      throw new CsvParseError('The file has a header row but no data rows.', {
        line: 1,
        column: 0,
      });
    }
    if (this.numRows === 0) {
      throw new CsvParseError(
        `The file has no valid data rows: all ${this.skipped.count} rows were skipped (first problem: ${this.skipped.examples[0]?.reason ?? 'unknown'}).`,
        {
          line: this.skipped.examples[0]?.line ?? 0,
          column: this.skipped.examples[0]?.column ?? 0,
        },
      );
    }
    const n = this.numRows;
    const tail = this.pos;
    const labels = this.labelDone.map((done, t) => {
      done.push(this.labelCur[t].subarray(0, tail));
      this.labelCur[t] = EMPTY_U8;
      return joinChunks(done, new Uint8Array(n));
    });
    const features: FeatureColumn[] = this.featDone.map((done, f) => {
      const name = L.featureNames[f];
      if (this.isFloat[f] === 1) {
        done.push(this.curFloat[f].subarray(0, tail));
        this.curFloat[f] = EMPTY_F32;
        return { name, kind: 'float', values: joinChunks(done, new Float32Array(n)) };
      }
      done.push(this.curBin[f].subarray(0, tail));
      this.curBin[f] = EMPTY_U8;
      return { name, kind: 'binary', values: joinChunks(done, new Uint8Array(n)) };
    });
    if (L.catFeatures.length === 0) {
      return { numRows: n, taskNames: L.taskNames, labels, features };
    }
    const categorical = L.catFeatures.map((f, k): CategoricalColumn => ({
      feature: f,
      name: L.featureNames[f],
      tokens: this.catTokens[k],
    }));
    return { numRows: n, taskNames: L.taskNames, labels, features, categorical };
  }
}

/** Copies chunks into `out` and drops them as it goes, so the peak is one column, not 2×. */
function joinChunks<A extends Uint8Array | Float32Array>(
  chunks: (Uint8Array | Float32Array)[],
  out: A,
): A {
  let off = 0;
  for (let i = 0; i < chunks.length; i++) {
    out.set(chunks[i], off);
    off += chunks[i].length;
    chunks[i] = EMPTY_U8;
  }
  chunks.length = 0;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Sources

interface TextPiece {
  text: string;
  /** Source bytes (characters for string sources) this piece accounts for. */
  bytes: number;
}

function isBlob(s: CsvSource): s is Blob {
  // Duck-typed: a File from another realm (worker message) fails instanceof.
  return (
    typeof s === 'object' &&
    s !== null &&
    typeof (s as Blob).slice === 'function' &&
    typeof (s as Blob).size === 'number' &&
    typeof (s as Blob).arrayBuffer === 'function'
  );
}

async function* readText(source: CsvSource, chunkSize: number): AsyncGenerator<TextPiece> {
  if (typeof source === 'string') {
    for (let i = 0; i < source.length; i += chunkSize) {
      const text = source.slice(i, i + chunkSize);
      yield { text, bytes: text.length };
    }
    return;
  }
  // `stream: true` keeps a multi-byte character split across chunks intact; the decoder drops
  // a UTF-8 BOM by default.
  const decoder = new TextDecoder('utf-8');
  if (isBlob(source)) {
    for (let a = 0; a < source.size; a += chunkSize) {
      const b = Math.min(source.size, a + chunkSize);
      const bytes = new Uint8Array(await source.slice(a, b).arrayBuffer());
      yield { text: decoder.decode(bytes, { stream: true }), bytes: b - a };
    }
  } else {
    for await (const part of source) {
      if (typeof part === 'string') yield { text: part, bytes: part.length };
      else yield { text: decoder.decode(part, { stream: true }), bytes: part.byteLength };
    }
  }
  const rest = decoder.decode();
  if (rest) yield { text: rest, bytes: 0 };
}

function sourceSize(source: CsvSource): number | undefined {
  if (typeof source === 'string') return source.length;
  if (isBlob(source)) return source.size;
  return undefined;
}

const megabytes = (n: number): string => (n / (1024 * 1024)).toFixed(1);

/**
 * Recognises files that are not comma-separated UTF-8 text from the start of the decoded text
 * (the first chunk), so the user gets the real reason instead of a confusing cell error.
 * Returns a message, or null when the text looks fine.
 */
function sniffProblem(text: string): string | null {
  const c0 = text.charCodeAt(0);
  // gzip starts 1f 8b (8b is not valid UTF-8, so it decodes to U+FFFD); zip starts "PK\x03\x04".
  if (c0 === 0x1f && (text.charCodeAt(1) === 0xfffd || text.charCodeAt(1) === 0x8b)) {
    return 'The file looks like a compressed file (gzip); unzip it first and load the .csv inside.';
  }
  if (text.startsWith('PK\u0003\u0004')) {
    return 'The file looks like a compressed file (zip); unzip it first and load the .csv inside.';
  }
  const n = Math.min(text.length, 4096);
  let nul = 0;
  let control = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0) nul++;
    else if ((c < 32 && c !== 9 && c !== 10 && c !== 13) || c === 0xfffd) control++;
  }
  // UTF-16 text of ASCII characters has a 0 byte in every other position.
  if (nul > n / 4)
    return 'The file looks like UTF-16 text; save it as UTF-8 (plain CSV) and load it again.';
  if (nul > 0 || control > n / 10) {
    return 'The file does not look like a text CSV file (it holds binary data near the start).';
  }
  if (text.indexOf('\n') < 0 && /\r[^\r]/.test(text)) {
    return 'The file ends its lines with a lone carriage return (CR, old Mac style); save it with LF or CRLF line ends.';
  }
  return null;
}

const nowMs = (): number => performance.now();
const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

interface PapaLineResult {
  data: string[][];
}

/**
 * Parses a CSV into a columnar Dataset.
 *
 * Layout: `labelColumns` (default 2: the first two columns) are the 0/1 labels, every other
 * column is a numeric feature. With header 'auto', a first row in which no cell reads as data
 * is a header and names the columns; otherwise labels are named by `labelNames`, else
 * ['completion', 'like'] for two tasks and task_1… otherwise, and features f1…fN. `True`/`False`
 * (any case) read as 1/0; CRLF, a UTF-8 BOM and quoted numbers work; blank lines are ignored.
 * Cells that are empty, NaN/inf, not numbers, labels outside {0,1} and rows with another
 * column count than the first row are errors.
 * Throws CsvParseError naming line and column on the first bad row, unless `skipBadRows`,
 * in which case bad rows are counted in `skipped` with up to 100 examples.
 *
 * Rows are read line by line. A line of plain decimals or True/False (the whole PaddleRec file)
 * is converted in place by a scanner without creating strings — about 3× faster than splitting;
 * any other line (header, quotes, problems) is split by papaparse and checked cell by
 * cell, which is also where every error message comes from. A quoted field may therefore not
 * span lines, and line numbers are physical lines.
 */
export async function parseCsv(
  source: CsvSource,
  opts: ParseCsvOptions = {},
): Promise<ParseResult> {
  const t0 = nowMs();
  const chunkSize = Math.max(1, opts.chunkSize ?? DEFAULT_CHUNK_SIZE);
  const totalBytes = opts.sizeHint ?? sourceSize(source);
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const tooLarge = (size: number, known: boolean): CsvParseError =>
    new CsvParseError(
      `The file ${known ? 'is' : 'is more than'} ${megabytes(size)} MB, more than the ${megabytes(maxBytes)} MB this page accepts (maxBytes); use a smaller file or a sample of its rows.`,
      { line: 0, column: 0 },
    );
  if (totalBytes !== undefined && totalBytes > maxBytes) throw tooLarge(totalBytes, true);
  const table = new TableBuilder(opts);
  // Each slow line is handed over alone, so the newline setting never matters.
  const papa = new Papa.Parser({ delimiter: ',', newline: '\n', quoteChar: '"' });
  let pending = ''; // decoded text not parsed yet, starting with the carried partial line
  // New pieces are gathered and joined once: a flat string scans faster than a chain of `+=`.
  let pieces: string[] = [];
  let piecesLength = 0;
  let atStart = true;
  let bytes = 0;
  let lastProgress = t0;
  let lastYield = t0;

  const slowLine = (line: string): void => {
    if (line.length > 0 && line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1);
    const rows = line.length === 0 ? [] : (papa.parse(line, 0, false) as PapaLineResult).data;
    table.addRow(rows.length > 0 ? rows[0] : ['']);
  };

  /** Parses every complete line of `pending` (all of it when isLast); keeps the rest. */
  const parsePending = (isLast: boolean): void => {
    if (pieces.length > 0) {
      pieces.unshift(pending);
      pending = pieces.join('');
      pieces = [];
      piecesLength = 0;
    }
    if (atStart && pending.length > 0) {
      atStart = false;
      if (pending.charCodeAt(0) === 0xfeff) pending = pending.slice(1);
      const problem = sniffProblem(pending);
      if (problem) throw new CsvParseError(problem, { line: 1, column: 0 });
    }
    const s = pending;
    const stop = isLast ? s.length : s.lastIndexOf('\n') + 1;
    let i = 0;
    while (i < stop) {
      let nl = s.indexOf('\n', i);
      if (nl < 0 || nl > stop) nl = stop;
      if (!table.fastLine(s, i, nl)) slowLine(s.substring(i, nl));
      i = nl + 1;
    }
    pending = stop === 0 ? s : s.substring(stop);
  };

  for await (const piece of readText(source, chunkSize)) {
    bytes += piece.bytes;
    if (bytes > maxBytes) throw tooLarge(bytes, false);
    pieces.push(piece.text);
    piecesLength += piece.text.length;
    if (piecesLength < chunkSize) continue; // gather tiny stream chunks into one pass
    parsePending(false);
    const t = nowMs();
    if (opts.onProgress && t - lastProgress >= PROGRESS_INTERVAL_MS) {
      lastProgress = t;
      opts.onProgress({ rows: table.numRows, bytes, totalBytes, elapsedMs: t - t0 });
    }
    if (t - lastYield >= YIELD_INTERVAL_MS) {
      await yieldToEventLoop();
      lastYield = nowMs();
    }
  }
  parsePending(true);
  const dataset = table.finish();
  const elapsedMs = nowMs() - t0;
  // One final event so a progress bar reaches the end.
  opts.onProgress?.({ rows: dataset.numRows, bytes, totalBytes, elapsedMs });
  return { dataset, hasHeader: table.hasHeader, skipped: table.skipped, bytes, elapsedMs };
}
