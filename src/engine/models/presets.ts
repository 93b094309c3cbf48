/**
 * Published settings: PaddleRec's census-income multi-task configs (499 features, 2 tasks),
 * plus a single-task baseline sized like Share-Bottom.
 */
import type { TrainConfig } from '../train/types';
import { defaultModelConfig } from './registry';
import type { ModelConfig, ModelName } from './types';

/** A preset's model settings: everything but the data-dependent sizes is optional. */
export type PresetModel = { model: ModelName } & Partial<
  Omit<ModelConfig, 'model' | 'numFeatures' | 'numTasks'>
>;

export interface Preset {
  model: PresetModel;
  train: Partial<TrainConfig>;
  description: string;
}

// PaddleRec trains all three with Adam, lr 0.001, batch 32 (100 epochs: the caller decides).
const PADDLE_TRAIN: Partial<TrainConfig> = { learningRate: 0.001, batchSize: 32 };

export const PRESETS: Record<string, Preset> = {
  single_task: {
    model: { model: 'single_task', bottomHidden: [117], towerHidden: [8] },
    train: { ...PADDLE_TRAIN },
    description:
      'Baseline: per task a network shaped like Share-Bottom’s bottom [117] + tower [8].',
  },
  share_bottom: {
    model: { model: 'share_bottom', bottomHidden: [117], towerHidden: [8] },
    train: { ...PADDLE_TRAIN },
    description: 'PaddleRec census Share-Bottom: bottom [117], towers [8].',
  },
  mmoe: {
    model: { model: 'mmoe', numExperts: 8, expertHidden: [16], gateHidden: [], towerHidden: [8] },
    train: { ...PADDLE_TRAIN },
    description: 'PaddleRec census MMoE: 8 experts × [16], linear gates, towers [8].',
  },
  ple: {
    model: {
      model: 'ple',
      levels: 1,
      numExperts: 2,
      expertsPerTask: 3,
      expertHidden: [16],
      gateHidden: [],
      towerHidden: [8],
    },
    train: { ...PADDLE_TRAIN },
    description:
      'PaddleRec census PLE: 1 level (CGC), 2 shared + 3 per-task experts × [16], towers [8].',
  },
};

/** Full model config and training overrides of preset `name` for the given data sizes. */
export function resolvePreset(
  name: string,
  numFeatures: number,
  numTasks: number,
): { model: ModelConfig; train: Partial<TrainConfig> } {
  const preset = Object.prototype.hasOwnProperty.call(PRESETS, name) ? PRESETS[name] : undefined;
  if (!preset)
    throw new Error(`Unknown preset "${name}" (known: ${Object.keys(PRESETS).join(', ')})`);
  return {
    model: { ...defaultModelConfig(preset.model.model, numFeatures, numTasks), ...preset.model },
    train: { ...preset.train },
  };
}

// Config validation lives with the registry (it needs the registered names); re-exported here.
export { validateModelConfig } from './registry';
