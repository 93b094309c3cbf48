/**
 * Classroom experiments as plain data: a plan is a list of runs (model settings, training
 * settings, data, seed, the keys that group runs into one table row). Builders are pure, so the
 * page can show a plan (and its parameter counts) before anything trains; runner.ts executes it.
 */
import { PRESETS, type PresetModel } from '../models/presets';
import type { ModelName } from '../models/types';
import type { TrainConfig } from '../train/types';

/** Where a run's data comes from. Generated data is split 80/10/10 with the data seed. */
export type DataSpec =
  | { kind: 'uploaded' }
  | {
      /** The MMoE paper's synthetic two-task data (data/synthetic.ts generateCorrelated). */
      kind: 'correlated';
      rows: number;
      correlation: number;
      seed: number;
      numFeatures?: number;
    }
  | {
      /** The built-in short-video log (data/synthetic.ts generateShortVideo). */
      kind: 'short_video';
      rows: number;
      seed: number;
    };

export type ExperimentKind = 'tutorial' | 'correlation' | 'sweep';

/** Values that put runs into the same table row (everything but the seed). */
export type GroupKeys = Record<string, string | number>;

export interface RunSpec {
  /** Unique within the plan, e.g. 'tutorial/mmoe/seed1'. */
  id: string;
  /** For people, e.g. 'MMoE · seed 1'. */
  label: string;
  experiment: ExperimentKind;
  /** Model name and settings; the data-dependent sizes (features, tasks) come at run time. */
  model: PresetModel;
  train: TrainConfig;
  data: DataSpec;
  seed: number;
  /** Row of the summary table: always holds `model`, plus the cell of a grid. */
  group: GroupKeys;
  /**
   * Equal parameters: at run time, every run of the plan with the same `group` string is scaled
   * (experiments/params.ts matchParameters) to the same count — `target`, or their median.
   */
  equalParams?: { group: string; target?: number };
}

export interface ExperimentPlan {
  kind: ExperimentKind;
  title: string;
  runs: RunSpec[];
  /** Published numbers to show beside ours (tutorial only). */
  published?: PublishedTable;
}

export interface PublishedTable {
  /** Where the numbers come from, and how they were chosen. */
  source: string;
  /** model → task name → test AUC. */
  rows: Partial<Record<ModelName, Record<string, number>>>;
}

/**
 * The tutorial's published test AUCs on the short-video data (PaddleRec census-income configs,
 * batch 32, Adam 0.001, 100 epochs), as listed in ../shared/data/video/README.md. The best epoch
 * was picked on the TEST set, so these numbers are optimistic; ours pick it on validation.
 */
export const PUBLISHED_TUTORIAL: PublishedTable = {
  source:
    'Tutorial table (PaddleRec share_bottom / mmoe / ple census configs: batch 32, Adam 0.001, ' +
    '100 epochs), recorded in shared/data/video/README.md; epoch chosen on test (optimistic).',
  rows: {
    share_bottom: { like: 0.946, completion: 0.993 },
    mmoe: { like: 0.957, completion: 0.994 },
    ple: { like: 0.966, completion: 0.997 },
  },
};

export const MODEL_LABELS: Record<ModelName, string> = {
  single_task: 'Single-task',
  share_bottom: 'Share-Bottom',
  mmoe: 'MMoE',
  ple: 'PLE',
};

/** Seeds 1..n (seed 0 means "no seed" to tfjs, so it is never used). */
export function seedList(n: number): number[] {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`seeds must be an integer ≥ 1, got ${n}`);
  return Array.from({ length: n }, (_, i) => i + 1);
}

function trainConfig(
  seed: number,
  t: { epochs: number; batchSize: number; learningRate: number },
  extra: Partial<TrainConfig> = {},
): TrainConfig {
  return { ...extra, learningRate: t.learningRate, batchSize: t.batchSize, epochs: t.epochs, seed };
}

