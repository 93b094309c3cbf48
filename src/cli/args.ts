/**
 * Command-line parsing for the headless runner (node:util parseArgs + our own value checks).
 */
import { parseArgs } from 'node:util';
import type { ModelName } from '../engine/models/types';
import { WARM_START_MODES, type WarmStartMode } from '../engine/train/warmStart';

export const USAGE = `Usage:
  npm run cli -- train --data DIR|FILE [--model NAME] [--preset NAME] [options]
  npm run cli -- evaluate --model-dir DIR --data FILE [--out FILE]
  npm run cli -- predict --model-dir DIR --data FILE --out FILE
  npm run cli -- paddlerec --model-dir DIR [--out FILE]
  npm run cli -- experiment tutorial|correlation|sweep [options]   (options: experiment --help)

train options:
  --data DIR|FILE        DIR holds train.csv[.gz] and optional val.csv[.gz], test.csv[.gz];
                         a FILE (or a DIR without val/test) is split with a seeded random split
  --model NAME           single_task | share_bottom | mmoe | ple
  --preset NAME          PaddleRec settings for model and training (same names); flags override it
  --epochs N             number of epochs
  --batch-size B         rows per step
  --lr X                 Adam learning rate
  --seed S               seed for the split, the initialisation and the batch order (default 1)
  --out DIR              output directory (default runs/<model>-<timestamp>)
  --labels N             the first N columns are labels (default 2)
  --label-names a,b      names of the label columns
  --scaling MODE         standard (default) | raw
  --val-fraction F       validation fraction of a seeded split (default 0.1)
  --test-fraction F      test fraction of a seeded split (default 0.1)
  --patience N           early stopping after N epochs without val AUC improvement (0 = off)
  --max-rows N           read only the first N rows of each file (quick runs)
  --backend NAME         wasm (default) | cpu
  --categorical a,b      categorical columns (header names or 0-based column indices): ids
                         from a vocabulary of the training rows, learned embeddings
  --embedding-dim D      embedding width of every categorical column (default: by table size)
  --warm-start-from DIR  initialise from a saved model (e.g. trained with fewer tasks)
  --warm-start-mode M    cold | embeddings | embeddings+experts | all-matching (default)

evaluate options:
  --model-dir DIR        a saved model (model.json + weights.bin) or a run directory holding model/
  --data FILE            CSV with the same layout as the training data
  --out FILE             write predictions CSV there
  --max-rows N, --batch-size B, --backend NAME as for train

predict options (every task's probability; the file may have the label columns or only the
features; with labels they are echoed):
  --model-dir DIR, --data FILE, --out FILE (required), --batch-size B, --backend NAME

paddlerec options (PaddleRec config_bigdata.yaml for the same model and settings):
  --model-dir DIR        a saved model or run directory
  --out FILE             write the YAML there (default: stdout)
`;

const MODEL_NAMES: readonly ModelName[] = ['single_task', 'share_bottom', 'mmoe', 'ple'];

