/**
 * PLE — Progressive Layered Extraction (Tang et al. 2020, RecSys); one level = CGC.
 *
 * Each level has S shared experts and P experts per task, ordered on the expert axis as
 * [shared 1..S, task₀ 1..P, task₁ 1..P, …] (E_level = S + T·P). Task k's gate is a softmax over
 * its S + P reachable experts only; its weights are then placed into the full expert axis with
 * exact zeros (tf.pad) for other tasks' experts, so those experts get exactly 0 weight and no
 * gradient from task k. Levels before the last also have a shared gate over ALL experts, whose
 * mixture is the next level's shared input; task k's next input is its own gate's mixture.
 * Towers read the last level's task mixtures.
 */
import * as tf from '@tensorflow/tfjs';
import {
  bankForward,
  expertBank,
  gateBank,
  fusableMixture,
  gateForward,
  mix,
  mixtureOfExperts,
  towerBank,
  towerForward,
  type Bank,
} from './blocks';
import { assembleModel, ParamStore } from './init';
import type { GateLayout, ModelConfig, MultiTaskModel } from './types';

interface Level {
  experts: Bank;
  taskGates: Bank;
  /** Absent on the last level. */
  sharedGate?: Bank;
}

export function createPle(config: ModelConfig): MultiTaskModel {
  const { numFeatures: F, numTasks: T, expertHidden, levels: L } = config;
  const S = config.numExperts;
  const P = config.expertsPerTask;
  const E = S + T * P;
  const H = expertHidden[expertHidden.length - 1];
  const store = new ParamStore(config.seed);

  const levels: Level[] = [];
  for (let l = 0; l < L; l++) {
    // Level 0 reads x for everything (one fused matMul); later levels read per-stream inputs.
    const first = l === 0;
    const inSize = first ? F : H;
    const name = `ple/level${l}`;
    levels.push({
      experts: expertBank(store, `${name}/experts`, E, inSize, expertHidden, first),
      taskGates: gateBank(store, `${name}/task_gates`, T, inSize, config.gateHidden, S + P, first),
      sharedGate:
        l < L - 1
          ? gateBank(store, `${name}/shared_gate`, 1, inSize, config.gateHidden, E, first)
          : undefined,
    });
  }
  const towers = towerBank(store, 'ple/towers', T, H, config.towerHidden, false);

  /**
   * Task gates [B, T, S+P] → [B, T, E]: shared weights stay in front, task k's own weights go to
   * columns S + k·P … S + (k+1)·P − 1, every other column is an exact 0 (padding, not masking).
   */
  const placeTaskGates = (local: tf.Tensor3D): tf.Tensor3D => {
    const shared = tf.slice(local, [0, 0, 0], [-1, -1, S]);
    const rows: tf.Tensor3D[] = [];
    for (let k = 0; k < T; k++) {
      const own = tf.slice(local, [0, k, S], [-1, 1, P]); // [B, 1, P]
      rows.push(
        tf.pad(own, [
          [0, 0],
          [0, 0],
          [k * P, (T - 1 - k) * P],
        ]),
      );
    }
    return tf.concat([shared, tf.concat(rows, 1)], 2);
  };

  /**
   * Expert inputs of a later level from streams [B, T+1, H] (T task streams, then the shared one):
   * [B, E, H] with the shared stream repeated S times, then task k's stream repeated P times.
   */
  const expertInputs = (streams: tf.Tensor3D): tf.Tensor3D => {
    const batch = streams.shape[0];
    const tasks = tf.slice(streams, [0, 0, 0], [-1, T, -1]); // [B, T, H]
    const shared = tf.slice(streams, [0, T, 0], [-1, 1, -1]); // [B, 1, H]
    const perTask = tf.reshape(tf.tile(tf.expandDims(tasks, 2), [1, 1, P, 1]), [batch, T * P, H]);
    return tf.concat([tf.tile(shared, [1, S, 1]), perTask], 1) as tf.Tensor3D;
  };

  /** Experts each task gate reaches, in its output order: the shared ones, then its own. */
  const reach = Array.from({ length: T }, (_, k) => [
    ...Array.from({ length: S }, (_, i) => i),
    ...Array.from({ length: P }, (_, i) => S + k * P + i),
  ]);

  /**
   * x [B, F] → last level's task mixtures [B, T, H] and the gates of every level. Without
   * `needGates` (forward) a fusable level runs as one op and reports no gates.
   */
  const trunk = (
    x: tf.Tensor2D,
    needGates: boolean,
  ): { tasks: tf.Tensor3D; gates: tf.Tensor3D[] } => {
    const gates: tf.Tensor3D[] = [];
    let streams: tf.Tensor3D | null = null; // [B, T+1, H] between levels
    let tasks: tf.Tensor3D | null = null;
    for (const level of levels) {
      const fuse = !needGates && !streams && !level.sharedGate;
      if (fuse && fusableMixture(level.experts, level.taskGates)) {
        // A single level (CGC) of one-layer experts and gates: one op (see mixtureOfExperts).
        tasks = mixtureOfExperts(x, level.experts, level.taskGates, reach);
        continue;
      }
      const taskIn = streams ? tf.slice(streams, [0, 0, 0], [-1, T, -1]) : x;
      const sharedIn = streams ? tf.slice(streams, [0, T, 0], [-1, 1, -1]) : x;
      const experts = bankForward(level.experts, streams ? expertInputs(streams) : x); // [B, E, H]
      const taskGates = placeTaskGates(gateForward(level.taskGates, taskIn)); // [B, T, E]
      tasks = mix(taskGates, experts); // [B, T, H]
      if (level.sharedGate) {
        const sharedGate = gateForward(level.sharedGate, sharedIn); // [B, 1, E]
        streams = tf.concat([tasks, mix(sharedGate, experts)], 1); // [B, T+1, H]
        gates.push(tf.concat([taskGates, sharedGate], 1));
      } else {
        gates.push(taskGates);
      }
    }
    if (!tasks) throw new Error('ple: needs at least one level');
    return { tasks, gates };
  };

  const first = levels[0];
  return assembleModel(config, store, {
    forward: (x) => towerForward(towers, trunk(x, false).tasks),
    // One level (CGC) is experts, gates with a reach and towers; deeper PLE keeps the tfjs step.
    ...(L === 1
      ? {
          structure: {
            kind: 'mixture' as const,
            experts: first.experts,
            gates: first.taskGates,
            reach,
            towers,
          },
        }
      : {}),
    gates: (x) => trunk(x, true).gates,
    gateLayout: (taskNames): GateLayout[] => {
      const experts = [
        ...Array.from({ length: S }, (_, i) => `shared ${i + 1}`),
        ...taskNames.flatMap((t) => Array.from({ length: P }, (_, i) => `${t} ${i + 1}`)),
      ];
      return levels.map((level, l) => ({
        level: l,
        gates: level.sharedGate ? [...taskNames, 'shared'] : [...taskNames],
        experts: [...experts],
      }));
    },
  });
}
