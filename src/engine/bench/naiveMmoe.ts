/**
 * The MMoE as peers usually write it: every expert and every gate its own matMul, mixed in a
 * loop, default tfjs gradients and `tf.train.adam`. The speed baseline for our fused expert bank
 * (one matMul for all experts and gates), used by the Node bench and the worker's `bench`.
 */
import * as tf from '@tensorflow/tfjs';
import type { ModelConfig } from '../models/types';

export interface NaiveMmoe {
  /** x [B, F] → logits [B, T]. */
  forward: (x: tf.Tensor2D) => tf.Tensor2D;
  vars: tf.Variable[];
}

/** Builds the naive MMoE for `cfg` (first expert and tower layer sizes; seeded He init). */
export function naiveMmoe(cfg: ModelConfig): NaiveMmoe {
  const { numFeatures: F, numTasks: T, numExperts: E } = cfg;
  const H = cfg.expertHidden[0];
  const h = cfg.towerHidden[0];
  let seed = 11;
  const w = (shape: number[]) =>
    tf.variable(tf.randomNormal(shape, 0, Math.sqrt(2 / shape[0]), 'float32', seed++));
  const experts = Array.from({ length: E }, () => ({
    k: w([F, H]),
    b: tf.variable(tf.zeros([H])),
  }));
  const gates = Array.from({ length: T }, () => ({ k: w([F, E]), b: tf.variable(tf.zeros([E])) }));
  const towers = Array.from({ length: T }, () => ({
    k1: w([H, h]),
    b1: tf.variable(tf.zeros([h])),
    k2: w([h, 1]),
    b2: tf.variable(tf.zeros([1])),
  }));
  const vars = [
    ...experts.flatMap((e) => [e.k, e.b]),
    ...gates.flatMap((g) => [g.k, g.b]),
    ...towers.flatMap((t) => [t.k1, t.b1, t.k2, t.b2]),
  ];
  const forward = (x: tf.Tensor2D): tf.Tensor2D => {
    // Expert outputs [B, H] each.
    const outs = experts.map((e) => tf.relu(tf.add(tf.matMul(x, e.k), e.b)));
    const logits = gates.map((g, t) => {
      // Gate [B, E]; mixed [B, H] = Σ_e gate[:, e] · out_e.
      const gate = tf.softmax(tf.add(tf.matMul(x, g.k), g.b));
      let mixed = tf.mul(outs[0], tf.slice(gate, [0, 0], [-1, 1]));
      for (let e = 1; e < E; e++)
        mixed = tf.add(mixed, tf.mul(outs[e], tf.slice(gate, [0, e], [-1, 1])));
      const tw = towers[t];
      return tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(mixed, tw.k1), tw.b1)), tw.k2), tw.b2);
    });
    return tf.concat(logits, 1) as tf.Tensor2D;
  };
  return { forward, vars };
}
