/**
 * MMoE (Ma et al. 2018, KDD): E shared experts; each of the T tasks has its own softmax gate over
 * all experts and its own tower on the gate-weighted mixture.
 */
import type * as tf from '@tensorflow/tfjs';
import {
  expertBank,
  gateBank,
  gateForward,
  mixtureOfExperts,
  towerBank,
  towerForward,
} from './blocks';
import { assembleModel, ParamStore } from './init';
import type { ModelConfig, MultiTaskModel } from './types';

export function createMmoe(config: ModelConfig): MultiTaskModel {
  const { numFeatures: F, numTasks: T, numExperts: E, expertHidden } = config;
  const H = expertHidden[expertHidden.length - 1];
  const store = new ParamStore(config.seed);
  const experts = expertBank(store, 'mmoe/experts', E, F, expertHidden, true);
  const gates = gateBank(store, 'mmoe/gates', T, F, config.gateHidden, E, true);
  const towers = towerBank(store, 'mmoe/towers', T, H, config.towerHidden, false);

  /** x [B, F] → gate weights [B, T, E]. */
  const gateWeights = (x: tf.Tensor2D): tf.Tensor3D => gateForward(gates, x);

  return assembleModel(config, store, {
    // x [B, F] → mixed [B, T, H] (one op with its own gradient) → logits [B, T]
    forward: (x) => towerForward(towers, mixtureOfExperts(x, experts, gates)),
    gates: (x) => [gateWeights(x)],
    gateLayout: (taskNames) => [
      {
        level: 0,
        gates: [...taskNames],
        experts: Array.from({ length: E }, (_, i) => `expert ${i + 1}`),
      },
    ],
    structure: { kind: 'mixture', experts, gates, towers },
  });
}
