import type * as tf from '@tensorflow/tfjs';
import type { Bank } from './blocks';

/** Names in the model registry. */
export type ModelName = 'single_task' | 'share_bottom' | 'mmoe' | 'ple';

/**
 * Architecture settings shared by every model; each model reads the fields it needs.
 * Hidden-size lists give the widths of ReLU layers in order.
 */
export interface ModelConfig {
  model: ModelName;
  /** F: number of input features. */
  numFeatures: number;
  /** T ≥ 1: number of tasks (one logit each). */
  numTasks: number;
  /** single_task: each task's own network; share_bottom: the shared bottom. */
  bottomHidden: number[];
  /** mmoe/ple: hidden widths of one expert; the last is the expert output width H. */
  expertHidden: number[];
  /** mmoe: number of experts E; ple: number of shared experts per level. */
  numExperts: number;
  /** ple: task-specific experts per task per level. */
  expertsPerTask: number;
  /** Gate hidden layers before the softmax layer: [] = one linear layer (PaddleRec), up to 3. */
  gateHidden: number[];
  /** Hidden widths of every task tower (then a final 1-unit logit layer). */
  towerHidden: number[];
  /** ple: number of extraction levels (1 = CGC). */
  levels: number;
  /** Seed for the initialisers (a seed of 0 is mapped to a non-zero one internally). */
  seed: number;
  /**
   * Categorical inputs (optional): these columns of x hold integer ids (0 = out of vocabulary)
   * that the shared input block (models/input.ts) replaces by learned embeddings.
   */
  inputs?: ModelInputs;
}

/** One categorical column of x: ids in 0..vocabSize−1 looked up in a [vocabSize, dim] table. */
export interface CategoricalInput {
  /** 0-based column of x (a feature index) holding the id. */
  column: number;
  /** Table rows V + 1: the out-of-vocabulary id 0 plus V known values. */
  vocabSize: number;
  /** Embedding width d. */
  dim: number;
}

export interface ModelInputs {
  categorical: CategoricalInput[];
}

/** Layout of the gates of one level, for the heatmap. */
export interface GateLayout {
  level: number;
  /** Row labels: one per gate, e.g. ['completion', 'like'] or ['completion', 'like', 'shared']. */
  gates: string[];
  /** Column labels: every expert of the level, e.g. ['shared 1', 'completion 1', …]. */
  experts: string[];
}

/**
 * The model's layout in blocks, for the compiled training step (train/compiled): T one-logit
 * networks on x ('bank': single-task); a bottom (null: none) and towers ('share_bottom'); experts,
 * softmax gates and towers on the gate-weighted mixtures ('mixture': MMoE, and PLE with one level,
 * where gate g's output k weighs expert reach[g][k]). Absent when the model is none of these.
 */
export type ModelStructure =
  | { kind: 'bank'; nets: Bank }
  | { kind: 'share_bottom'; bottom: Bank | null; towers: Bank }
  | { kind: 'mixture'; experts: Bank; gates: Bank; reach?: number[][]; towers: Bank };

/** A multi-task model: a set of tf.Variables and a pure forward function. */
export interface MultiTaskModel {
  readonly config: ModelConfig;
  /** Every trainable variable, with unique stable names (used for saving and warm starts). */
  readonly variables: tf.Variable[];
  /** Total number of trainable scalars. */
  parameterCount(): number;
  /**
   * Forward pass. x: [B, F] → logits [B, T] (no sigmoid). Pure: call inside tf.tidy / variableGrads.
   */
  forward(x: tf.Tensor2D): tf.Tensor2D;
  /**
   * Gate softmax outputs per level, each [B, G, E_level] with G gates and E_level experts
   * (see gateLayout). Experts a gate cannot reach (PLE: other tasks' experts) have weight exactly 0.
   * Empty for models without gates.
   */
  gates(x: tf.Tensor2D): tf.Tensor3D[];
  gateLayout(taskNames: string[]): GateLayout[];
  /** Block layout for the compiled training step; absent when it does not cover this model. */
  readonly structure?: ModelStructure;
  dispose(): void;
}

export type ModelFactory = (config: ModelConfig) => MultiTaskModel;

export interface ModelInfo {
  name: ModelName;
  /** Human name, e.g. 'Share-Bottom'. */
  label: string;
  /** One or two sentences for the UI. */
  description: string;
  create: ModelFactory;
}