/** A wrong command line: the runner prints the message and the usage, then exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface TrainArgs {
  command: 'train';
  data: string;
  model?: ModelName;
  preset?: string;
  epochs?: number;
  batchSize?: number;
  lr?: number;
  seed: number;
  out?: string;
  labels?: number;
  labelNames?: string[];
  scaling: 'standard' | 'raw';
  valFraction: number;
  testFraction: number;
  patience?: number;
  maxRows?: number;
  backend: 'wasm' | 'cpu';
  categorical?: (string | number)[];
  embeddingDim?: number;
  warmStartFrom?: string;
  warmStartMode: WarmStartMode;
}

export interface EvaluateArgs {
  command: 'evaluate';
  modelDir: string;
  data: string;
  out?: string;
  maxRows?: number;
  batchSize?: number;
  backend: 'wasm' | 'cpu';
}

export interface PredictArgs {
  command: 'predict';
  modelDir: string;
  data: string;
  out: string;
  batchSize?: number;
  backend: 'wasm' | 'cpu';
}

export interface PaddleRecArgs {
  command: 'paddlerec';
  modelDir: string;
  out?: string;
}

export type CliArgs = TrainArgs | EvaluateArgs | PredictArgs | PaddleRecArgs | { command: 'help' };

const TRAIN_OPTIONS = {
  data: { type: 'string' },
  model: { type: 'string' },
  preset: { type: 'string' },
  epochs: { type: 'string' },
  'batch-size': { type: 'string' },
  lr: { type: 'string' },
  seed: { type: 'string' },
  out: { type: 'string' },
  labels: { type: 'string' },
  'label-names': { type: 'string' },
  scaling: { type: 'string' },
  'val-fraction': { type: 'string' },
  'test-fraction': { type: 'string' },
  patience: { type: 'string' },
  'max-rows': { type: 'string' },
  backend: { type: 'string' },
  categorical: { type: 'string' },
  'embedding-dim': { type: 'string' },
  'warm-start-from': { type: 'string' },
  'warm-start-mode': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const PREDICT_OPTIONS = {
  'model-dir': { type: 'string' },
  data: { type: 'string' },
  out: { type: 'string' },
  'batch-size': { type: 'string' },
  backend: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const PADDLEREC_OPTIONS = {
  'model-dir': { type: 'string' },
  out: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const EVALUATE_OPTIONS = {
  'model-dir': { type: 'string' },
  data: { type: 'string' },
  out: { type: 'string' },
  'max-rows': { type: 'string' },
  'batch-size': { type: 'string' },
  backend: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function intOpt(name: string, v: string | undefined, min: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isInteger(n) || n < min) {
    throw new UsageError(`--${name} must be an integer ≥ ${min}, got "${v}"`);
  }
  return n;
}

function numOpt(
  name: string,
  v: string | undefined,
  ok: (n: number) => boolean,
  what: string,
): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || !ok(n))
    throw new UsageError(`--${name} must be ${what}, got "${v}"`);
  return n;
}

function backendOpt(v: string | undefined): 'wasm' | 'cpu' {
  if (v === undefined || v === 'wasm' || v === 'cpu') return v ?? 'wasm';
  throw new UsageError(`--backend must be wasm or cpu, got "${v}"`);
}

/** Runs node:util parseArgs, turning its errors (unknown option, missing value) into UsageError. */
function guard<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** @throws UsageError with a one-line reason */
export function parseCliArgs(argv: string[]): CliArgs {
  const [command, ...rest] = argv;
  if (command === undefined)
    throw new UsageError('missing command (train, evaluate, predict or paddlerec)');
  if (command === 'help' || command === '--help' || command === '-h') return { command: 'help' };
  if (command === 'train') {
    const { values: v } = guard(() =>
      parseArgs({ args: rest, options: TRAIN_OPTIONS, strict: true }),
    );
    if (v.help) return { command: 'help' };
    if (!v.data) throw new UsageError('train needs --data DIR|FILE');
    if (!v.model && !v.preset) throw new UsageError('train needs --model NAME or --preset NAME');
    if (v.model !== undefined && !MODEL_NAMES.includes(v.model as ModelName)) {
      throw new UsageError(`--model must be one of ${MODEL_NAMES.join(', ')}, got "${v.model}"`);
    }
    if (v.scaling !== undefined && v.scaling !== 'standard' && v.scaling !== 'raw') {
      throw new UsageError(`--scaling must be standard or raw, got "${v.scaling}"`);
    }
    const labelNames = v['label-names']?.split(',').map((s) => s.trim());
    if (labelNames && labelNames.some((s) => s === ''))
      throw new UsageError('--label-names has an empty name');
    const labels = intOpt('labels', v.labels, 1);
    if (labels !== undefined && labelNames && labelNames.length !== labels) {
      throw new UsageError(`--labels ${labels} but --label-names lists ${labelNames.length} names`);
    }
    const categorical = v.categorical
      ?.split(',')
      .map((c) => c.trim())
      .map((c) => (/^\d+$/.test(c) ? Number(c) : c));
    if (categorical && categorical.some((c) => c === ''))
      throw new UsageError('--categorical has an empty column name');
    const mode = v['warm-start-mode'] ?? 'all-matching';
    if (!WARM_START_MODES.includes(mode as WarmStartMode)) {
      throw new UsageError(
        `--warm-start-mode must be one of ${WARM_START_MODES.join(', ')}, got "${mode}"`,
      );
    }
    if (v['warm-start-mode'] !== undefined && !v['warm-start-from'])
      throw new UsageError('--warm-start-mode needs --warm-start-from DIR');
    const fraction = (n: number) => n >= 0 && n < 1;
    const valFraction = numOpt('val-fraction', v['val-fraction'], fraction, 'in [0, 1)') ?? 0.1;
    const testFraction = numOpt('test-fraction', v['test-fraction'], fraction, 'in [0, 1)') ?? 0.1;
    if (valFraction + testFraction >= 1)
      throw new UsageError('--val-fraction + --test-fraction must be < 1');
    return {
      command: 'train',
      data: v.data,
      model: v.model as ModelName | undefined,
      preset: v.preset,
      epochs: intOpt('epochs', v.epochs, 1),
      batchSize: intOpt('batch-size', v['batch-size'], 1),
      lr: numOpt('lr', v.lr, (n) => n > 0, 'a positive number'),
      seed: intOpt('seed', v.seed, 0) ?? 1,
      out: v.out,
      labels: labels ?? labelNames?.length,
      labelNames,
      scaling: (v.scaling as 'standard' | 'raw' | undefined) ?? 'standard',
      valFraction,
      testFraction,
      patience: intOpt('patience', v.patience, 0),
      maxRows: intOpt('max-rows', v['max-rows'], 1),
      backend: backendOpt(v.backend),
      categorical,
      embeddingDim: intOpt('embedding-dim', v['embedding-dim'], 1),
      warmStartFrom: v['warm-start-from'],
      warmStartMode: mode as WarmStartMode,
    };
  }
  if (command === 'predict') {
    const { values: v } = guard(() =>
      parseArgs({ args: rest, options: PREDICT_OPTIONS, strict: true }),
    );
    if (v.help) return { command: 'help' };
    if (!v['model-dir']) throw new UsageError('predict needs --model-dir DIR');
    if (!v.data) throw new UsageError('predict needs --data FILE');
    if (!v.out) throw new UsageError('predict needs --out FILE');
    return {
      command: 'predict',
      modelDir: v['model-dir'],
      data: v.data,
      out: v.out,
      batchSize: intOpt('batch-size', v['batch-size'], 1),
      backend: backendOpt(v.backend),
    };
  }
  if (command === 'paddlerec') {
    const { values: v } = guard(() =>
      parseArgs({ args: rest, options: PADDLEREC_OPTIONS, strict: true }),
    );
    if (v.help) return { command: 'help' };
    if (!v['model-dir']) throw new UsageError('paddlerec needs --model-dir DIR');
    return { command: 'paddlerec', modelDir: v['model-dir'], out: v.out };
  }
  if (command === 'evaluate') {
    const { values: v } = guard(() =>
      parseArgs({ args: rest, options: EVALUATE_OPTIONS, strict: true }),
    );
    if (v.help) return { command: 'help' };
    if (!v['model-dir']) throw new UsageError('evaluate needs --model-dir DIR');
    if (!v.data) throw new UsageError('evaluate needs --data FILE');
    return {
      command: 'evaluate',
      modelDir: v['model-dir'],
      data: v.data,
      out: v.out,
      maxRows: intOpt('max-rows', v['max-rows'], 1),
      batchSize: intOpt('batch-size', v['batch-size'], 1),
      backend: backendOpt(v.backend),
    };
  }
  throw new UsageError(`unknown command "${command}"`);
}
