/** Public API of the models package. */
export * from './types';
export {
  registerModel,
  listModels,
  getModelInfo,
  createModel,
  defaultModelConfig,
  validateModelConfig,
} from './registry';
export { PRESETS, resolvePreset, type Preset, type PresetModel } from './presets';
export { stableName } from './init';
