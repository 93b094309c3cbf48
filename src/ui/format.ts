/** Display helpers shared by the panels. */
import { BACKEND_LABELS, type BackendName } from '../engine/backendNames';

/** "0.8123", or "n/a" when a metric is undefined (e.g. AUC of a one-class split). */
export function formatMetric(v: number | undefined, digits = 4): string {
  return v === undefined || !Number.isFinite(v) ? 'n/a' : v.toFixed(digits);
}

export function formatInt(v: number): string {
  return Math.round(v).toLocaleString('en-US');
}

export function formatPercent(v: number): string {
  return Number.isFinite(v) ? `${(v * 100).toFixed(1)}%` : 'n/a';
}

/** "WASM (4 threads)", "WebGL". */
export function describeBackend(backend: BackendName, wasmThreads: number | null): string {
  const label = BACKEND_LABELS[backend];
  if (backend !== 'wasm' || wasmThreads === null) return label;
  return `${label} (${wasmThreads} ${wasmThreads === 1 ? 'thread' : 'threads'})`;
}

export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}

/** Parse a form field; throws a message naming the field when it is out of range. */
export function parseNumberField(
  label: string,
  raw: string,
  opts: { min: number; max: number; integer?: boolean },
): number {
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(v)) throw new Error(`${label}: enter a number.`);
  if (opts.integer === true && !Number.isInteger(v)) {
    throw new Error(`${label}: enter a whole number.`);
  }
  if (v < opts.min || v > opts.max) {
    throw new Error(`${label}: must be between ${opts.min} and ${opts.max}.`);
  }
  return v;
}

/** "3.2 MB" (decimal units, as MB/s). */
export function formatBytes(bytes: number): string {
  if (bytes < 1e3) return `${bytes} B`;
  if (bytes < 1e6) return `${(bytes / 1e3).toFixed(1)} kB`;
  if (bytes < 1e9) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${(bytes / 1e9).toFixed(2)} GB`;
}

/** Verdict phrases for the short-video tasks; other tasks read "<task>: yes/no". */
const TASK_PHRASES: Record<string, [yes: string, no: string]> = {
  completion: ['will finish the video', 'will not finish the video'],
  finish: ['will finish the video', 'will not finish the video'],
  like: ['will like it', 'will not like it'],
};

/** A plain verdict for one task, e.g. "will finish the video (0.93)" or "is_click: no (0.12)". */
export function verdict(task: string, probability: number): string {
  const yes = probability >= 0.5;
  const p = probability.toFixed(2);
  const phrases = TASK_PHRASES[task.trim().toLowerCase()];
  if (phrases !== undefined) return `${yes ? phrases[0] : phrases[1]} (${p})`;
  return `${task}: ${yes ? 'yes' : 'no'} (${p})`;
}
