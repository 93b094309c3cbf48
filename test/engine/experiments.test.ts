/**
 * Classroom experiments, the pure parts: the parameter formula against real models, parameter
 * matching, the plan builders, summaries (mean ± std) and the seesaw gains.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  countParameters,
  matchParameters,
  scaledWidthKeys,
} from '../../src/engine/experiments/params';
import {
  correlationPlan,
  PUBLISHED_TUTORIAL,
  sweepPlan,
  tutorialPlan,
} from '../../src/engine/experiments/plans';
import { gainsMarkdown, summaryCsv, summaryMarkdown } from '../../src/engine/experiments/report';
import {
  gainVsBaseline,
  planParameterCounts,
  resolveModelConfig,
  summarise,
  type RunResult,
} from '../../src/engine/experiments/runner';
import {
  createModel,
  defaultModelConfig,
  PRESETS,
  resolvePreset,
  type ModelConfig,
  type ModelName,
} from '../../src/engine/models';
import { useNodeBackend } from '../../src/engine/testing/nodeBackend';

const MODELS: ModelName[] = ['single_task', 'share_bottom', 'mmoe', 'ple'];

beforeAll(async () => {
  await useNodeBackend('cpu');
});
afterAll(() => {
  tf.disposeVariables();
});

/** Many shapes per model: depths, tasks, experts, gate layers, PLE levels, categorical inputs. */
function configs(): ModelConfig[] {
  const out: ModelConfig[] = [];
  for (const model of MODELS) {
    for (const T of [1, 2, 3]) {
      const base = defaultModelConfig(model, 7, T);
      out.push(base);
      out.push({
        ...base,
        bottomHidden: [9, 5],
        expertHidden: [6, 4],
        numExperts: 3,
        expertsPerTask: 2,
        gateHidden: [5, 3],
        towerHidden: [],
        levels: 2,
      });
      out.push({ ...base, bottomHidden: [], towerHidden: [3, 2], levels: 3, gateHidden: [4] });
      out.push({
        ...base,
        numFeatures: 5,
        inputs: {
          categorical: [
            { column: 1, vocabSize: 6, dim: 3 },
            { column: 4, vocabSize: 4, dim: 2 },
          ],
        },
      });
    }
  }
  return out.filter((c) => !(c.model === 'share_bottom' && c.bottomHidden.length === 0));
}

describe('countParameters', () => {
  it('equals createModel(config).parameterCount() for every model and shape', () => {
    const all = configs();
    expect(all.length).toBeGreaterThan(40);
    for (const c of all) {
      const model = createModel(c);
      try {
        expect(countParameters(c), JSON.stringify(c)).toBe(model.parameterCount());
      } finally {
        model.dispose();
      }
    }
  });

  it('matches the PaddleRec presets on 499 features and 2 tasks', () => {
    for (const name of Object.keys(PRESETS)) {
      const { model: c } = resolvePreset(name, 499, 2);
      const model = createModel(c);
      expect(countParameters(c)).toBe(model.parameterCount());
      model.dispose();
    }
    // share_bottom by hand: bottom 499→117, towers 2 × (117→8→1).
    const sb = resolvePreset('share_bottom', 499, 2).model;
    expect(countParameters(sb)).toBe(499 * 117 + 117 + 2 * (117 * 8 + 8 + 8 + 1));
  });
});

