/**
 * Executes an ExperimentPlan run by run with the real Trainer (best epoch chosen on validation,
 * test metrics with that epoch's weights), and summarises the results: mean ± std over seeds per
 * table row and task. Pure TypeScript + tfjs: runs in the worker and in Node.
 */
import { randomSplit } from '../data/split';
import { fitScaling } from '../data/scaling';
import { generateCorrelated, generateShortVideo } from '../data/synthetic';
import type { FeatureScaling, RowSet } from '../data/types';
import { createModel, defaultModelConfig } from '../models/registry';
import type { ModelConfig, ModelInputs, ModelName } from '../models/types';
import { Trainer } from '../train/trainer';
import type { EpochEvent, ProgressEvent, SplitMetrics, TrainResult } from '../train/types';
import { countParameters, matchParameters } from './params';
import type { DataSpec, ExperimentPlan, GroupKeys, RunSpec } from './plans';

/** Splits of one data set, as the Trainer takes them. */
export interface LoadedData {
  train: RowSet;
  val?: RowSet;
  test?: RowSet;
  /** Fitted on train by the caller; default: standard scaling fitted on `train`. */
  scaling?: FeatureScaling;
  /** Categorical inputs for the model (uploaded data with id columns). */
  inputs?: ModelInputs;
}

/** Data sizes a model is built for. */
export interface DataDims {
  numFeatures: number;
  numTasks: number;
}

/** Fraction of generated rows that go to validation and to test (each). */
export const GENERATED_HOLDOUT = 0.1;

/**
 * The data of a built-in spec: generated with the spec's seed, split 80/10/10 with the same
 * seed. @throws Error for 'uploaded' (only the caller holds that data).
 */
export function generateData(spec: DataSpec): LoadedData {
  if (spec.kind === 'uploaded') throw new Error('uploaded data must come from the caller');
  const data =
    spec.kind === 'correlated'
      ? generateCorrelated({
          rows: spec.rows,
          correlation: spec.correlation,
          seed: spec.seed,
          numFeatures: spec.numFeatures,
        })
      : generateShortVideo({ rows: spec.rows, seed: spec.seed });
  const split = randomSplit(data, { val: GENERATED_HOLDOUT, test: GENERATED_HOLDOUT }, spec.seed);
  return { train: split.train, val: split.val, test: split.test };
}

/** `run`'s model settings on data of `dims`, before any parameter matching. */
function baseConfig(run: RunSpec, dims: DataDims, inputs?: ModelInputs): ModelConfig {
  return {
    ...defaultModelConfig(run.model.model, dims.numFeatures, dims.numTasks),
    ...run.model,
    numFeatures: dims.numFeatures,
    numTasks: dims.numTasks,
    seed: run.seed,
    ...(inputs ? { inputs } : {}),
  };
}

/** Model config as JSON without the seed: runs that differ only by seed share one. */
const structureKey = (c: ModelConfig): string => JSON.stringify({ ...c, seed: 0 });

/**
 * The full model config of `run` on data of `dims`. With `run.equalParams`, every run of the plan
 * in the same matching group is taken into account (distinct structures counted once, seeds
 * ignored) and this run's widths are scaled to the group's target (matchParameters).
 */
export function resolveModelConfig(
  plan: ExperimentPlan,
  run: RunSpec,
  dims: DataDims,
  inputs?: ModelInputs,
): ModelConfig {
  const own = baseConfig(run, dims, inputs);
  const eq = run.equalParams;
  if (!eq) return own;
  const distinct = new Map<string, ModelConfig>();
  for (const r of plan.runs) {
    if (r.equalParams?.group !== eq.group) continue;
    const c = baseConfig(r, dims, inputs);
    distinct.set(structureKey(c), c);
  }
  const keys = [...distinct.keys()];
  const matched = matchParameters([...distinct.values()], { target: eq.target });
  const mine = matched.configs[keys.indexOf(structureKey(own))];
  return { ...mine, seed: run.seed };
}

