/**
 * A cheap look at the start of a CSV file before the full parse: the first ~64 KB are read and
 * the first rows split with papaparse, so the page can show the columns, the header (if any) and
 * a few rows, and let the user pick the label columns. Pure TypeScript (Blob + papaparse): runs
 * on the page, in a worker and in Node. The full, validating parse is parseCsv (csv.ts).
 */
import Papa from 'papaparse';

/** Bytes read for the preview: enough for ~10 rows of the 501-column video files. */
export const PREVIEW_BYTES = 64 * 1024;

export interface CsvPreview {
  /** Column names: the header's, or generated `c1…cN` when there is none. */
  columns: string[];
  /** True when the first row has no cell that reads as a number or True/False (csv.ts rule). */
  hasHeader: boolean;
  /** Up to `maxRows` data rows (after the header), cells as text. */
  rows: string[][];
  /** File size in bytes (the whole file, not just the preview). */
  totalBytes: number;
  /** The preview ended inside the file (more rows follow). */
  truncated: boolean;
}

/** A cell that reads as data: a finite or non-finite number, or True/False (any case). */
function looksLikeValue(cell: string): boolean {
  const s = cell.trim();
  if (s === '') return false;
  const low = s.toLowerCase().replace(/^[+-]/, '');
  if (low === 'true' || low === 'false' || low === 'nan' || low === 'inf' || low === 'infinity') {
    return true;
  }
  return Number.isFinite(Number(s));
}

/**
 * Reads the first PREVIEW_BYTES of `file` and returns its columns and first rows. A row cut off
 * by the byte limit is dropped. Never throws on malformed content: the full parse reports it.
 */
export async function previewCsv(file: Blob, maxRows = 10): Promise<CsvPreview> {
  const truncated = file.size > PREVIEW_BYTES;
  let text = await file.slice(0, PREVIEW_BYTES).text();
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (truncated) {
    // Drop the last, possibly partial line.
    const cut = text.lastIndexOf('\n');
    text = cut >= 0 ? text.slice(0, cut) : '';
  }
  const parsed = Papa.parse<string[]>(text, { skipEmptyLines: 'greedy', preview: maxRows + 1 });
  const all = parsed.data.filter((r) => r.length > 0);
  const first = all[0] ?? [];
  const hasHeader = first.length > 0 && !first.some(looksLikeValue);
  const body = hasHeader ? all.slice(1) : all;
  const width = Math.max(first.length, ...body.map((r) => r.length));
  const columns = Array.from({ length: width }, (_, j) =>
    hasHeader && (first[j] ?? '').trim() !== '' ? first[j].trim() : `c${j + 1}`,
  );
  return {
    columns,
    hasHeader,
    rows: body.slice(0, maxRows),
    totalBytes: file.size,
    truncated,
  };
}
