import * as tf from '@tensorflow/tfjs';
import { gpuAdamAvailable, gpuAdamUpdate } from './gpuAdam';

/** Adam's moment decay rates (Kingma & Ba defaults, as in PaddleRec/PyTorch). */
export const ADAM_BETA1 = 0.9;
export const ADAM_BETA2 = 0.999;
/**
 * Passed explicitly on purpose: `tf.train.adam()` without it uses the backend's epsilon, which
 * is 1e-4 on WebGL and 1e-7 elsewhere — the same run would then differ across backends.
 */
export const ADAM_EPSILON = 1e-7;

/** The trainer's optimizer: Adam with a fixed learning rate and a backend-independent epsilon. */
export function createAdam(learningRate: number): tf.AdamOptimizer {
  return tf.train.adam(learningRate, ADAM_BETA1, ADAM_BETA2, ADAM_EPSILON);
}

/**
 * Variables with at least this many scalars get their own moments (see FlatAdam). Below it a
 * variable joins the flat group: WASM's split copies the whole group once per part, which for a
 * group of ≈ 8k scalars (MMoE's gate kernel with the biases and towers) still costs less than
 * the 12 kernels of a group of its own.
 */
const OWN_GROUP_MIN_SIZE = 16384;

interface AdamGroup {
  variables: tf.Variable[];
  sizes: number[];
  /**
   * First and second moments: the variable's own shape for a group of one (no reshapes on the
   * way in or out), flat [Σ sizes] for the group of small variables.
   */
  m: tf.Variable;
  v: tf.Variable;
}

/**
 * Adam that updates a model's variables in a few groups with the fewest kernels: every large
 * variable alone (moments of its own shape: 12 element-wise kernels, no reshapes), all small ones
 * (biases, towers, gates of small models) concatenated into one flat group whose update is cut
 * back with ONE split. tf.train.adam spends ~14 kernels per variable, and on WASM each kernel
 * costs ~10–20 µs of engine overhead, most of a batch-32 step. Large variables stay apart because
 * WASM's Slice/Split copies its whole source first (readSync), so cutting a big flat update back
 * into variables would cost more than it saves. Same rule as tf.train.adam with an explicit ε:
 *   m ← β1·m + (1−β1)·g,  v ← β2·v + (1−β2)·g²,  p ← p − lr/(1−β1ᵗ) · m / (√(v/(1−β2ᵗ)) + ε)
 * computed as p ← p − s · m / (√v + ε′) with s = lr·√(1−β2ᵗ)/(1−β1ᵗ), ε′ = ε·√(1−β2ᵗ) — the same
 * expression with the bias correction moved out of the square root (one kernel fewer), and both
 * factors computed in float64 on the JS side.
 */
export class FlatAdam {
  private readonly variables: tf.Variable[];
  private readonly groups: AdamGroup[];
  /** Index into `groups` and position inside it, per variable (gradients come in variable order). */
  private readonly where: [number, number][];
  /** Constants made once (a number operand would become a new scalar tensor every step). */
  private readonly consts: tf.Scalar[];
  private t = 0;
  private disposed = false;

  constructor(
    variables: tf.Variable[],
    private readonly learningRate: number,
    private readonly beta1 = ADAM_BETA1,
    private readonly beta2 = ADAM_BETA2,
    private readonly epsilon = ADAM_EPSILON,
  ) {
    this.variables = [...variables];
    const small = this.variables.filter((v) => v.size < OWN_GROUP_MIN_SIZE);
    const members = [
      ...this.variables.filter((v) => v.size >= OWN_GROUP_MIN_SIZE).map((v) => [v]),
      ...(small.length > 0 ? [small] : []),
    ];
    this.groups = members.map((vars) => {
      const sizes = vars.map((v) => v.size);
      const shape = vars.length === 1 ? vars[0].shape : [sizes.reduce((a, b) => a + b, 0)];
      return {
        variables: vars,
        sizes,
        // tidy frees the zeros tensors the variables were made from.
        m: tf.tidy(() => tf.variable(tf.zeros(shape), false)),
        v: tf.tidy(() => tf.variable(tf.zeros(shape), false)),
      };
    });
    this.where = this.variables.map((v) => {
      const g = this.groups.findIndex((grp) => grp.variables.includes(v));
      return [g, this.groups[g].variables.indexOf(v)];
    });
    this.consts = [beta1, 1 - beta1, beta2, 1 - beta2].map((c) => tf.keep(tf.scalar(c)));
  }

