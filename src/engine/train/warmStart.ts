/**
 * Warm start: initialise a new model (typically one with an added task) from a trained one.
 *
 * Variables are matched by stable name (models/init.ts stableName, e.g. `mmoe/experts/l0/kernel`).
 * The mode selects which groups may be loaded:
 *   - 'cold': nothing (a fresh model; the report still says what could have been loaded);
 *   - 'embeddings': the categorical embedding tables (`input/embedding/…`);
 *   - 'embeddings+experts': plus the shared representation: expert banks (`…/experts/…`,
 *     PLE's task-specific experts included) and Share-Bottom's bottom;
 *   - 'all-matching': every variable whose name matches (gates, towers, single-task nets too).
 *
 * Shapes. A variable of equal shape is copied whole. Towers, gates and (in PLE) the experts are
 * fused across tasks: member k of a bank owns block k of its member axis (columns k·h…(k+1)·h−1
 * of a first-layer kernel [in, G·h], row k of a deeper kernel [G, in, out]); PLE orders experts
 * [shared…, task 0's…, task 1's…] and a shared gate's outputs follow that order. A task added
 * LAST therefore only appends blocks: the source tensor is exactly the leading block of the
 * target's. When both configs are known and differ only in numTasks (target larger) and seed,
 * such a variable is loaded partially: the source values fill the leading block of every axis,
 * the rest (the new task's members) keeps its fresh initialisation. Otherwise a different shape
 * is skipped as a shape mismatch (e.g. another vocabulary or expert width).
 *
 * Consequence with 'all-matching' for an added task: the old tasks' outputs are unchanged for
 * single_task, share_bottom, mmoe and ple with 1 level (CGC: an old task's gate never reaches the
 * new task's experts). With ple levels ≥ 2 the lower levels' shared gates also weigh the new
 * experts (fresh logits), so the old tasks' outputs move.
 */
import * as tf from '@tensorflow/tfjs';
import { stableName } from '../models/init';
import { EMBEDDING_PREFIX } from '../models/input';
import type { ModelConfig, MultiTaskModel } from '../models/types';

export type WarmStartMode = 'cold' | 'embeddings' | 'embeddings+experts' | 'all-matching';
export const WARM_START_MODES: readonly WarmStartMode[] = [
  'cold',
  'embeddings',
  'embeddings+experts',
  'all-matching',
];

/** Which part of a model a variable belongs to, for mode selection. */
export type ParamGroup = 'embeddings' | 'experts' | 'other';

/** Weights by stable name, with the config they were trained with when known. */
export interface WarmStartWeights {
  weights: tf.NamedTensorMap;
  /** Needed to load task-fused variables partially (see the module comment). */
  config?: ModelConfig;
}

export interface WarmStartEntry {
  /** Stable name. */
  name: string;
  group: ParamGroup;
  /** Target shape. */
  shape: number[];
  /** Source shape (absent for 'new'). */
  sourceShape?: number[];
}

export interface WarmStartReport {
  mode: WarmStartMode;
  /** Copied from the source; `partial`: only the leading block of sourceShape (old tasks). */
  loaded: (WarmStartEntry & { partial: boolean })[];
  /** No source variable of that name: freshly initialised. */
  new: WarmStartEntry[];
  /** A source variable exists but was not copied: freshly initialised. */
  skipped: (WarmStartEntry & { reason: 'shape mismatch' | 'not selected by mode' })[];
  /** Source variables the target does not have. */
  unused: string[];
}

export function paramGroup(name: string): ParamGroup {
  if (name.startsWith(EMBEDDING_PREFIX)) return 'embeddings';
  if (name.includes('/experts/') || name.startsWith('share_bottom/bottom/')) return 'experts';
  return 'other';
}

function selected(mode: WarmStartMode, group: ParamGroup): boolean {
  switch (mode) {
    case 'cold':
      return false;
    case 'embeddings':
      return group === 'embeddings';
    case 'embeddings+experts':
      return group !== 'other';
    case 'all-matching':
      return true;
  }
}