/** Options every builder shares; each has its own defaults. */
export interface CommonOptions {
  /** Number of seeds (1..n) — or an explicit list. */
  seeds?: number | number[];
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  /** Extra training settings for every run (e.g. taskWeighting, earlyStoppingPatience). */
  train?: Partial<TrainConfig>;
}

const seedsOf = (s: number | number[] | undefined): number[] =>
  Array.isArray(s) ? [...s] : seedList(s ?? 1);

export interface TutorialOptions extends CommonOptions {
  /** Scale hidden widths so all four models have the same parameter count (±5 %). */
  equalParams?: boolean;
  /** Target parameter count for equalParams (default: the median of the four presets). */
  paramTarget?: number;
  models?: ModelName[];
}

export const TUTORIAL_MODELS: ModelName[] = ['single_task', 'share_bottom', 'mmoe', 'ple'];

/**
 * "Reproduce the tutorial": single-task, Share-Bottom, MMoE and PLE with PaddleRec's presets
 * (models/presets.ts) on the uploaded data, × seeds. Defaults: the tutorial's batch 32 and
 * lr 0.001, 3 epochs (the tutorial ran 100; choose more when time allows).
 */
export function tutorialPlan(opts: TutorialOptions = {}): ExperimentPlan {
  const models = opts.models ?? TUTORIAL_MODELS;
  const t = {
    epochs: opts.epochs ?? 3,
    batchSize: opts.batchSize ?? 32,
    learningRate: opts.learningRate ?? 0.001,
  };
  const runs: RunSpec[] = [];
  for (const seed of seedsOf(opts.seeds)) {
    for (const name of models) {
      const preset = PRESETS[name];
      runs.push({
        id: `tutorial/${name}/seed${seed}`,
        label: `${MODEL_LABELS[name]} · seed ${seed}`,
        experiment: 'tutorial',
        model: { ...preset.model, seed },
        train: trainConfig(seed, t, opts.train),
        data: { kind: 'uploaded' },
        seed,
        group: { model: name },
        ...(opts.equalParams
          ? { equalParams: { group: 'tutorial', target: opts.paramTarget } }
          : {}),
      });
    }
  }
  return {
    kind: 'tutorial',
    title: 'Reproduce the tutorial',
    runs,
    published: PUBLISHED_TUTORIAL,
  };
}

export interface CorrelationOptions extends CommonOptions {
  correlations?: number[];
  models?: ModelName[];
  /** Generated rows per data set (split 80/10/10). Default 8000. */
  rows?: number;
  /** Input dimension of the generator (default 100, as in the paper). */
  numFeatures?: number;
  /** Parameter count every model is scaled to (default: the median of the base settings). */
  paramTarget?: number;
}

/**
 * Base settings of the correlation experiment: small, so that a grid trains in minutes in a tab.
 * MMoE and PLE both have 4 experts in total for two tasks (PLE: 2 shared + 1 per task).
 */
export const CORRELATION_BASE: Record<ModelName, PresetModel> = {
  single_task: { model: 'single_task', bottomHidden: [32], towerHidden: [8] },
  share_bottom: { model: 'share_bottom', bottomHidden: [64], towerHidden: [8] },
  mmoe: { model: 'mmoe', numExperts: 4, expertHidden: [16], gateHidden: [], towerHidden: [8] },
  ple: {
    model: 'ple',
    levels: 1,
    numExperts: 2,
    expertsPerTask: 1,
    expertHidden: [16],
    gateHidden: [],
    towerHidden: [8],
  },
};

/**
 * The MMoE paper's experiment (Ma et al. 2018, §4.2): data with task correlation ρ ∈
 * `correlations`, every model at EQUAL parameters (one matching group for the whole plan, so the
 * counts are the same in every cell), × seeds. The data seed is the run seed: for a given seed all
 * models of a cell see the same rows (paired comparisons).
 */