  /** Number of updates applied so far. */
  get iterations(): number {
    return this.t;
  }

  /** One update; grads[i] is the gradient of the constructor's variables[i] (same shape). */
  applyGradients(grads: tf.Tensor[]): void {
    if (this.disposed) throw new Error('FlatAdam: used after dispose()');
    if (grads.length !== this.variables.length) {
      throw new Error(`FlatAdam: ${grads.length} gradients for ${this.variables.length} variables`);
    }
    this.t++;
    const [b1, c1, b2, c2] = this.consts;
    const byGroup: tf.Tensor[][] = this.groups.map(() => []);
    grads.forEach((g, i) => {
      const [k, j] = this.where[i];
      byGroup[k][j] = g;
    });
    const root = Math.sqrt(1 - this.beta2 ** this.t);
    if (gpuAdamAvailable()) {
      this.applyOnGpu(byGroup, (this.learningRate * root) / (1 - this.beta1 ** this.t), root);
      return;
    }
    tf.tidy(() => {
      const stepSize = tf.scalar((this.learningRate * root) / (1 - this.beta1 ** this.t));
      const eps = tf.scalar(this.epsilon * root);
      this.groups.forEach((grp, k) => {
        const gs = byGroup[k];
        const g =
          gs.length === 1
            ? gs[0]
            : tf.concat(gs.map((x) => (x.rank === 1 ? x : tf.reshape(x, [-1]))));
        const m = tf.add(tf.mul(grp.m, b1), tf.mul(g, c1));
        const v = tf.add(tf.mul(grp.v, b2), tf.mul(tf.square(g), c2));
        grp.m.assign(m);
        grp.v.assign(v);
        const delta = tf.mul(tf.div(m, tf.add(tf.sqrt(v), eps)), stepSize);
        if (gs.length === 1) {
          grp.variables[0].assign(tf.sub(grp.variables[0], delta));
          return;
        }
        const parts = tf.split(delta, grp.sizes);
        grp.variables.forEach((p, j) => {
          const part = p.rank === 1 ? parts[j] : tf.reshape(parts[j], p.shape);
          p.assign(tf.sub(p, part));
        });
      });
    });
  }

  /** The same update with WebGPU's three fused passes per group (see gpuAdam.ts). */
  private applyOnGpu(byGroup: tf.Tensor[][], stepSize: number, root: number): void {
    tf.tidy(() => {
      this.groups.forEach((grp, k) => {
        const flat = (x: tf.Tensor): tf.Tensor1D => tf.reshape(x, [-1]);
        const gs = byGroup[k];
        const one = gs.length === 1;
        const g = one ? flat(gs[0]) : (tf.concat(gs.map(flat)) as tf.Tensor1D);
        const p = one
          ? flat(grp.variables[0])
          : (tf.concat(grp.variables.map(flat)) as tf.Tensor1D);
        const next = gpuAdamUpdate(p, flat(grp.m), flat(grp.v), g, {
          beta1: this.beta1,
          beta2: this.beta2,
          stepSize,
          eps: this.epsilon * root,
        });
        grp.m.assign(tf.reshape(next.m, grp.m.shape));
        grp.v.assign(tf.reshape(next.v, grp.v.shape));
        if (one) {
          grp.variables[0].assign(tf.reshape(next.p, grp.variables[0].shape));
          return;
        }
        const parts = tf.split(next.p, grp.sizes);
        grp.variables.forEach((v, j) => v.assign(tf.reshape(parts[j], v.shape)));
      });
    });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const grp of this.groups) {
      grp.m.dispose();
      grp.v.dispose();
    }
    for (const c of this.consts) c.dispose();
  }
}