/** True when `to` is `from` with tasks added (seed aside): fused blocks then line up. */
export function onlyTasksAdded(from: ModelConfig, to: ModelConfig): boolean {
  if (to.numTasks <= from.numTasks) return false;
  const strip = (c: ModelConfig): string =>
    JSON.stringify({ ...c, numTasks: 0, seed: 0, inputs: c.inputs ?? null });
  return strip(from) === strip(to);
}

function isModel(x: MultiTaskModel | WarmStartWeights): x is MultiTaskModel {
  return Array.isArray((x as MultiTaskModel).variables);
}

/**
 * Loads what `mode` selects from `from` into `to` (in place) and reports every variable.
 * Call before training `to`; `from` is not modified.
 * @throws Error for an unknown mode.
 */
export function warmStart(
  from: MultiTaskModel | WarmStartWeights,
  to: MultiTaskModel,
  mode: WarmStartMode,
): WarmStartReport {
  if (!WARM_START_MODES.includes(mode)) {
    throw new Error(
      `Unknown warm-start mode "${String(mode)}" (known: ${WARM_START_MODES.join(', ')})`,
    );
  }
  const source = new Map<string, tf.Tensor>();
  let sourceConfig: ModelConfig | undefined;
  if (isModel(from)) {
    for (const v of from.variables) source.set(stableName(v), v);
    sourceConfig = from.config;
  } else {
    for (const [name, t] of Object.entries(from.weights)) source.set(stableName(name), t);
    sourceConfig = from.config;
  }
  const growable = sourceConfig !== undefined && onlyTasksAdded(sourceConfig, to.config);

  const report: WarmStartReport = { mode, loaded: [], new: [], skipped: [], unused: [] };
  const targetNames = new Set<string>();
  for (const v of to.variables) {
    const name = stableName(v);
    targetNames.add(name);
    const group = paramGroup(name);
    const shape = [...v.shape];
    const src = source.get(name);
    if (!src) {
      report.new.push({ name, group, shape });
      continue;
    }
    const entry = { name, group, shape, sourceShape: [...src.shape] };
    if (!selected(mode, group)) {
      report.skipped.push({ ...entry, reason: 'not selected by mode' });
    } else if (sameShape(src.shape, v.shape)) {
      v.assign(src);
      report.loaded.push({ ...entry, partial: false });
    } else if (growable && fitsInside(src.shape, v.shape)) {
      v.assign(tf.tidy(() => leadingBlock(src, v)));
      report.loaded.push({ ...entry, partial: true });
    } else {
      report.skipped.push({ ...entry, reason: 'shape mismatch' });
    }
  }
  for (const name of source.keys()) if (!targetNames.has(name)) report.unused.push(name);
  return report;
}

/** `target` with its leading block (the source's extent on every axis) replaced by `src`. */
function leadingBlock(src: tf.Tensor, target: tf.Tensor): tf.Tensor {
  const pads = src.shape.map((d, i): [number, number] => [0, target.shape[i] - d]);
  const mask = tf.cast(tf.pad(tf.onesLike(src), pads), 'bool');
  return tf.where(mask, tf.pad(src, pads), target);
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function fitsInside(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d <= b[i]);
}

/** One line per outcome, for logs: counts and the names of what was loaded partially/skipped. */
export function describeWarmStart(r: WarmStartReport): string[] {
  const lines = [
    `warm start (${r.mode}): ${r.loaded.length} loaded (${r.loaded.filter((e) => e.partial).length} partially), ` +
      `${r.new.length} new, ${r.skipped.length} skipped, ${r.unused.length} unused`,
  ];
  for (const e of r.loaded.filter((x) => x.partial)) {
    lines.push(`  partial ${e.name}: [${e.sourceShape?.join(',')}] into [${e.shape.join(',')}]`);
  }
  for (const e of r.skipped) {
    lines.push(
      `  skipped ${e.name}: ${e.reason}` +
        (e.reason === 'shape mismatch'
          ? ` ([${e.sourceShape?.join(',')}] vs [${e.shape.join(',')}])`
          : ''),
    );
  }
  for (const e of r.new) lines.push(`  new ${e.name} [${e.shape.join(',')}]`);
  return lines;
}
