/** Display helpers shared by the panels. */
import { BACKEND_LABELS, type BackendName } from '../engine/backendNames';
import { translate, type Vars } from './i18n';

/** A translator (useI18n().t); the default is English, for callers outside the page. */
export type T = (key: string, vars?: Vars) => string;
const english: T = (key, vars) => translate('en', key, vars);

/** "0.8123", or "—" (any language) when a metric is undefined (e.g. AUC of a one-class split). */
export function formatMetric(v: number | undefined, digits = 4): string {
  return v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(digits);
}

export function formatInt(v: number): string {
  return Math.round(v).toLocaleString('en-US');
}

export function formatPercent(v: number): string {
  return Number.isFinite(v) ? `${(v * 100).toFixed(1)}%` : '—';
}

/** "WASM (4 threads)", "WebGL". */
export function describeBackend(
  backend: BackendName,
  wasmThreads: number | null,
  t: T = english,
): string {
  const label = BACKEND_LABELS[backend];
  if (backend !== 'wasm' || wasmThreads === null) return label;
  return t(wasmThreads === 1 ? 'fmt.threads.one' : 'fmt.threads', { label, n: wasmThreads });
}

/** The engine's short reasons why a backend failed (engine/backend.ts), as i18n keys. */
const REASONS: Record<string, string> = {
  'no adapter': 'fmt.reason.noAdapter',
  'no WebGPU API': 'fmt.reason.noApi',
  'no canvas': 'fmt.reason.noCanvas',
  'initialisation failed': 'fmt.reason.failed',
  failed: 'fmt.reason.failed',
  'not registered in this build': 'fmt.reason.notRegistered',
};

/**
 * The fallback notice in the page's language, from the worker's attempts, e.g. "WebGPU is not
 * available in this browser (no adapter); using WASM." Undefined when the first backend worked.
 * Reasons the page does not know (an exception's text) are shown as they came.
 */
export function fallbackNotice(
  attempts: readonly { name: BackendName; ok: boolean; error?: string }[],
  t: T = english,
): string | undefined {
  const failed = attempts.filter((a) => !a.ok);
  const used = attempts.find((a) => a.ok);
  if (failed.length === 0 || used === undefined) return undefined;
  const reason = (e: string | undefined) => {
    const key = REASONS[e ?? 'failed'];
    return key === undefined ? (e ?? '') : t(key);
  };
  const named = failed.map((a) =>
    t('fmt.backendReason', { backend: BACKEND_LABELS[a.name], reason: reason(a.error) }),
  );
  if (failed.length === 1) {
    return t('fmt.notice.one', {
      backend: BACKEND_LABELS[failed[0].name],
      reason: reason(failed[0].error),
      used: BACKEND_LABELS[used.name],
    });
  }
  return t('fmt.notice.many', {
    failed: named.join(t('fmt.listSep')),
    used: BACKEND_LABELS[used.name],
  });
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

/** Verdict phrases (i18n key stems) for the short-video tasks; others read "<task>: yes/no". */
const TASK_PHRASES: Record<string, string> = {
  completion: 'verdict.finish',
  finish: 'verdict.finish',
  like: 'verdict.like',
};

/** A plain verdict for one task, e.g. "will finish the video (0.93)" or "is_click: no (0.12)". */
export function verdict(task: string, probability: number, t: T = english): string {
  const yes = probability >= 0.5;
  const p = probability.toFixed(2);
  const stem = TASK_PHRASES[task.trim().toLowerCase()] ?? 'verdict.task';
  return t(`${stem}.${yes ? 'yes' : 'no'}`, { task, p });
}

/**
 * An error message for the page. Engine and worker errors arrive in English (they carry file,
 * line and column data); in another language the wrapper and the position words are translated,
 * e.g. "出错：Row has 3 fields, expected 5（第 12 行，第 3 列）". English passes through unchanged.
 */
export function localiseError(message: string, t: T): string {
  const wrapped = t('error.wrap', { message: '\u0000' });
  if (wrapped === '\u0000') return message;
  const positioned = message
    .replace(/\bline (\d+)/g, (_, n: string) => t('error.line', { n }))
    .replace(/\bcolumn (\d+)/g, (_, n: string) => t('error.column', { n }));
  return wrapped.replace('\u0000', positioned);
}