describe('matchParameters', () => {
  const presets = (F: number, T: number): ModelConfig[] =>
    MODELS.map((m) => resolvePreset(m, F, T).model);

  it('brings every pair of models within ±5 % (default target: the median)', () => {
    for (const [F, T] of [
      [499, 2],
      [28, 2],
      [100, 2],
      [40, 3],
    ]) {
      const given = presets(F, T);
      const r = matchParameters(given);
      expect(r.withinTolerance).toBe(true);
      const sorted = [...r.originalCounts].sort((a, b) => a - b);
      expect(r.target).toBe((sorted[1] + sorted[2]) / 2);
      for (let i = 0; i < r.counts.length; i++) {
        expect(r.counts[i]).toBe(countParameters(r.configs[i]));
        for (let j = 0; j < r.counts.length; j++) {
          const [a, b] = [r.counts[i], r.counts[j]];
          expect(Math.abs(a - b) / Math.max(a, b), `F=${F} T=${T} ${i}/${j}`).toBeLessThanOrEqual(
            0.05,
          );
        }
      }
      // Structure is kept: only widths change, never depth, experts or gates.
      r.configs.forEach((c, i) => {
        const g = given[i];
        expect(c.numExperts).toBe(g.numExperts);
        expect(c.gateHidden).toEqual(g.gateHidden);
        expect(c.levels).toBe(g.levels);
        for (const key of scaledWidthKeys(c)) expect(c[key].length).toBe(g[key].length);
      });
    }
  });

  it('reaches several explicit targets, from much smaller to much larger', () => {
    for (const target of [20_000, 60_000, 150_000, 500_000]) {
      const r = matchParameters(presets(499, 2), { target });
      expect(r.target).toBe(target);
      expect(r.withinTolerance, `target ${target}: ${r.counts.join(', ')}`).toBe(true);
      for (const n of r.counts) expect(Math.abs(n - target) / target).toBeLessThanOrEqual(0.025);
    }
  });

  it('leaves models already close enough unchanged and reports when a target is out of reach', () => {
    const given = presets(499, 2);
    const r = matchParameters(given);
    // MMoE and PLE presets are within 2.5 % of the median of the four: kept as published.
    const mmoe = MODELS.indexOf('mmoe');
    if (Math.abs(r.originalCounts[mmoe] - r.target) <= 0.025 * r.target) {
      expect(r.configs[mmoe]).toBe(given[mmoe]);
    }
    // Width-1 layers on 499 inputs already exceed 100 parameters.
    const tiny = matchParameters(given, { target: 100 });
    expect(tiny.withinTolerance).toBe(false);
  });
});

describe('plan builders', () => {
  it('tutorialPlan queues the four models × seeds with the PaddleRec preset settings', () => {
    const plan = tutorialPlan({ seeds: 3, epochs: 4 });
    expect(plan.runs).toHaveLength(12);
    expect(new Set(plan.runs.map((r) => r.id)).size).toBe(12);
    for (const seed of [1, 2, 3]) {
      const runs = plan.runs.filter((r) => r.seed === seed);
      expect(runs.map((r) => r.model.model)).toEqual(MODELS);
      for (const r of runs) {
        const preset = PRESETS[r.model.model];
        expect({ ...r.model, seed: undefined }).toEqual({ ...preset.model, seed: undefined });
        expect(r.model.seed).toBe(seed);
        expect(r.train).toMatchObject({ batchSize: 32, learningRate: 0.001, epochs: 4, seed });
        expect(r.data).toEqual({ kind: 'uploaded' });
        expect(r.group).toEqual({ model: r.model.model });
        expect(r.equalParams).toBeUndefined();
      }
    }
    expect(plan.published).toBe(PUBLISHED_TUTORIAL);
    expect(PUBLISHED_TUTORIAL.rows.ple).toEqual({ like: 0.966, completion: 0.997 });
  });

  it('tutorialPlan with equalParams resolves to counts within ±5 % on the video shape', () => {
    const plan = tutorialPlan({ seeds: 2, equalParams: true });
    expect(plan.runs.every((r) => r.equalParams?.group === 'tutorial')).toBe(true);
    const counts = planParameterCounts(plan, { numFeatures: 499, numTasks: 2 });
    const values = [...counts.values()];
    const max = Math.max(...values);
    expect((max - Math.min(...values)) / max).toBeLessThanOrEqual(0.05);
    // The seed does not change the matched structure.
    const a = resolveModelConfig(plan, plan.runs[0], { numFeatures: 499, numTasks: 2 });
    const b = resolveModelConfig(plan, plan.runs[4], { numFeatures: 499, numTasks: 2 });
    expect({ ...a, seed: 0 }).toEqual({ ...b, seed: 0 });
    expect([a.seed, b.seed]).toEqual([1, 2]);
  });

  it('correlationPlan is the ρ × model × seed grid at equal parameters', () => {
    const plan = correlationPlan({ seeds: 2, rows: 500 });
    expect(plan.runs).toHaveLength(4 * 3 * 2);
    const cells = new Set(plan.runs.map((r) => `${r.group.correlation}/${r.group.model}`));
    expect(cells.size).toBe(12);
    for (const r of plan.runs) {
      expect(r.data).toMatchObject({ kind: 'correlated', rows: 500, seed: r.seed });
      if (r.data.kind === 'correlated') expect(r.data.correlation).toBe(r.group.correlation);
    }
    expect([...new Set(plan.runs.map((r) => r.group.correlation))]).toEqual([1, 0.9, 0.5, 0]);
    const counts = [...planParameterCounts(plan, { numFeatures: 100, numTasks: 2 }).values()];
    const max = Math.max(...counts);
    expect((max - Math.min(...counts)) / max).toBeLessThanOrEqual(0.05);
  });

  it('sweepPlan is the experts × gate layers grid', () => {
    const plan = sweepPlan({ seeds: 1 });
    expect(plan.runs).toHaveLength(15);
    for (const r of plan.runs) {
      expect(r.model.numExperts).toBe(r.group.experts);
      expect(r.model.gateHidden).toHaveLength(r.group.gateLayers as number);
    }
    expect([...new Set(plan.runs.map((r) => r.group.experts))]).toEqual([1, 2, 4, 8, 16]);
    expect([...new Set(plan.runs.map((r) => r.group.gateLayers))]).toEqual([0, 1, 3]);
    const ple = sweepPlan({ model: 'ple', experts: [1, 2], gateLayers: [0], seeds: 2 });
    expect(ple.runs.map((r) => r.model.model)).toEqual(['ple', 'ple', 'ple', 'ple']);
    expect(() => sweepPlan({ gateLayers: [4] })).toThrow(RangeError);
  });
});

