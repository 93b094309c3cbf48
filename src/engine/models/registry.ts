/**
 * The model registry: UI menus, tests, parameter counts and comparisons iterate over it.
 * Adding a model = one file + one `registerModel` line at the bottom of this file.
 */
import { validateInputs, withInputBlock } from './input';
import { createMmoe } from './mmoe';
import { createPle } from './ple';
import { createShareBottom } from './shareBottom';
import { createSingleTask } from './singleTask';
import type { ModelConfig, ModelInfo, ModelName, MultiTaskModel } from './types';

const registry = new Map<ModelName, ModelInfo>();

/** Adds (or replaces) a model; listModels() keeps first-registration order. */
export function registerModel(info: ModelInfo): void {
  registry.set(info.name, info);
}

/** Every registered model, in registration order (single_task, share_bottom, mmoe, ple). */
export function listModels(): ModelInfo[] {
  return [...registry.values()];
}

/** @throws Error for an unknown name. */
export function getModelInfo(name: ModelName): ModelInfo {
  const info = registry.get(name);
  if (!info) throw new Error(`Unknown model "${String(name)}"`);
  return info;
}

/** Playground defaults: small enough to train in seconds in a browser tab. */
export function defaultModelConfig(
  name: ModelName,
  numFeatures: number,
  numTasks: number,
): ModelConfig {
  const base: ModelConfig = {
    model: name,
    numFeatures,
    numTasks,
    bottomHidden: [64],
    expertHidden: [32],
    numExperts: 4,
    expertsPerTask: 1,
    gateHidden: [],
    towerHidden: [16],
    levels: 1,
    seed: 1,
  };
  // PLE: 2 shared + 1 per task = as many experts as MMoE's 4 when there are 2 tasks.
  return name === 'ple' ? { ...base, numExperts: 2 } : base;
}

const isPositiveInt = (n: number): boolean => Number.isInteger(n) && n >= 1;

function checkSizes(label: string, sizes: number[], minLength: number, out: string[]): void {
  if (!Array.isArray(sizes)) {
    out.push(`${label} must be a list of layer widths`);
    return;
  }
  if (sizes.length < minLength) out.push(`${label} needs at least ${minLength} layer(s)`);
  if (sizes.some((s) => !isPositiveInt(s))) out.push(`${label} widths must be positive integers`);
}

/** Plain-language problems with `c` (empty when valid). Only fields the model reads are checked. */
export function validateModelConfig(c: ModelConfig): string[] {
  const out: string[] = [];
  if (!registry.has(c.model)) out.push(`Unknown model "${String(c.model)}"`);
  if (!isPositiveInt(c.numFeatures)) out.push('numFeatures must be an integer ≥ 1');
  if (!isPositiveInt(c.numTasks)) out.push('numTasks must be an integer ≥ 1');
  if (!Number.isInteger(c.seed)) out.push('seed must be an integer');
  checkSizes('towerHidden', c.towerHidden, 0, out);
  switch (c.model) {
    case 'single_task':
      checkSizes('bottomHidden', c.bottomHidden, 0, out);
      break;
    case 'share_bottom':
      checkSizes('bottomHidden', c.bottomHidden, 1, out);
      break;
    case 'mmoe':
    case 'ple':
      checkSizes('expertHidden', c.expertHidden, 1, out);
      checkSizes('gateHidden', c.gateHidden, 0, out);
      if (Array.isArray(c.gateHidden) && c.gateHidden.length > 3) {
        out.push('gateHidden allows at most 3 hidden layers');
      }
      if (!isPositiveInt(c.numExperts)) {
        out.push(
          c.model === 'ple'
            ? 'numExperts (shared experts per level) must be an integer ≥ 1'
            : 'numExperts must be an integer ≥ 1',
        );
      }
      if (c.model === 'ple') {
        if (!isPositiveInt(c.expertsPerTask)) out.push('expertsPerTask must be an integer ≥ 1');
        if (!isPositiveInt(c.levels)) out.push('levels must be an integer ≥ 1');
      }
      break;
  }
  out.push(...validateInputs(c));
  return out;
}

/** Builds a fresh model. @throws Error listing every problem when the config is invalid. */
export function createModel(config: ModelConfig): MultiTaskModel {
  const problems = validateModelConfig(config);
  if (problems.length > 0) throw new Error(`Invalid model config: ${problems.join('; ')}`);
  const { create } = getModelInfo(config.model);
  // Categorical inputs: the shared input block runs first, every model builds on its output.
  return config.inputs && config.inputs.categorical.length > 0
    ? withInputBlock(config, create)
    : create(config);
}

registerModel({
  name: 'single_task',
  label: 'Single-task',
  description:
    'One separate network per task, nothing shared: the baseline that multi-task models should beat.',
  create: createSingleTask,
});
registerModel({
  name: 'share_bottom',
  label: 'Share-Bottom',
  description:
    'All tasks share one bottom network, then each task has its own small tower. Simple, but tasks that disagree can pull the shared layers apart.',
  create: createShareBottom,
});
registerModel({
  name: 'mmoe',
  label: 'MMoE',
  description:
    'Several shared expert networks; each task has its own gate that decides how much to listen to each expert (Multi-gate Mixture-of-Experts).',
  create: createMmoe,
});
registerModel({
  name: 'ple',
  label: 'PLE',
  description:
    'Each task has private experts plus experts shared by all; a task’s gate only mixes its own and the shared experts, which limits tug-of-war between tasks (Progressive Layered Extraction; 1 level = CGC).',
  create: createPle,
});
