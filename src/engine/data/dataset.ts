/**
 * Helpers over the columnar Dataset: row views, sizes, and the batch filler used by the
 * training loop (hot path: one F-byte allocation per call).
 */
import type { Dataset, FeatureScaling, RowSet } from './types';

/** Number of feature columns F. */
export function numFeatures(data: Dataset): number {
  return data.features.length;
}

/** Number of tasks (label columns) T. */
export function numTasks(data: Dataset): number {
  return data.labels.length;
}

/** Feature names in column order (length F). */
export function featureNames(data: Dataset): string[] {
  return data.features.map((c) => c.name);
}

/** Every row of `data`, in file order. */
export function allRows(data: Dataset): RowSet {
  const rows = new Uint32Array(data.numRows);
  for (let i = 0; i < rows.length; i++) rows[i] = i;
  return { data, rows };
}

/** The rows of `rs` at the given positions (positions index `rs.rows`, not the dataset). */
export function selectRows(rs: RowSet, positions: ArrayLike<number>): RowSet {
  const rows = new Uint32Array(positions.length);
  for (let i = 0; i < rows.length; i++) {
    const p = positions[i];
    if (!(p >= 0 && p < rs.rows.length)) {
      throw new RangeError(`selectRows: position ${p} is outside 0..${rs.rows.length - 1}.`);
    }
    rows[i] = rs.rows[p];
  }
  return { data: rs.data, rows };
}

/** The first `count` rows of `rs` (all when it has fewer), e.g. for a quick preview run. */
export function headRows(rs: RowSet, count: number): RowSet {
  return { data: rs.data, rows: rs.rows.slice(0, Math.max(0, count)) };
}

/** Bytes held by the dataset's typed arrays (labels + features). */
export function datasetBytes(data: Dataset): number {
  let n = 0;
  for (const l of data.labels) n += l.byteLength;
  for (const c of data.features) n += c.values.byteLength;
  return n;
}

/** Fraction of positive labels per task over `rs` (NaN for an empty set). */
export function positiveRates(rs: RowSet): number[] {
  return rs.data.labels.map((l) => {
    let pos = 0;
    for (let i = 0; i < rs.rows.length; i++) pos += l[rs.rows[i]];
    return pos / rs.rows.length;
  });
}

/**
 * Binary columns packed row-major, one bit each: row r's bits are bytes
 * [r·stride, (r+1)·stride). Built once per Dataset (datasets are immutable) for fillBatch.
 *
 * Why: columnar storage read at random rows (a shuffled batch) costs one cache miss per value —
 * 512 rows × 488 binary columns ≈ 250k misses, ~20 ms per batch of the census data, as long as
 * the model step itself. Packed rows put all 488 bits of a row in 61 contiguous bytes, for
 * 1/8 of the column storage's size (≈ 12 MB for the 200k-row video train file).
 */
interface PackedBinary {
  /** Feature index of packed bit k. */
  columns: Int32Array;
  stride: number;
  bits: Uint8Array;
}

/** Fewer binary columns than this are not worth packing. */
const MIN_PACKED_COLUMNS = 16;
const packedCache = new WeakMap<Dataset, PackedBinary | null>();

function packedBinary(data: Dataset): PackedBinary | null {
  let packed = packedCache.get(data);
  if (packed !== undefined) return packed;
  const cols: number[] = [];
  data.features.forEach((c, f) => {
    if (c.kind === 'binary') cols.push(f);
  });
  packed = null;
  if (cols.length >= MIN_PACKED_COLUMNS) {
    const stride = (cols.length + 7) >> 3;
    const bits = new Uint8Array(data.numRows * stride);
    // Eight columns (one output byte) per pass over the rows.
    for (let byte = 0; byte < stride; byte++) {
      const group = cols.slice(byte * 8, byte * 8 + 8).map((f) => data.features[f].values);
      for (let r = 0, o = byte; r < data.numRows; r++, o += stride) {
        let b = 0;
        for (let j = 0; j < group.length; j++) if (group[j][r]) b |= 1 << j;
        bits[o] = b;
      }
    }
    packed = { columns: Int32Array.from(cols), stride, bits };
  }
  packedCache.set(data, packed);
  return packed;
}

/**
 * Writes rows `rowIds[start .. start+count)` of `data` into `x` (row-major [count, F], scaled
 * with `scaling`) and `y` (row-major [count, T], 0/1). `x`/`y` may be longer than needed (a
 * reused buffer for the largest batch); only the first count·F / count·T entries are written.
 */
export function fillBatch(
  data: Dataset,
  rowIds: ArrayLike<number>,
  start: number,
  count: number,
  scaling: FeatureScaling,
  x: Float32Array,
  y: Float32Array,
): void {
  const F = data.features.length;
  const T = data.labels.length;
  if (start < 0 || count < 0 || start + count > rowIds.length) {
    throw new RangeError(
      `fillBatch: rows ${start}..${start + count} exceed ${rowIds.length} row ids.`,
    );
  }
  if (x.length < count * F || y.length < count * T) {
    throw new RangeError(
      `fillBatch: buffers too small for ${count} rows × ${F} features × ${T} tasks.`,
    );
  }
  if (scaling.columns.length !== F) {
    throw new RangeError(
      `fillBatch: scaling has ${scaling.columns.length} columns, data has ${F}.`,
    );
  }
  const raw = scaling.mode === 'raw';
  // Binary columns with identity scaling come from the packed rows (see PackedBinary).
  const packed = packedBinary(data);
  let fromPacked: Uint8Array | null = null;
  if (packed) {
    fromPacked = new Uint8Array(F);
    for (const f of packed.columns) {
      const sc = scaling.columns[f];
      if (raw || (!sc.log && sc.mean === 0 && sc.std === 1)) fromPacked[f] = 1;
    }
    const { columns, stride, bits } = packed;
    const K = columns.length;
    for (let i = 0; i < count; i++) {
      const base = rowIds[start + i] * stride;
      const o = i * F;
      for (let k = 0; k < K; k++) {
        x[o + columns[k]] = (bits[base + (k >> 3)] >> (k & 7)) & 1;
      }
    }
  }
  // The other columns column by column: one branch decision per column instead of per cell.
  for (let f = 0; f < F; f++) {
    if (fromPacked !== null && fromPacked[f] === 1) continue;
    const values = data.features[f].values;
    const sc = scaling.columns[f];
    if (raw || (!sc.log && sc.mean === 0 && sc.std === 1)) {
      for (let i = 0, o = f; i < count; i++, o += F) x[o] = values[rowIds[start + i]];
    } else {
      const mean = sc.mean;
      const inv = 1 / sc.std;
      if (sc.log) {
        // Negative values (possible outside the training rows) clamp to 0 before log1p.
        for (let i = 0, o = f; i < count; i++, o += F) {
          const v = values[rowIds[start + i]];
          x[o] = (Math.log1p(v > 0 ? v : 0) - mean) * inv;
        }
      } else {
        for (let i = 0, o = f; i < count; i++, o += F)
          x[o] = (values[rowIds[start + i]] - mean) * inv;
      }
    }
  }
  for (let t = 0; t < T; t++) {
    const l = data.labels[t];
    for (let i = 0, o = t; i < count; i++, o += T) y[o] = l[rowIds[start + i]];
  }
}