/** A fake finished run: test AUC per task given, val = test − 0.01. */
function fakeResult(model: ModelName, seed: number, auc: number[], cell = {}): RunResult {
  const tasks = auc.map((a) => ({ auc: a, logloss: 0.3 }));
  return {
    runId: `${model}/${seed}`,
    label: model,
    group: { model, ...cell },
    seed,
    model,
    modelConfig: defaultModelConfig(model, 3, 2),
    parameterCount: 100 + seed,
    taskNames: ['completion', 'like'],
    status: 'completed',
    bestEpoch: seed,
    epochs: [],
    val: { tasks: tasks.map((t) => ({ ...t, auc: t.auc - 0.01 })), rows: 10 },
    test: { tasks, rows: 10 },
    samplesPerSec: 1,
    elapsedMs: 1,
  };
}

describe('summarise, gains, tables', () => {
  const results = [
    fakeResult('single_task', 1, [0.9, 0.8]),
    fakeResult('single_task', 2, [0.92, 0.82]),
    fakeResult('mmoe', 1, [0.93, 0.79]),
    fakeResult('mmoe', 2, [0.95, 0.77]),
  ];

  it('groups by model with mean ± sample std over seeds', () => {
    const rows = summarise(results);
    expect(rows.map((r) => r.model)).toEqual(['single_task', 'mmoe']);
    const mmoe = rows[1];
    expect(mmoe.runs).toBe(2);
    expect(mmoe.seeds).toEqual([1, 2]);
    expect(mmoe.tasks[0].testAuc.mean).toBeCloseTo(0.94, 12);
    expect(mmoe.tasks[0].testAuc.std).toBeCloseTo(Math.SQRT2 * 0.01, 12);
    expect(mmoe.tasks[1].valAuc.mean).toBeCloseTo(0.77, 12);
    expect(mmoe.bestEpoch.values).toEqual([1, 2]);
    const single = summarise([results[0]]);
    expect(single[0].tasks[0].testAuc.std).toBeNull();
  });

  it('gainVsBaseline gives Δ test AUC per task in the same cell (the seesaw)', () => {
    const gains = gainVsBaseline(results);
    expect(gains).toHaveLength(1);
    expect(gains[0].model).toBe('mmoe');
    expect(gains[0].tasks[0].delta).toBeCloseTo(0.03, 12); // gains on completion …
    expect(gains[0].tasks[1].delta).toBeCloseTo(-0.03, 12); // … and loses on like
    const grid = [
      fakeResult('single_task', 1, [0.9, 0.8], { correlation: 0.5 }),
      fakeResult('ple', 1, [0.91, 0.85], { correlation: 0.5 }),
      fakeResult('ple', 1, [0.99, 0.99], { correlation: 1 }), // no baseline in this cell
    ];
    const g = gainVsBaseline(grid);
    expect(g).toHaveLength(1);
    expect(g[0].tasks[1].delta).toBeCloseTo(0.05, 12);
  });

  it('writes Markdown with the published numbers and a CSV with one line per row', () => {
    const md = summaryMarkdown(summarise(results), PUBLISHED_TUTORIAL);
    expect(md).toContain('| MMoE |');
    expect(md).toContain('0.9400 ± 0.0141');
    expect(md).toContain('0.957'); // MMoE's published like AUC
    expect(md).toContain('Published:');
    expect(gainsMarkdown(gainVsBaseline(results))).toContain('−0.0300');
    const csv = summaryCsv(summarise(results)).trim().split('\n');
    expect(csv).toHaveLength(3);
    expect(csv[0]).toContain('completion_test_auc_mean');
    expect(csv[2].startsWith('mmoe,2,')).toBe(true);
  });
});
