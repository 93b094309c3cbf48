import { describe, expect, it } from 'vitest';
import { defaultModelConfig, listModels } from '../../src/engine/models/registry';
import {
  defaultExperiment,
  defaultModelSettings,
  experimentReducer,
} from '../../src/ui/state/experiment';
import { addEpoch, addProgress, appendBounded, emptySeries } from '../../src/ui/state/series';
import { MAX_LIVE_POINTS, type SeriesPoint } from '../../src/ui/state/types';
import { verdict } from '../../src/ui/format';

describe('experiment store', () => {
  it('model defaults match the registry (the page cannot import it)', () => {
    for (const { name } of listModels()) {
      expect({ ...defaultModelSettings(name), numFeatures: 10, numTasks: 2 }).toEqual(
        defaultModelConfig(name, 10, 2),
      );
    }
  });

  it('is plain JSON and updates immutably', () => {
    const s0 = defaultExperiment();
    expect(JSON.parse(JSON.stringify(s0))).toEqual(s0);
    const s1 = experimentReducer(s0, { type: 'setTrain', patch: { epochs: 7 } });
    expect(s1.train.epochs).toBe(7);
    expect(s0.train.epochs).toBe(3);
    const s2 = experimentReducer(s1, { type: 'selectModel', model: 'ple' });
    expect(s2.model.model).toBe('ple');
    expect(s2.train.epochs).toBe(7);
  });

  it('resizes label names with the label count, keeping typed names', () => {
    let s = experimentReducer(defaultExperiment(), { type: 'setLabelName', index: 1, name: 'lk' });
    s = experimentReducer(s, { type: 'setLabelCount', count: 3 });
    expect(s.data.labelNames).toEqual(['completion', 'lk', 'task_3']);
    s = experimentReducer(s, { type: 'setLabelCount', count: 1 });
    expect(s.data.labelNames).toEqual(['completion']);
  });
});

describe('live series', () => {
  it('stays bounded by decimation and keeps the newest point', () => {
    let l: SeriesPoint[] = [];
    for (let i = 0; i < 5 * MAX_LIVE_POINTS; i++) l = appendBounded(l, { x: i, value: i });
    expect(l.length).toBeLessThanOrEqual(MAX_LIVE_POINTS);
    expect(l.length).toBeGreaterThan(MAX_LIVE_POINTS / 2);
    expect(l[l.length - 1].x).toBe(5 * MAX_LIVE_POINTS - 1);
    for (let i = 1; i < l.length; i++) expect(l[i].x).toBeGreaterThan(l[i - 1].x);
  });

  it('maps progress to fractional epochs per task and skips NaN AUC', () => {
    let s = emptySeries(['a', 'b']);
    s = addProgress(s, {
      epoch: 2,
      step: 5,
      stepsPerEpoch: 10,
      samplesPerSec: 1,
      loss: [0.5, 0.7],
      trainAuc: [0.8, NaN],
    });
    expect(s.trainAuc).toEqual([[{ x: 1.5, value: 0.8 }], []]);
    expect(s.loss[1]).toEqual([{ x: 1.5, value: 0.7 }]);
    s = addEpoch(s, {
      epoch: 2,
      trainLoss: [0.5, 0.7],
      val: {
        rows: 10,
        tasks: [
          { auc: 0.9, logloss: 0.3 },
          { auc: 0.6, logloss: 0.5 },
        ],
      },
      samplesPerSec: 1,
      elapsedMs: 1,
      isBest: true,
    });
    expect(s.valAuc).toEqual([[{ x: 2, value: 0.9 }], [{ x: 2, value: 0.6 }]]);
  });
});

describe('prediction verdicts', () => {
  it('uses plain phrases for the video tasks and yes/no for others', () => {
    expect(verdict('completion', 0.93)).toBe('will finish the video (0.93)');
    expect(verdict('like', 0.07)).toBe('will not like it (0.07)');
    expect(verdict('is_click', 0.81)).toBe('is_click: yes (0.81)');
    expect(verdict('is_click', 0.2)).toBe('is_click: no (0.20)');
  });
});
