import { describe, expect, it } from 'vitest';
import { defaultSetup } from '../../src/ui/experiments/setup';
import {
  decodeUrlState,
  defaultUrlState,
  encodeUrlState,
  type UrlState,
} from '../../src/ui/state/url';
import { defaultExperiment, defaultModelSettings } from '../../src/ui/state/experiment';

function customState(): UrlState {
  const experiment = defaultExperiment();
  experiment.data = {
    ...experiment.data,
    source: 'correlated',
    rows: 1234,
    dataSeed: 7,
    correlation: 0.25,
    labelCount: 3,
    labelNames: ['a', '点赞', 'c d'],
  };
  experiment.model = { ...defaultModelSettings('ple'), numExperts: 3, gateHidden: [8, 4] };
  experiment.train = { learningRate: 0.01, batchSize: 64, epochs: 9, seed: 5 };
  experiment.backend = 'wasm';
  const setup = {
    ...defaultSetup(),
    kind: 'sweep' as const,
    seeds: 3,
    equalParams: true,
    paramTarget: 5000,
    taskWeighting: 'uncertainty' as const,
    lossWeights: [1, 0.5],
    experts: [1, 2],
    gateLayers: [0, 3],
    sweepModel: 'ple' as const,
    sweepData: 'loaded' as const,
  };
  return { experiment, setup };
}

describe('URL state', () => {
  it('round-trips the whole setup through the hash', () => {
    const s = customState();
    const hash = encodeUrlState(s);
    expect(hash.startsWith('#exp=')).toBe(true);
    const d = decodeUrlState(hash);
    expect(d.notice).toBeNull();
    expect(d.fromUrl).toBe(true);
    expect(d.state).toEqual(s);
    // Without the leading '#' too (location.hash vs. a pasted fragment).
    expect(decodeUrlState(hash.slice(1)).state).toEqual(s);
  });

  it('an empty hash gives the defaults and no notice', () => {
    const d = decodeUrlState('');
    expect(d.state).toEqual(defaultUrlState());
    expect(d.notice).toBeNull();
    expect(d.fromUrl).toBe(false);
  });

  it.each(['#garbage', '#exp=%E0%A4%A', '#exp={not json', '#exp=42', '#other=1'])(
    'a garbled hash %s gives the defaults with a notice',
    (hash) => {
      const d = decodeUrlState(hash);
      expect(d.state).toEqual(defaultUrlState());
      expect(d.notice).toEqual({ kind: 'garbled' });
    },
  );

  it('another version gives the defaults with a version notice', () => {
    const hash = `#exp=${encodeURIComponent(JSON.stringify({ v: 99, setup: {} }))}`;
    const d = decodeUrlState(hash);
    expect(d.state).toEqual(defaultUrlState());
    expect(d.notice).toEqual({ kind: 'version', version: '99' });
  });

  it('keeps the valid fields and lists the invalid or unknown ones that took defaults', () => {
    const s = customState();
    const raw = JSON.parse(decodeURIComponent(encodeUrlState(s).slice('#exp='.length))) as {
      experiment: { model: Record<string, unknown>; backend: unknown };
      setup: Record<string, unknown>;
    };
    raw.experiment.model.model = 'transformer';
    raw.experiment.backend = 42;
    raw.setup.seeds = -3;
    raw.setup.experts = [1, 'two'];
    delete raw.setup.rows;
    const d = decodeUrlState(`#exp=${encodeURIComponent(JSON.stringify(raw))}`);
    const def = defaultUrlState();
    expect(d.notice?.kind).toBe('partial');
    const fields = d.notice?.kind === 'partial' ? [...d.notice.fields].sort() : [];
    expect(fields).toEqual(
      [
        'experiment.backend',
        'experiment.model.model',
        'setup.experts',
        'setup.rows',
        'setup.seeds',
      ].sort(),
    );
    expect(d.state.experiment.model.model).toBe(def.experiment.model.model);
    expect(d.state.experiment.model.numExperts).toBe(3);
    expect(d.state.experiment.backend).toBe('auto');
    expect(d.state.setup.seeds).toBe(def.setup.seeds);
    expect(d.state.setup.experts).toEqual(def.setup.experts);
    expect(d.state.setup.gateLayers).toEqual([0, 3]);
    expect(d.state.setup.taskWeighting).toBe('uncertainty');
  });

  it('never puts data rows or file contents in the hash', () => {
    const s = customState();
    s.experiment.data.source = 'csv';
    const hash = encodeUrlState(s);
    const json = JSON.parse(decodeURIComponent(hash.slice('#exp='.length))) as {
      experiment: { data: Record<string, unknown> };
    };
    expect(Object.keys(json.experiment.data).sort()).toEqual(
      Object.keys(defaultExperiment().data).sort(),
    );
    expect(decodeUrlState(hash).state.experiment.data.source).toBe('csv');
  });
});
