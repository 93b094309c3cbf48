/**
 * The whole setup in the page URL (hash), so a teacher can send a link that reproduces it: the
 * experiment store (data CHOICE — generator, rows, seeds, split, label names; never the rows or a
 * file —, model, training settings, backend) and the experiments panel's settings.
 *
 * Pure: encode/decode are plain functions tested in Node. Anything a hash cannot give back
 * (garbled text, another version, wrong types, unknown names) falls back to the defaults, and the
 * decoder says so in a notice instead of failing.
 */
import { defaultSetup, EXPERIMENT_KINDS, type ExperimentSetup } from '../experiments/setup';
import { defaultExperiment } from './experiment';
import type { ExperimentState } from './types';

/** What the URL holds. */
export interface UrlState {
  experiment: ExperimentState;
  setup: ExperimentSetup;
}

/** Why a hash was not taken as it was; the page shows it (i18n keys in strings/experiments.ts). */
export type UrlNotice =
  | { kind: 'garbled' }
  | { kind: 'version'; version: string }
  /** Some fields were missing or invalid and took their defaults (dotted paths). */
  | { kind: 'partial'; fields: string[] };

export interface DecodedUrl {
  state: UrlState;
  /** null when the hash was empty (defaults, nothing to say) or read completely. */
  notice: UrlNotice | null;
  /** Whether the hash held a setup at all (else the page keeps its own defaults). */
  fromUrl: boolean;
}

const PREFIX = 'exp=';
const VERSION = 1;

export function defaultUrlState(): UrlState {
  return { experiment: defaultExperiment(), setup: defaultSetup() };
}

/** The hash (with its leading '#') for `s`. Readable JSON, percent-encoded. */
export function encodeUrlState(s: UrlState): string {
  return `#${PREFIX}${encodeURIComponent(JSON.stringify({ v: VERSION, ...s }))}`;
}

const MODEL_NAMES = ['single_task', 'share_bottom', 'mmoe', 'ple'] as const;
const BACKENDS = ['auto', 'webgpu', 'webgl', 'wasm', 'cpu'] as const;

/** Allowed values of string fields (dotted path → values); other strings fall back. */
const ENUMS: Record<string, readonly string[]> = {
  'experiment.data.source': ['short_video', 'correlated', 'csv'],
  'experiment.data.scaling': ['standard', 'raw'],
  'experiment.model.model': MODEL_NAMES,
  'experiment.backend': BACKENDS,
  'setup.kind': EXPERIMENT_KINDS,
  'setup.taskWeighting': ['fixed', 'uncertainty'],
  'setup.sweepModel': ['mmoe', 'ple'],
  'setup.sweepData': ['generated', 'loaded'],
};

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * `value` shaped like `def`: same types field by field (arrays: every element of the default's
 * element type; numbers finite), enums checked. Missing or wrong fields take the default and are
 * listed in `bad`.
 */
function conform<T>(def: T, value: unknown, path: string, bad: string[]): T {
  if (Array.isArray(def)) {
    if (!Array.isArray(value)) {
      bad.push(path);
      return def;
    }
    const sample: unknown = def[0];
    const kind = sample === undefined ? 'number' : typeof sample;
    const ok = value.every((x) =>
      kind === 'number' ? typeof x === 'number' && Number.isFinite(x) : typeof x === kind,
    );
    if (!ok) {
      bad.push(path);
      return def;
    }
    return [...value] as T;
  }
  if (isRecord(def)) {
    if (!isRecord(value)) {
      bad.push(path);
      return def;
    }
    const out: Record<string, unknown> = {};
    for (const [k, d] of Object.entries(def)) {
      out[k] = conform(d, value[k], path === '' ? k : `${path}.${k}`, bad);
    }
    return out as T;
  }
  const good =
    typeof value === typeof def &&
    (typeof value !== 'number' || Number.isFinite(value)) &&
    (typeof value !== 'string' || ENUMS[path] === undefined || ENUMS[path].includes(value));
  if (!good) {
    bad.push(path);
    return def;
  }
  return value as T;
}

/** Ranges the page's controls allow; out-of-range numbers are invalid too. */
function checkRanges(s: UrlState, bad: string[]): UrlState {
  const d = defaultUrlState();
  const pos = (v: number) => v > 0;
  const posInt = (v: number) => Number.isInteger(v) && v >= 1;
  const fix = <K extends keyof ExperimentSetup>(key: K, ok: (v: ExperimentSetup[K]) => boolean) => {
    if (!ok(s.setup[key])) {
      bad.push(`setup.${key}`);
      s.setup[key] = d.setup[key];
    }
  };
  fix('seeds', (v) => posInt(v) && v <= 20);
  fix('epochs', (v) => posInt(v) && v <= 1000);
  fix('batchSize', posInt);
  fix('learningRate', pos);
  fix('rows', (v) => posInt(v) && v >= 100);
  fix('paramTarget', (v) => v >= 0);
  fix('experts', (v) => v.length > 0 && v.every((x) => posInt(x) && x <= 64));
  fix('gateLayers', (v) => v.length > 0 && v.every((x) => Number.isInteger(x) && x >= 0 && x <= 3));
  fix('correlations', (v) => v.length > 0 && v.every((x) => x >= 0 && x <= 1));
  fix('lossWeights', (v) => v.every((x) => x >= 0));
  const t = s.experiment.train;
  if (!(posInt(t.epochs) && posInt(t.batchSize) && pos(t.learningRate))) {
    bad.push('experiment.train');
    s.experiment.train = d.experiment.train;
  }
  const data = s.experiment.data;
  if (!(
    posInt(data.rows) &&
    posInt(data.labelCount) &&
    data.labelNames.length === data.labelCount
  )) {
    bad.push('experiment.data');
    s.experiment.data = d.experiment.data;
  }
  return s;
}

/** Reads a hash ('#exp=…', with or without '#'); never throws. */
export function decodeUrlState(hash: string): DecodedUrl {
  const h = hash.startsWith('#') ? hash.slice(1) : hash;
  if (h === '') return { state: defaultUrlState(), notice: null, fromUrl: false };
  let parsed: unknown;
  try {
    if (!h.startsWith(PREFIX)) throw new Error('not ours');
    parsed = JSON.parse(decodeURIComponent(h.slice(PREFIX.length)));
  } catch {
    return { state: defaultUrlState(), notice: { kind: 'garbled' }, fromUrl: false };
  }
  if (!isRecord(parsed)) {
    return { state: defaultUrlState(), notice: { kind: 'garbled' }, fromUrl: false };
  }
  if (parsed.v !== VERSION) {
    return {
      state: defaultUrlState(),
      notice: { kind: 'version', version: String(parsed.v) },
      fromUrl: false,
    };
  }
  const bad: string[] = [];
  const state = checkRanges(
    conform(defaultUrlState(), { experiment: parsed.experiment, setup: parsed.setup }, '', bad),
    bad,
  );
  return {
    state,
    notice: bad.length > 0 ? { kind: 'partial', fields: bad } : null,
    fromUrl: true,
  };
}
