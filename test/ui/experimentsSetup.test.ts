import { describe, expect, it } from 'vitest';
import type { RunResult, SummaryRow } from '../../src/engine/experiments/runner';
import { summarise } from '../../src/engine/experiments/runner';
import { correlationPoints, fmtStat, sweepPoints } from '../../src/ui/experiments/results';
import { defaultSetup, parseNumberList, presetFor } from '../../src/ui/experiments/setup';
import { planFor } from '../../src/worker/handlers/experiments';

describe('page setup → engine plan', () => {
  it('the tutorial preset queues the four models per seed with the tutorial settings', () => {
    const setup = { ...defaultSetup(), seeds: 2 };
    const plan = planFor(setup);
    expect(plan.kind).toBe('tutorial');
    expect(plan.runs.map((r) => `${r.group.model}/${r.seed}`)).toEqual([
      'single_task/1',
      'share_bottom/1',
      'mmoe/1',
      'ple/1',
      'single_task/2',
      'share_bottom/2',
      'mmoe/2',
      'ple/2',
    ]);
    for (const r of plan.runs) {
      expect(r.data).toEqual({ kind: 'uploaded' });
      expect(r.train).toMatchObject({ batchSize: 32, learningRate: 0.001, epochs: 3 });
      expect(r.equalParams).toBeUndefined();
    }
    expect(plan.published?.rows.mmoe).toBeDefined();
  });

  it('equal parameters, weighting and loss weights reach every run', () => {
    const eq = planFor({ ...defaultSetup(), equalParams: true, paramTarget: 20000 });
    expect(eq.runs.every((r) => r.equalParams?.target === 20000)).toBe(true);
    const fixed = planFor({ ...defaultSetup(), lossWeights: [1, 0.25] });
    expect(fixed.runs.every((r) => r.train.lossWeights?.join() === '1,0.25')).toBe(true);
    const unc = planFor({ ...defaultSetup(), taskWeighting: 'uncertainty', lossWeights: [1, 2] });
    expect(unc.runs.every((r) => r.train.taskWeighting === 'uncertainty')).toBe(true);
    expect(unc.runs.every((r) => r.train.lossWeights === undefined)).toBe(true);
  });

  it('correlation: every ρ × model at equal parameters, the baseline on request', () => {
    const s = presetFor('correlation', defaultSetup());
    const plan = planFor({ ...s, correlations: [1, 0], withBaseline: true });
    expect(plan.runs).toHaveLength(2 * 4);
    expect(new Set(plan.runs.map((r) => r.group.model))).toEqual(
      new Set(['single_task', 'share_bottom', 'mmoe', 'ple']),
    );
    expect(plan.runs.every((r) => r.equalParams?.group === 'correlation')).toBe(true);
    expect(plan.runs.every((r) => r.train.epochs === 5 && r.train.batchSize === 128)).toBe(true);
  });

  it('sweep: the grid on generated or loaded data', () => {
    const s = { ...presetFor('sweep', defaultSetup()), experts: [1, 4], gateLayers: [0, 3] };
    const gen = planFor({ ...s, rows: 600 });
    expect(gen.runs.map((r) => `${r.group.experts}/${r.group.gateLayers}`)).toEqual([
      '1/0',
      '1/3',
      '4/0',
      '4/3',
    ]);
    expect(gen.runs[0].data).toMatchObject({ kind: 'short_video', rows: 600 });
    expect(planFor({ ...s, sweepData: 'loaded' }).runs[0].data).toEqual({ kind: 'uploaded' });
  });

  it('parses number lists (commas, Chinese commas, spaces) and rejects junk', () => {
    expect(parseNumberList('1, 2，4 8')).toEqual([1, 2, 4, 8]);
    expect(parseNumberList('1, x')).toBeNull();
    expect(parseNumberList('')).toEqual([]);
  });
});

describe('result shaping', () => {
  const result = (model: RunResult['model'], group: RunResult['group'], aucs: number[]) =>
    ({
      runId: JSON.stringify(group),
      label: model,
      group,
      seed: 1,
      model,
      parameterCount: 100,
      taskNames: ['a', 'b'],
      bestEpoch: 1,
      test: { tasks: aucs.map((auc) => ({ auc, logloss: 1 - auc })) },
    }) as unknown as RunResult;

  it('correlation points: ascending ρ, one key per model with the mean test AUC', () => {
    const rows: SummaryRow[] = summarise([
      result('mmoe', { model: 'mmoe', correlation: 1 }, [0.8, 0.6]),
      result('mmoe', { model: 'mmoe', correlation: 0 }, [0.7, 0.5]),
      result('ple', { model: 'ple', correlation: 0 }, [0.9, 0.7]),
    ]);
    const pts = correlationPoints(rows);
    expect(pts.map((p) => p.correlation)).toEqual([0, 1]);
    expect(pts[0].mmoe).toBeCloseTo(0.6);
    expect(pts[0].ple).toBeCloseTo(0.8);
    expect(pts[1].mmoe).toBeCloseTo(0.7);
    // Log loss: the mean of the tasks' test log losses (1 − AUC in these fakes).
    const loss = correlationPoints(rows, 'logloss');
    expect(loss.map((p) => p.correlation)).toEqual([0, 1]);
    expect(loss[0].mmoe).toBeCloseTo(0.4);
    expect(loss[0].ple).toBeCloseTo(0.2);
    expect(loss[1].mmoe).toBeCloseTo(0.3);
  });

  it('sweep points: experts on x, one key per gate depth', () => {
    const rows = summarise([
      result('mmoe', { model: 'mmoe', experts: 2, gateLayers: 0 }, [0.6, 0.6]),
      result('mmoe', { model: 'mmoe', experts: 1, gateLayers: 1 }, [0.7, 0.9]),
    ]);
    const { points, depths } = sweepPoints(rows);
    expect(depths).toEqual([0, 1]);
    expect(points.map((p) => p.experts)).toEqual([1, 2]);
    expect(points[0].g1).toBeCloseTo(0.8);
    expect(points[1].g0).toBeCloseTo(0.6);
  });

  it('formats mean ± std only with more than one seed', () => {
    expect(fmtStat({ mean: 0.5, std: null, n: 1, values: [0.5] })).toBe('0.5000');
    expect(fmtStat({ mean: 0.5, std: 0.01, n: 2, values: [0.49, 0.51] })).toBe('0.5000 ± 0.0100');
  });
});
