/**
 * The read-only shared data next to the repository (`../shared/data`, also present in CI), for
 * tests and benchmarks. Paths are resolved from the repository root, never hard-coded, so a
 * clone anywhere works as long as `shared/` sits beside it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';

const repoRoot = path.resolve(import.meta.dirname, '..');

/** `../shared/data` as an absolute path. */
export const SHARED_DATA = path.resolve(repoRoot, '../shared/data');
/** The short-video data (train/val/test .csv.gz). */
export const VIDEO_DIR = path.join(SHARED_DATA, 'video');
/** The real Kuaishou log with a header row and three label columns first. */
export const KUAIRAND_CSV = path.join(SHARED_DATA, 'kuairand-1k', 'kuairand_1k_mtl.csv');

let valBytes: Buffer | null = null;

/** The gunzipped video validation file (≈ 20 MB; read once per test process). */
export function videoValBytes(): Buffer {
  valBytes ??= gunzipSync(readFileSync(path.join(VIDEO_DIR, 'val.csv.gz')));
  return valBytes;
}

/** The first `rows` lines of the video validation file (no header), newline-terminated. */
export function videoValHead(rows: number): string {
  return videoValBytes().toString('latin1').split('\n').slice(0, rows).join('\n') + '\n';
}
