/**
 * The experiment store: one typed, serialisable state (data choice, model settings, training
 * settings, backend) and its reducer. Pure TypeScript (no React, no tfjs) so it can be tested in
 * Node and round-tripped through the URL later. React wiring: ./context.tsx.
 */
import type {
  DataChoice,
  ExperimentState,
  ModelName,
  ModelSettings,
  TrainSettings,
  BackendPreference,
} from './types';

/**
 * The registry's playground defaults (src/engine/models/registry.ts defaultModelConfig) without
 * the data sizes; copied because the page bundle must not import the registry (it pulls in
 * tfjs). A test checks that the two agree.
 */
export function defaultModelSettings(model: ModelName): ModelSettings {
  return {
    model,
    bottomHidden: [64],
    expertHidden: [32],
    numExperts: model === 'ple' ? 2 : 4,
    expertsPerTask: 1,
    gateHidden: [],
    towerHidden: [16],
    levels: 1,
    seed: 1,
  };
}

export const DEFAULT_DATA: DataChoice = {
  source: 'short_video',
  rows: 20000,
  dataSeed: 42,
  correlation: 0.5,
  split: { val: 0.1, test: 0.1 },
  splitSeed: 1,
  scaling: 'standard',
  labelCount: 2,
  labelNames: ['completion', 'like'],
  skipBadRows: false,
};

export const DEFAULT_TRAIN: TrainSettings = {
  learningRate: 0.001,
  batchSize: 128,
  epochs: 3,
  seed: 1,
};

export function defaultExperiment(): ExperimentState {
  return {
    version: 1,
    data: {
      ...DEFAULT_DATA,
      split: { ...DEFAULT_DATA.split },
      labelNames: [...DEFAULT_DATA.labelNames],
    },
    model: defaultModelSettings('mmoe'),
    train: { ...DEFAULT_TRAIN },
    backend: 'auto',
  };
}

export type ExperimentAction =
  | { type: 'setData'; patch: Partial<DataChoice> }
  /** Change the label count: the names list grows (task_N) or shrinks to match. */
  | { type: 'setLabelCount'; count: number }
  | { type: 'setLabelName'; index: number; name: string }
  /** Switch model; settings shared by every model (widths, experts…) are kept. */
  | { type: 'selectModel'; model: ModelName }
  | { type: 'setModel'; patch: Partial<Omit<ModelSettings, 'model'>> }
  | { type: 'setModelSettings'; settings: ModelSettings }
  | { type: 'setTrain'; patch: Partial<TrainSettings> }
  | { type: 'setBackend'; backend: BackendPreference }
  | { type: 'replace'; state: ExperimentState };

/** Label names for `count` label columns, keeping the ones already typed. */
export function resizeLabelNames(names: readonly string[], count: number): string[] {
  return Array.from({ length: count }, (_, i) =>
    i < names.length
      ? names[i]
      : count === 2 && i < 2
        ? ['completion', 'like'][i]
        : `task_${i + 1}`,
  );
}

export function experimentReducer(s: ExperimentState, a: ExperimentAction): ExperimentState {
  switch (a.type) {
    case 'setData':
      return { ...s, data: { ...s.data, ...a.patch } };
    case 'setLabelCount': {
      const count = Math.max(1, Math.floor(a.count));
      return {
        ...s,
        data: {
          ...s.data,
          labelCount: count,
          labelNames: resizeLabelNames(s.data.labelNames, count),
        },
      };
    }
    case 'setLabelName': {
      const labelNames = s.data.labelNames.map((n, i) => (i === a.index ? a.name : n));
      return { ...s, data: { ...s.data, labelNames } };
    }
    case 'selectModel':
      return { ...s, model: { ...s.model, model: a.model } };
    case 'setModel':
      return { ...s, model: { ...s.model, ...a.patch } };
    case 'setModelSettings':
      return { ...s, model: a.settings };
    case 'setTrain':
      return { ...s, train: { ...s.train, ...a.patch } };
    case 'setBackend':
      return { ...s, backend: a.backend };
    case 'replace':
      return a.state;
  }
}

/** A short human description of the data choice, for run records and exports. */
export function describeDataChoice(d: DataChoice, fileName: string | null): string {
  switch (d.source) {
    case 'short_video':
      return `short-video generator (${d.rows.toLocaleString('en-US')} rows, seed ${d.dataSeed})`;
    case 'correlated':
      return `MMoE correlation generator (ρ = ${d.correlation.toFixed(2)}, ${d.rows.toLocaleString('en-US')} rows)`;
    case 'csv':
      return fileName ?? 'CSV file';
  }
}
