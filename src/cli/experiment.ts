/**
 * `experiment tutorial|correlation|sweep`: builds a plan (engine/experiments/plans.ts), runs it
 * with runPlan (best epoch on validation, test at that epoch) and writes results.json, table.md
 * and table.csv to --out.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { allRows } from '../engine/data/dataset';
import { fitScaling } from '../engine/data/scaling';
import { randomSplit } from '../engine/data/split';
import type { RowSet } from '../engine/data/types';
import {
  correlationPlan,
  sweepPlan,
  tutorialPlan,
  type DataSpec,
  type ExperimentPlan,
} from '../engine/experiments/plans';
import {
  describeSizes,
  gainsMarkdown,
  summaryCsv,
  summaryMarkdown,
} from '../engine/experiments/report';
import {
  gainVsBaseline,
  generateData,
  runPlan,
  summarise,
  type LoadedData,
} from '../engine/experiments/runner';
import type { ModelName } from '../engine/models/types';
import { useNodeBackend } from '../engine/testing/nodeBackend';
import type { TrainConfig } from '../engine/train/types';
import { UsageError } from './args';
import { checkSameLayout, loadCsv } from './data';
import { resolveDataFiles, writeJson, writeText } from './files';
import type { CliIO } from './progress';
import { Reporter, fmt, fmtInt } from './progress';

export const EXPERIMENT_USAGE = `experiment options (npm run cli -- experiment tutorial|correlation|sweep …):
  --data DIR|FILE        data for tutorial (required) and sweep (default: built-in short-video log)
  --seeds N              number of seeds (default 1)
  --first-seed S         seeds S..S+N−1 (default 1), e.g. to split seeds over processes
  --epochs N, --batch-size B, --lr X   training settings (defaults per experiment)
  --equal-params         scale hidden widths so the models' parameter counts match (±5 %)
  --param-target N       parameter count to match (default: the median of the models)
  --models a,b           models to compare (tutorial, correlation)
  --max-rows N           read only the first N rows of each file
  --scaling MODE         standard (default) | raw
  --task-weighting M     fixed (default) | uncertainty (Kendall et al. 2018)
  --correlations a,b     correlation: task correlations (default 1,0.9,0.5,0)
  --rows N               correlation/sweep: generated rows (split 80/10/10)
  --sweep-model NAME     sweep: mmoe (default) | ple
  --experts a,b          sweep: numbers of experts (default 1,2,4,8,16)
  --gate-layers a,b      sweep: gate hidden layers (default 0,1,3)
  --backend NAME         wasm (default) | cpu
  --out DIR              output directory (default runs/experiment-<kind>)
`;

const OPTIONS = {
  data: { type: 'string' },
  seeds: { type: 'string' },
  'first-seed': { type: 'string' },
  epochs: { type: 'string' },
  'batch-size': { type: 'string' },
  lr: { type: 'string' },
  'equal-params': { type: 'boolean' },
  'param-target': { type: 'string' },
  models: { type: 'string' },
  'max-rows': { type: 'string' },
  scaling: { type: 'string' },
  'task-weighting': { type: 'string' },
  correlations: { type: 'string' },
  rows: { type: 'string' },
  'sweep-model': { type: 'string' },
  experts: { type: 'string' },
  'gate-layers': { type: 'string' },
  backend: { type: 'string' },
  out: { type: 'string' },
} as const;

const KINDS = ['tutorial', 'correlation', 'sweep'] as const;
type Kind = (typeof KINDS)[number];
const MODELS: readonly ModelName[] = ['single_task', 'share_bottom', 'mmoe', 'ple'];

export interface ExperimentArgs {
  kind: Kind;
  data?: string;
  seeds: number;
  firstSeed: number;
  epochs?: number;
  batchSize?: number;
  lr?: number;
  equalParams: boolean;
  paramTarget?: number;
  models?: ModelName[];
  maxRows?: number;
  scaling: 'standard' | 'raw';
  taskWeighting: 'fixed' | 'uncertainty';
  correlations?: number[];
  rows?: number;
  sweepModel: 'mmoe' | 'ple';
  experts?: number[];
  gateLayers?: number[];
  backend: 'wasm' | 'cpu';
  out: string;
}

function int(name: string, v: string | undefined, min: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isInteger(n) || n < min)
    throw new UsageError(`--${name} must be an integer ≥ ${min}, got "${v}"`);
  return n;
}

function num(name: string, v: string | undefined, ok: (n: number) => boolean): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || !ok(n))
    throw new UsageError(`--${name} has an invalid value "${v}"`);
  return n;
}

function list(
  name: string,
  v: string | undefined,
  ok: (n: number) => boolean,
): number[] | undefined {
  return v?.split(',').map((s) => {
    const n = num(name, s.trim(), ok);
    return n as number;
  });
}

function oneOf<T extends string>(
  name: string,
  v: string | undefined,
  allowed: readonly T[],
  dflt: T,
): T {
  if (v === undefined) return dflt;
  if (!allowed.includes(v as T))
    throw new UsageError(`--${name} must be one of ${allowed.join(', ')}, got "${v}"`);
  return v as T;
}

/** @throws UsageError */
export function parseExperimentArgs(argv: string[]): ExperimentArgs {
  const [kind, ...rest] = argv;
  if (!KINDS.includes(kind as Kind))
    throw new UsageError(`experiment needs one of ${KINDS.join(', ')}, got "${kind ?? ''}"`);
  let v;
  try {
    ({ values: v } = parseArgs({ args: rest, options: OPTIONS, strict: true }));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (kind === 'tutorial' && !v.data)
    throw new UsageError('experiment tutorial needs --data DIR|FILE');
  const models = v.models?.split(',').map((s) => s.trim());
  if (models && models.some((m) => !MODELS.includes(m as ModelName)))
    throw new UsageError(`--models must list names of ${MODELS.join(', ')}, got "${v.models}"`);
  return {
    kind: kind as Kind,
    data: v.data,
    seeds: int('seeds', v.seeds, 1) ?? 1,
    firstSeed: int('first-seed', v['first-seed'], 1) ?? 1,
    epochs: int('epochs', v.epochs, 1),
    batchSize: int('batch-size', v['batch-size'], 1),
    lr: num('lr', v.lr, (n) => n > 0),
    equalParams: v['equal-params'] === true,
    paramTarget: int('param-target', v['param-target'], 1),
    models: models as ModelName[] | undefined,
    maxRows: int('max-rows', v['max-rows'], 1),
    scaling: oneOf('scaling', v.scaling, ['standard', 'raw'], 'standard'),
    taskWeighting: oneOf('task-weighting', v['task-weighting'], ['fixed', 'uncertainty'], 'fixed'),
    correlations: list('correlations', v.correlations, (n) => n >= 0 && n <= 1),
    rows: int('rows', v.rows, 10),
    sweepModel: oneOf('sweep-model', v['sweep-model'], ['mmoe', 'ple'], 'mmoe'),
    experts: list('experts', v.experts, (n) => Number.isInteger(n) && n >= 1),
    gateLayers: list(
      'gate-layers',
      v['gate-layers'],
      (n) => Number.isInteger(n) && n >= 0 && n <= 3,
    ),
    backend: oneOf('backend', v.backend, ['wasm', 'cpu'], 'wasm'),
    out: v.out ?? path.join('runs', `experiment-${kind}`),
  };
}

/** The plan an argument set asks for. */
export function buildPlan(a: ExperimentArgs): ExperimentPlan {
  const common = {
    seeds: Array.from({ length: a.seeds }, (_, i) => a.firstSeed + i),
    ...(a.epochs !== undefined ? { epochs: a.epochs } : {}),
    ...(a.batchSize !== undefined ? { batchSize: a.batchSize } : {}),
    ...(a.lr !== undefined ? { learningRate: a.lr } : {}),
    train: (a.taskWeighting === 'uncertainty'
      ? { taskWeighting: 'uncertainty' }
      : {}) as Partial<TrainConfig>,
  };
  switch (a.kind) {
    case 'tutorial':
      return tutorialPlan({
        ...common,
        equalParams: a.equalParams,
        paramTarget: a.paramTarget,
        ...(a.models ? { models: a.models } : {}),
      });
    case 'correlation':
      return correlationPlan({
        ...common,
        paramTarget: a.paramTarget,
        ...(a.models ? { models: a.models } : {}),
        ...(a.correlations ? { correlations: a.correlations } : {}),
        ...(a.rows !== undefined ? { rows: a.rows } : {}),
      });
    case 'sweep': {
      const data: DataSpec | undefined = a.data
        ? { kind: 'uploaded' }
        : a.rows !== undefined
          ? { kind: 'short_video', rows: a.rows, seed: 1 }
          : undefined;
      return sweepPlan({
        ...common,
        model: a.sweepModel,
        equalParams: a.equalParams,
        ...(a.experts ? { experts: a.experts } : {}),
        ...(a.gateLayers ? { gateLayers: a.gateLayers } : {}),
        ...(data ? { data } : {}),
      });
    }
  }
}

/** Train/val/test of --data: files as given, a seeded 80/10/10 split for what is missing. */
async function loadFiles(a: ExperimentArgs, reporter: Reporter): Promise<LoadedData> {
  const files = resolveDataFiles(a.data as string);
  const opts = { maxRows: a.maxRows };
  const trainParsed = await loadCsv(files.train, opts, reporter);
  const other = async (file: string | undefined): Promise<RowSet | undefined> => {
    if (!file) return undefined;
    const parsed = await loadCsv(file, opts, reporter);
    checkSameLayout(trainParsed, files.train, parsed, file);
    return allRows(parsed.dataset);
  };
  let train = allRows(trainParsed.dataset);
  let val = await other(files.val);
  let test = await other(files.test);
  if (!val || !test) {
    const split = randomSplit(trainParsed.dataset, { val: val ? 0 : 0.1, test: test ? 0 : 0.1 }, 1);
    train = split.train;
    val ??= split.val;
    test ??= split.test;
    reporter.line(`seeded split (seed 1) of ${path.basename(files.train)}`);
  }
  return { train, val, test, scaling: fitScaling(train, a.scaling) };
}

export async function runExperiment(argv: string[], io: CliIO): Promise<number> {
  if (argv.length === 0 || argv.includes('--help') || argv.includes('-h')) {
    io.stdout.write(EXPERIMENT_USAGE);
    return 0;
  }
  const a = parseExperimentArgs(argv);
  const reporter = new Reporter(io.stdout);
  const plan = buildPlan(a);
  await useNodeBackend(a.backend);
  reporter.line(
    `${plan.title}: ${plan.runs.length} runs, backend ${tf.getBackend()}, out ${a.out}`,
  );
  let uploaded: LoadedData | null = null;
  const started = Date.now();
  // SIGINT/SIGTERM (Ctrl-C, `timeout`): the current run stops after its step and is evaluated at
  // its best epoch so far, no further run starts, and the tables are still written.
  const controller = new AbortController();
  const abort = (): void => {
    reporter.line('stopping: finishing the current run at its best epoch so far');
    controller.abort();
  };
  process.once('SIGINT', abort);
  process.once('SIGTERM', abort);
  const { results, aborted } = await runPlan(plan, {
    signal: controller.signal,
    loadData: async (spec) => {
      if (spec.kind !== 'uploaded') {
        const d = generateData(spec);
        return a.scaling === 'raw' ? { ...d, scaling: fitScaling(d.train, 'raw') } : d;
      }
      uploaded ??= await loadFiles(a, reporter);
      return uploaded;
    },
    onRunStart: (run, info) => {
      reporter.line(
        `[${info.index + 1}/${info.total}] ${run.label}: ${fmtInt(info.parameterCount)} parameters ` +
          `(${describeSizes(info.modelConfig)}), ` +
          `batch ${run.train.batchSize}, lr ${run.train.learningRate}, ${run.train.epochs} epochs`,
      );
    },
    onProgress: (_run, p) =>
      reporter.status(
        `  epoch ${p.epoch} step ${p.step}/${p.stepsPerEpoch} loss ${p.loss.map((l) => fmt(l)).join(' ')} ${fmtInt(p.samplesPerSec)} samples/s`,
      ),
    onEpoch: (_run, e) =>
      reporter.line(
        `  epoch ${e.epoch}: val AUC ${e.val ? e.val.tasks.map((t) => fmt(t.auc)).join(' / ') : 'n/a'}` +
          `  ${fmtInt(e.samplesPerSec)} samples/s${e.isBest ? '  *best' : ''}`,
      ),
    onRunDone: (r) =>
      reporter.line(
        `  → best epoch ${r.bestEpoch} (val); test AUC ${r.taskNames
          .map((t, i) => `${t} ${fmt(r.test?.tasks[i].auc)}`)
          .join(', ')}` +
          (r.taskWeights
            ? `; task weights ${r.taskWeights.map((w) => fmt(w, 3)).join(' / ')}`
            : ''),
      ),
  });

  process.off('SIGINT', abort);
  process.off('SIGTERM', abort);
  const rows = summarise(results);
  const gains = gainVsBaseline(results);
  const table =
    `# ${plan.title}\n\n` +
    `Command: \`npm run cli -- experiment ${argv.join(' ')}\`\n\n` +
    `Best epoch chosen on validation (mean AUC over tasks); test AUC at that epoch, ` +
    `mean ± sample std over seeds.\n\n` +
    summaryMarkdown(rows, plan.published) +
    (gains.length > 0 ? `\n## Δ test AUC vs single-task\n\n${gainsMarkdown(gains)}` : '');
  await writeText(path.join(a.out, 'table.md'), table);
  await writeText(path.join(a.out, 'table.csv'), summaryCsv(rows));
  await writeJson(path.join(a.out, 'results.json'), {
    command: ['experiment', ...argv],
    plan: { kind: plan.kind, title: plan.title, published: plan.published ?? null },
    data: a.data ? path.resolve(a.data) : null,
    maxRows: a.maxRows ?? null,
    scaling: a.scaling,
    backend: tf.getBackend(),
    elapsedMs: Date.now() - started,
    aborted,
    summary: rows,
    gains,
    results,
  });
  reporter.line('');
  io.stdout.write(summaryMarkdown(rows, plan.published));
  reporter.line(`wrote ${path.join(a.out, 'table.md')}, table.csv, results.json`);
  return 0;
}
