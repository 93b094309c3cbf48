/** Share-Bottom (Caruana 1997): one shared bottom MLP feeding T task towers. */
import { mlp, mlpForward, towerBank, towerForward } from './blocks';
import { assembleModel, ParamStore } from './init';
import type { ModelConfig, MultiTaskModel } from './types';

export function createShareBottom(config: ModelConfig): MultiTaskModel {
  const { numFeatures: F, numTasks: T, bottomHidden } = config;
  const store = new ParamStore(config.seed);
  const bottom = mlp(store, 'share_bottom/bottom', F, bottomHidden, true);
  const width = bottomHidden.length > 0 ? bottomHidden[bottomHidden.length - 1] : F;
  // Every tower reads the same bottom output, so their first layers fuse into one matMul.
  const towers = towerBank(store, 'share_bottom/towers', T, width, config.towerHidden, true);
  return assembleModel(config, store, {
    // x [B, F] → bottom [B, H] → logits [B, T]
    forward: (x) => towerForward(towers, mlpForward(bottom, x)),
    gates: () => [],
    gateLayout: () => [],
    // The bottom MLP is a bank of one (same kernel and bias layouts).
    structure: {
      kind: 'share_bottom',
      bottom:
        bottom.layers.length > 0
          ? {
              count: 1,
              sizes: [...bottomHidden],
              sharedInput: true,
              activateLast: bottom.activateLast,
              layers: bottom.layers,
            }
          : null,
      towers,
    },
  });
}
