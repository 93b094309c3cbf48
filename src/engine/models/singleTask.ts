/**
 * Single-task baseline: T independent networks (bottomHidden then towerHidden, then one logit),
 * nothing shared. Computed as one fused bank of T MLPs on the same input.
 */
import * as tf from '@tensorflow/tfjs';
import { bank, bankForward } from './blocks';
import { assembleModel, ParamStore } from './init';
import type { ModelConfig, MultiTaskModel } from './types';

export function createSingleTask(config: ModelConfig): MultiTaskModel {
  const { numFeatures: F, numTasks: T } = config;
  const store = new ParamStore(config.seed);
  const nets = bank(
    store,
    'single_task/nets',
    T,
    F,
    [...config.bottomHidden, ...config.towerHidden, 1],
    {
      sharedInput: true,
      activateLast: false,
    },
  );
  return assembleModel(config, store, {
    // x [B, F] → [B, T, 1] → logits [B, T]
    forward: (x) => tf.reshape(bankForward(nets, x), [x.shape[0], T]) as tf.Tensor2D,
    gates: () => [],
    gateLayout: () => [],
    structure: { kind: 'bank', nets },
  });
}