/** What one finished (or stopped) run produced. */
export interface RunResult {
  runId: string;
  label: string;
  group: GroupKeys;
  seed: number;
  model: ModelName;
  modelConfig: ModelConfig;
  parameterCount: number;
  taskNames: string[];
  status: TrainResult['status'];
  /** Epoch chosen on validation (mean validation AUC over tasks). */
  bestEpoch: number;
  epochs: EpochEvent[];
  /** Validation metrics of the best epoch. */
  val?: SplitMetrics;
  /** Test metrics with the best epoch's weights. */
  test?: SplitMetrics;
  samplesPerSec: number;
  elapsedMs: number;
  /** Per-task loss weights at the end (uncertainty weighting: exp(−s_t)); absent when fixed. */
  taskWeights?: number[];
}

export interface RunHooks {
  /** Splits for a data spec; called once per distinct spec in a row (consecutive runs share). */
  loadData(spec: DataSpec): LoadedData | Promise<LoadedData>;
  onRunStart?(
    run: RunSpec,
    info: { index: number; total: number; modelConfig: ModelConfig; parameterCount: number },
  ): void;
  onProgress?(run: RunSpec, e: ProgressEvent): void;
  onEpoch?(run: RunSpec, e: EpochEvent): void;
  onRunDone?(result: RunResult, info: { index: number; total: number }): void;
  /** Abort: the current run stops after its step (its result is kept), no further run starts. */
  signal?: AbortSignal;
}

export interface PlanResult {
  results: RunResult[];
  /** True when the signal stopped the plan before every run finished. */
  aborted: boolean;
}

/**
 * Runs the plan's runs in order, each with a fresh model and Trainer (disposed afterwards, so
 * tf.memory().numTensors is back where it started).
 */
export async function runPlan(plan: ExperimentPlan, hooks: RunHooks): Promise<PlanResult> {
  const results: RunResult[] = [];
  const total = plan.runs.length;
  let cachedKey: string | null = null;
  let cached: LoadedData | null = null;
  for (let index = 0; index < total; index++) {
    if (hooks.signal?.aborted) return { results, aborted: true };
    const run = plan.runs[index];
    const key = JSON.stringify(run.data);
    if (cachedKey !== key || !cached) {
      cached = await hooks.loadData(run.data);
      cachedKey = key;
    }
    const data = cached;
    const taskNames = data.train.data.taskNames;
    const dims = { numFeatures: data.train.data.features.length, numTasks: taskNames.length };
    const modelConfig = resolveModelConfig(plan, run, dims, data.inputs);
    const scaling = data.scaling ?? fitScaling(data.train, 'standard');
    const model = createModel(modelConfig);
    const parameterCount = model.parameterCount();
    hooks.onRunStart?.(run, { index, total, modelConfig, parameterCount });
    const trainer = new Trainer(
      { model, scaling, train: data.train, val: data.val, test: data.test },
      run.train,
      {
        onProgress: (e) => hooks.onProgress?.(run, e),
        onEpoch: (e) => hooks.onEpoch?.(run, e),
      },
    );
    const stop = (): void => trainer.stop();
    hooks.signal?.addEventListener('abort', stop);
    try {
      const r = await trainer.run();
      const best = r.epochs.find((e) => e.epoch === r.bestEpoch);
      const result: RunResult = {
        runId: run.id,
        label: run.label,
        group: run.group,
        seed: run.seed,
        model: modelConfig.model,
        modelConfig,
        parameterCount,
        taskNames: [...taskNames],
        status: r.status,
        bestEpoch: r.bestEpoch,
        epochs: r.epochs,
        val: best?.val,
        test: r.test,
        samplesPerSec: r.samplesPerSec,
        elapsedMs: r.elapsedMs,
        ...(r.taskWeights ? { taskWeights: r.taskWeights } : {}),
      };
      results.push(result);
      hooks.onRunDone?.(result, { index, total });
    } finally {
      hooks.signal?.removeEventListener('abort', stop);
      trainer.dispose();
      model.dispose();
    }
  }
  return { results, aborted: hooks.signal?.aborted ?? false };
}

/** Mean, sample standard deviation (null below 2 values) and the values themselves. */
export interface Stat {
  mean: number;
  std: number | null;
  n: number;
  values: number[];
}

