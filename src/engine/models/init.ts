/**
 * Seeded, deterministic creation of model variables, and the shared model shell.
 *
 * Every variable gets a stable name (e.g. `mmoe/experts/l0/kernel`) that is the same for every
 * model built from the same config; tfjs needs globally unique names, so the registered name is
 * `${stableName}__m${instanceId}` and `stableName(v)` recovers the stable part (for saving and
 * warm starts).
 */
import * as tf from '@tensorflow/tfjs';
import type { GateLayout, ModelConfig, ModelStructure, MultiTaskModel } from './types';

const INSTANCE_SEPARATOR = '__m';
let nextInstanceId = 0;

/** The stable (instance-independent) name of a model variable, or of its registered name. */
export function stableName(v: tf.Variable | string): string {
  const name = typeof v === 'string' ? v : v.name;
  const at = name.lastIndexOf(INSTANCE_SEPARATOR);
  return at >= 0 && /^\d+$/.test(name.slice(at + INSTANCE_SEPARATOR.length))
    ? name.slice(0, at)
    : name;
}

/**
 * A non-zero 32-bit seed for the `counter`-th variable of a model seeded with `base`.
 * A murmur3-style finaliser decorrelates neighbouring counters; tfjs treats seed 0 as
 * "no seed", so 0 is mapped to 1.
 */
export function deriveSeed(base: number, counter: number): number {
  let h = (Math.imul((base | 0) ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(counter + 1, 0xc2b2ae35)) | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  const seed = h >>> 0;
  return seed === 0 ? 1 : seed;
}

/** Collects the variables of one model instance and initialises them from the model's seed. */
export class ParamStore {
  readonly variables: tf.Variable[] = [];
  private readonly instanceId = ++nextInstanceId;
  private readonly names = new Set<string>();
  private counter = 0;

  constructor(private readonly seed: number) {}

  /**
   * Glorot-uniform weights: U(±sqrt(6 / (fanIn + fanOut))). For fused banks the fans are those of
   * ONE member (not of the whole fused matrix), so a fused expert is initialised like a lone one.
   */
  glorot(name: string, shape: number[], fanIn: number, fanOut: number): tf.Variable {
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    const seed = deriveSeed(this.seed, this.counter);
    return this.add(name, () => tf.randomUniform(shape, -limit, limit, 'float32', seed));
  }

  /** Zero-initialised variable (biases). */
  zeros(name: string, shape: number[]): tf.Variable {
    return this.add(name, () => tf.zeros(shape));
  }

  private add(name: string, init: () => tf.Tensor): tf.Variable {
    if (this.names.has(name)) throw new Error(`Duplicate variable name "${name}"`);
    this.names.add(name);
    this.counter += 1;
    const v = tf.tidy(() =>
      tf.variable(init(), true, `${name}${INSTANCE_SEPARATOR}${this.instanceId}`),
    );
    this.variables.push(v);
    return v;
  }
}

/** What a concrete model supplies; the shell adds bookkeeping shared by every model. */
export interface ModelParts {
  /** x [B, F] → logits [B, T]. Intermediates are cleaned by the shell's tf.tidy. */
  forward(x: tf.Tensor2D): tf.Tensor2D;
  /** x [B, F] → per level [B, G, E_level]; [] for gateless models. */
  gates(x: tf.Tensor2D): tf.Tensor3D[];
  /** Gate/expert labels per level, given the task names (length T). */
  gateLayout(taskNames: string[]): GateLayout[];
  /** Block layout for the compiled training step (see ModelStructure). */
  structure?: ModelStructure;
}

/** Wraps a model's parts into a MultiTaskModel (input checks, tidy, counting, disposal). */
export function assembleModel(
  config: ModelConfig,
  store: ParamStore,
  parts: ModelParts,
): MultiTaskModel {
  const checkInput = (x: tf.Tensor2D): void => {
    if (x.rank !== 2 || x.shape[1] !== config.numFeatures) {
      throw new Error(
        `${config.model}: expected input [B, ${config.numFeatures}], got [${x.shape.join(', ')}]`,
      );
    }
  };
  let disposed = false;
  return {
    config,
    variables: store.variables,
    parameterCount: () => store.variables.reduce((n, v) => n + v.size, 0),
    ...(parts.structure ? { structure: parts.structure } : {}),
    forward: (x) => {
      checkInput(x);
      // tidy keeps intermediates from leaking even when the caller forgot one.
      return tf.tidy(() => parts.forward(x));
    },
    gates: (x) => {
      checkInput(x);
      return tf.tidy(() => parts.gates(x));
    },
    gateLayout: (taskNames) => {
      if (taskNames.length !== config.numTasks) {
        throw new Error(
          `gateLayout: expected ${config.numTasks} task names, got ${taskNames.length}`,
        );
      }
      return parts.gateLayout(taskNames);
    },
    dispose: () => {
      if (disposed) return;
      disposed = true;
      for (const v of store.variables) v.dispose();
    },
  };
}