export function correlationPlan(opts: CorrelationOptions = {}): ExperimentPlan {
  const correlations = opts.correlations ?? [1, 0.9, 0.5, 0];
  const models = opts.models ?? ['share_bottom', 'mmoe', 'ple'];
  const rows = opts.rows ?? 8000;
  const t = {
    epochs: opts.epochs ?? 5,
    batchSize: opts.batchSize ?? 128,
    learningRate: opts.learningRate ?? 0.003,
  };
  const runs: RunSpec[] = [];
  for (const seed of seedsOf(opts.seeds)) {
    for (const correlation of correlations) {
      for (const name of models) {
        runs.push({
          id: `correlation/rho${correlation}/${name}/seed${seed}`,
          label: `${MODEL_LABELS[name]} · ρ ${correlation} · seed ${seed}`,
          experiment: 'correlation',
          model: { ...CORRELATION_BASE[name], seed },
          train: trainConfig(seed, t, opts.train),
          data: {
            kind: 'correlated',
            rows,
            correlation,
            seed,
            ...(opts.numFeatures !== undefined ? { numFeatures: opts.numFeatures } : {}),
          },
          seed,
          group: { model: name, correlation },
          equalParams: { group: 'correlation', target: opts.paramTarget },
        });
      }
    }
  }
  return { kind: 'correlation', title: 'Task correlation (MMoE paper)', runs };
}

export interface SweepOptions extends CommonOptions {
  /** 'mmoe' (experts = all experts) or 'ple' (experts = shared experts; 1 per task). */
  model?: 'mmoe' | 'ple';
  experts?: number[];
  /** Gate hidden layers: 0 = one linear layer (PaddleRec), up to 3. */
  gateLayers?: number[];
  /** Width of each gate hidden layer (default 16). */
  gateWidth?: number;
  expertHidden?: number[];
  towerHidden?: number[];
  data?: DataSpec;
  /** Hold the parameter count equal across the grid (scales expert/tower widths). */
  equalParams?: boolean;
}

/**
 * Tuning grid: number of experts × gate depth for MMoE or PLE, × seeds, on `data` (default: the
 * built-in short-video log, 10,000 rows). Structure as given: the count grows with the experts
 * unless equalParams.
 */
export function sweepPlan(opts: SweepOptions = {}): ExperimentPlan {
  const model = opts.model ?? 'mmoe';
  const experts = opts.experts ?? [1, 2, 4, 8, 16];
  const gateLayers = opts.gateLayers ?? [0, 1, 3];
  const gateWidth = opts.gateWidth ?? 16;
  if (gateLayers.some((g) => !Number.isInteger(g) || g < 0 || g > 3)) {
    throw new RangeError('gate layers must be integers 0..3');
  }
  const data: DataSpec = opts.data ?? { kind: 'short_video', rows: 10000, seed: 1 };
  const t = {
    epochs: opts.epochs ?? 5,
    batchSize: opts.batchSize ?? 256,
    learningRate: opts.learningRate ?? 0.003,
  };
  const runs: RunSpec[] = [];
  for (const seed of seedsOf(opts.seeds)) {
    for (const e of experts) {
      for (const g of gateLayers) {
        const gateHidden = Array.from({ length: g }, () => gateWidth);
        runs.push({
          id: `sweep/${model}/e${e}/g${g}/seed${seed}`,
          label: `${MODEL_LABELS[model]} · ${e} experts · ${g} gate layers · seed ${seed}`,
          experiment: 'sweep',
          model: {
            model,
            numExperts: e,
            expertsPerTask: 1,
            levels: 1,
            expertHidden: opts.expertHidden ?? [16],
            towerHidden: opts.towerHidden ?? [8],
            gateHidden,
            seed,
          },
          train: trainConfig(seed, t, opts.train),
          // Generated data follows the run seed; uploaded data is what it is.
          data: data.kind === 'uploaded' ? data : { ...data, seed },
          seed,
          group: { model, experts: e, gateLayers: g },
          ...(opts.equalParams ? { equalParams: { group: 'sweep' } } : {}),
        });
      }
    }
  }
  return { kind: 'sweep', title: `${MODEL_LABELS[model]}: experts × gate layers`, runs };
}