export function stat(values: number[]): Stat {
  const finite = values.filter((v) => Number.isFinite(v));
  const n = finite.length;
  const mean = n > 0 ? finite.reduce((a, b) => a + b, 0) / n : NaN;
  const std = n > 1 ? Math.sqrt(finite.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1)) : null;
  return { mean, std, n, values: finite };
}

export interface SummaryRow {
  /** Stable key of the group (JSON of `group`). */
  key: string;
  group: GroupKeys;
  model: ModelName;
  /** Runs (seeds) in the row. */
  runs: number;
  seeds: number[];
  parameterCount: Stat;
  bestEpoch: Stat;
  taskNames: string[];
  /** Per task: test AUC and validation AUC (best epoch) over seeds. */
  tasks: { task: string; testAuc: Stat; valAuc: Stat; testLogloss: Stat }[];
}

export const groupKey = (g: GroupKeys): string =>
  JSON.stringify(Object.fromEntries(Object.entries(g).sort(([a], [b]) => a.localeCompare(b))));

/** Rows grouped by `group` (model and grid cell), in first-appearance order; mean ± std over seeds. */
export function summarise(results: readonly RunResult[]): SummaryRow[] {
  const byKey = new Map<string, RunResult[]>();
  for (const r of results) {
    const k = groupKey(r.group);
    const list = byKey.get(k);
    if (list) list.push(r);
    else byKey.set(k, [r]);
  }
  return [...byKey.entries()].map(([key, rs]) => {
    const taskNames = rs[0].taskNames;
    return {
      key,
      group: rs[0].group,
      model: rs[0].model,
      runs: rs.length,
      seeds: rs.map((r) => r.seed),
      parameterCount: stat(rs.map((r) => r.parameterCount)),
      bestEpoch: stat(rs.map((r) => r.bestEpoch)),
      taskNames,
      tasks: taskNames.map((task, t) => ({
        task,
        testAuc: stat(rs.map((r) => r.test?.tasks[t]?.auc ?? NaN)),
        valAuc: stat(rs.map((r) => r.val?.tasks[t]?.auc ?? NaN)),
        testLogloss: stat(rs.map((r) => r.test?.tasks[t]?.logloss ?? NaN)),
      })),
    };
  });
}

export interface Gain {
  key: string;
  group: GroupKeys;
  model: ModelName;
  /** Per task: mean test AUC of the model minus that of the baseline in the same cell. */
  tasks: { task: string; delta: number; model: number; baseline: number }[];
}

/**
 * The seesaw view: per task, Δ test AUC of every model against `baseline` (default single_task)
 * in the same cell (group minus the model). A model that gains on one task and loses on the
 * other shows up as one positive and one negative Δ. Cells without the baseline give no rows.
 */
export function gainVsBaseline(
  results: readonly RunResult[],
  baseline: ModelName = 'single_task',
): Gain[] {
  const rows = summarise(results);
  const cell = (g: GroupKeys): string => {
    const rest: GroupKeys = { ...g };
    delete rest.model;
    return groupKey(rest);
  };
  const base = new Map<string, SummaryRow>();
  for (const r of rows) if (r.model === baseline) base.set(cell(r.group), r);
  const out: Gain[] = [];
  for (const r of rows) {
    const b = base.get(cell(r.group));
    if (!b || r.model === baseline) continue;
    out.push({
      key: r.key,
      group: r.group,
      model: r.model,
      tasks: r.tasks.map((t) => {
        const bt = b.tasks.find((x) => x.task === t.task);
        const baselineAuc = bt?.testAuc.mean ?? NaN;
        return {
          task: t.task,
          model: t.testAuc.mean,
          baseline: baselineAuc,
          delta: t.testAuc.mean - baselineAuc,
        };
      }),
    });
  }
  return out;
}

/** Parameter counts of every run's resolved config (to show before training), by run id. */
export function planParameterCounts(
  plan: ExperimentPlan,
  dims: DataDims,
  inputs?: ModelInputs,
): Map<string, number> {
  return new Map(
    plan.runs.map((r) => [r.id, countParameters(resolveModelConfig(plan, r, dims, inputs))]),
  );
}
