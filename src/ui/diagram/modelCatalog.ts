/**
 * Model names, labels and plain-language explanations for the page, without tfjs (the page bundle
 * never imports the engine's registry). test/ui/modelCatalog.test.ts checks that names, labels and
 * descriptions match src/engine/models/registry.ts, so the two cannot drift apart.
 */
import type { ModelName, ModelSettings } from '../state/types';

/** The settings a model reads; the model panel shows exactly these controls. */
export type SettingKey =
  | 'bottomHidden'
  | 'numExperts'
  | 'expertsPerTask'
  | 'expertHidden'
  | 'gateHidden'
  | 'levels'
  | 'towerHidden';

export interface ModelCatalogEntry {
  name: ModelName;
  label: string;
  /** Same text as the registry's description. */
  description: string;
  /** How to read its diagram, in one or two plain sentences. */
  howToRead: string;
  settings: SettingKey[];
}

export const MODEL_CATALOG: readonly ModelCatalogEntry[] = [
  {
    name: 'single_task',
    label: 'Single-task',
    description:
      'One separate network per task, nothing shared: the baseline that multi-task models should beat.',
    howToRead:
      'Each task has its own column: the input feeds a private network and tower that end in that task’s prediction. No arrows cross between tasks.',
    settings: ['bottomHidden', 'towerHidden'],
  },
  {
    name: 'share_bottom',
    label: 'Share-Bottom',
    description:
      'All tasks share one bottom network, then each task has its own small tower. Simple, but tasks that disagree can pull the shared layers apart.',
    howToRead:
      'One shared box learns features for every task; each task’s tower turns them into its own prediction.',
    settings: ['bottomHidden', 'towerHidden'],
  },
  {
    name: 'mmoe',
    label: 'MMoE',
    description:
      'Several shared expert networks; each task has its own gate that decides how much to listen to each expert (Multi-gate Mixture-of-Experts).',
    howToRead:
      'Every expert reads the input. Each task’s gate also reads the input and outputs weights over the experts (see the gate heatmap); the weighted mix goes to that task’s tower.',
    settings: ['numExperts', 'expertHidden', 'gateHidden', 'towerHidden'],
  },
  {
    name: 'ple',
    label: 'PLE',
    description:
      'Each task has private experts plus experts shared by all; a task’s gate only mixes its own and the shared experts, which limits tug-of-war between tasks (Progressive Layered Extraction; 1 level = CGC).',
    howToRead:
      'Grey experts are shared, coloured ones belong to one task. A task’s gate only has arrows from its own and the shared experts. With more levels, a shared gate mixes all experts for the next level’s shared experts.',
    settings: [
      'numExperts',
      'expertsPerTask',
      'expertHidden',
      'gateHidden',
      'levels',
      'towerHidden',
    ],
  },
];

export function catalogEntry(name: ModelName): ModelCatalogEntry {
  const e = MODEL_CATALOG.find((m) => m.name === name);
  if (e === undefined) throw new Error(`Unknown model "${String(name)}"`);
  return e;
}

/** Playground defaults per model (mirrors registry.defaultModelConfig; checked by a test). */
export function defaultSettings(name: ModelName, seed = 1): ModelSettings {
  return {
    model: name,
    bottomHidden: [64],
    expertHidden: [32],
    numExperts: name === 'ple' ? 2 : 4,
    expertsPerTask: 1,
    gateHidden: [],
    towerHidden: [16],
    levels: 1,
    seed,
  };
}
