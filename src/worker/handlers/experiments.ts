/**
 * Classroom experiments in the worker (issue 4): builds the plan from the page's setup
 * (engine/experiments/plans.ts), runs it with runPlan (best epoch on validation, test AUC with
 * its weights), and streams run starts, throttled progress and finished runs to the page; the
 * final answer holds the summary (mean ± std over seeds), the gains against the single-task
 * baseline and the published numbers.
 */
import type { FeatureScaling, RowSet } from '../../engine/data/types';
import {
  correlationPlan,
  sweepPlan,
  tutorialPlan,
  type CommonOptions,
  type ExperimentPlan,
} from '../../engine/experiments/plans';
import {
  gainVsBaseline,
  generateData,
  runPlan,
  summarise,
  type LoadedData,
} from '../../engine/experiments/runner';
import type { ModelName } from '../../engine/models/types';
import type { ExperimentSetup } from '../../ui/experiments/setup';
import type { ExperimentOutcome, ExperimentRequest, RequestId, WorkerMessage } from '../protocol';

/** What the handler needs from the training worker. */
export interface ExperimentContext {
  /** The data loaded by the Data panel (the "uploaded" data of a plan); null before any. */
  loaded: () => { train: RowSet; val: RowSet; test: RowSet; scaling: FeatureScaling } | null;
  post: (msg: WorkerMessage) => void;
}

/** Progress messages per second at most (the page only shows a progress line). */
const PROGRESS_INTERVAL_MS = 250;

let running: AbortController | null = null;

/** The engine plan for a setup. */
export function planFor(setup: ExperimentSetup): ExperimentPlan {
  const common: CommonOptions = {
    seeds: setup.seeds,
    epochs: setup.epochs,
    batchSize: setup.batchSize,
    learningRate: setup.learningRate,
    train: {
      taskWeighting: setup.taskWeighting,
      ...(setup.taskWeighting === 'fixed' && setup.lossWeights.length > 0
        ? { lossWeights: setup.lossWeights }
        : {}),
    },
  };
  const target = setup.paramTarget > 0 ? setup.paramTarget : undefined;
  switch (setup.kind) {
    case 'tutorial':
      return tutorialPlan({ ...common, equalParams: setup.equalParams, paramTarget: target });
    case 'correlation': {
      const models: ModelName[] = ['share_bottom', 'mmoe', 'ple'];
      return correlationPlan({
        ...common,
        correlations: setup.correlations,
        rows: setup.rows,
        paramTarget: target,
        models: setup.withBaseline ? ['single_task', ...models] : models,
      });
    }
    case 'sweep':
      return sweepPlan({
        ...common,
        model: setup.sweepModel,
        experts: setup.experts,
        gateLayers: setup.gateLayers,
        equalParams: setup.equalParams,
        data:
          setup.sweepData === 'loaded'
            ? { kind: 'uploaded' }
            : { kind: 'short_video', rows: setup.rows, seed: 1 },
      });
  }
}

export async function handleExperiment(req: ExperimentRequest, ctx: ExperimentContext) {
  if (req.type === 'experimentStop') {
    running?.abort();
    return;
  }
  const id: RequestId = req.id;
  const plan = planFor(req.setup);
  const controller = new AbortController();
  running = controller;
  ctx.post({
    type: 'experimentPlan',
    id,
    title: plan.title,
    runs: plan.runs.map((r) => ({ id: r.id, label: r.label })),
  });
  let lastProgress = 0;
  try {
    const r = await runPlan(plan, {
      signal: controller.signal,
      loadData: (spec): LoadedData => {
        if (spec.kind !== 'uploaded') return generateData(spec);
        const d = ctx.loaded();
        if (d === null) throw new Error('Load data in the Data panel first.');
        return d;
      },
      onRunStart: (run, info) =>
        ctx.post({
          type: 'experimentRunStart',
          id,
          index: info.index,
          total: info.total,
          label: run.label,
          parameterCount: info.parameterCount,
        }),
      onProgress: (_run, e) => {
        const now = Date.now();
        if (now - lastProgress < PROGRESS_INTERVAL_MS) return;
        lastProgress = now;
        ctx.post({
          type: 'experimentProgress',
          id,
          epoch: e.epoch,
          step: e.step,
          stepsPerEpoch: e.stepsPerEpoch,
        });
      },
      onRunDone: (result, info) =>
        ctx.post({ type: 'experimentRunDone', id, index: info.index, total: info.total, result }),
    });
    const outcome: ExperimentOutcome = {
      kind: plan.kind,
      title: plan.title,
      results: r.results,
      summary: summarise(r.results),
      gains: gainVsBaseline(r.results),
      published: plan.published,
      aborted: r.aborted,
    };
    ctx.post({ type: 'experimentDone', id, outcome });
  } finally {
    if (running === controller) running = null;
  }
}
