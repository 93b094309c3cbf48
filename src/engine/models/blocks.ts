/**
 * Building blocks shared by every model: dense layers, an MLP, a fused bank of identical MLPs
 * (experts, gates, towers), gate softmax and expert mixing.
 *
 * Only ops with gradients on every tfjs backend are used (matMul with EQUAL batch dims, reshape,
 * transpose, slice, concat, pad, tile, relu, softmax); no gather/einsum/stridedSlice.
 */
import * as tf from '@tensorflow/tfjs';
import type { ParamStore } from './init';

/** One fully connected layer: kernel [in, out], bias [out]. */
export interface Dense {
  kernel: tf.Variable;
  bias: tf.Variable;
}

export function dense(store: ParamStore, name: string, inSize: number, outSize: number): Dense {
  return {
    kernel: store.glorot(`${name}/kernel`, [inSize, outSize], inSize, outSize),
    bias: store.zeros(`${name}/bias`, [outSize]),
  };
}

/**
 * a · b with optional transposes. On WASM a matMul with a transposed operand runs on a slow path
 * (≈ 15× slower than a plain one at these shapes; test/bench/profile.ts), so there the transpose
 * is an explicit (cheap) op and the matMul stays plain; other backends transpose in the kernel.
 * a, b: rank 2, or rank 3 with equal batch dims.
 */
export function matMulT<R extends tf.Rank.R2 | tf.Rank.R3>(
  a: tf.Tensor<R>,
  b: tf.Tensor<R>,
  transposeA: boolean,
  transposeB: boolean,
): tf.Tensor<R> {
  if (tf.getBackend() !== 'wasm') return tf.matMul(a, b, transposeA, transposeB) as tf.Tensor<R>;
  const perm = a.rank === 2 ? [1, 0] : [0, 2, 1];
  return tf.matMul(
    transposeA ? tf.transpose(a, perm) : a,
    transposeB ? tf.transpose(b, perm) : b,
  ) as tf.Tensor<R>;
}

/**
 * Whether `x` can carry a gradient in the current tf.grads/variableGrads scope: a variable, or
 * the output of an op recorded on the active tape. The training batch (made from data before the
 * scope) cannot, so layers reading it skip dx — the largest matMul of the backward pass.
 */
function needsGradient(x: tf.Tensor): boolean {
  if (x instanceof tf.Variable) return true;
  const tape = tf.engine().state.activeTape;
  if (!tape) return false;
  for (let i = tape.length - 1; i >= 0; i--) {
    const outputs = tape[i].outputs;
    for (let k = 0; k < outputs.length; k++) if (outputs[k].id === x.id) return true;
  }
  return false;
}

/**
 * y = act(x · W + b) as ONE op with a hand-written gradient (plain matMuls only, see matMulT).
 * x [B, in], W [in, out], b [out] → [B, out] (forward: one fused matMul+bias+ReLU kernel); or
 * x [G, B, in], W [G, in, out], b [G, 1, out] → [G, B, out] (a bank's batched deeper layers).
 */
export function affine<R extends tf.Rank.R2 | tf.Rank.R3>(
  x: tf.Tensor<R>,
  kernel: tf.Tensor,
  bias: tf.Tensor,
  relu: boolean,
): tf.Tensor<R> {
  const rank2 = x.rank === 2;
  const withDx = needsGradient(x);
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const w = args[0] as tf.Tensor<R>;
    const b = args[1] as tf.Tensor;
    let y: tf.Tensor<R>;
    if (rank2) {
      y = tf.fused.matMul({
        a: x as tf.Tensor2D,
        b: w as tf.Tensor2D,
        bias: b,
        activation: relu ? 'relu' : 'linear',
      }) as tf.Tensor<R>;
    } else {
      const z = tf.add(tf.matMul(x, w), b) as tf.Tensor<R>;
      y = relu ? tf.relu(z) : z;
    }
    // Saved (kept by the engine) because x may be an intermediate that the forward's tidy frees.
    save([y, x]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor<R>, saved: tf.Tensor[]) => {
        // ReLU passes the gradient where its output is positive (step(0) = 0, as tf.relu's).
        const dz = relu ? (tf.mul(dy, tf.step(saved[0])) as tf.Tensor<R>) : dy;
        const dw = matMulT(saved[1] as tf.Tensor<R>, dz, true, false);
        const db = rank2 ? tf.sum(dz, 0) : tf.sum(dz, 1, true);
        return withDx ? [dw, db, matMulT(dz, w, false, true)] : [dw, db];
      },
    };
  });
  // x is an op input only when it needs a gradient; otherwise the closure reads it.
  return (withDx ? op(kernel, bias, x) : op(kernel, bias)) as tf.Tensor<R>;
}

/**
 * How a layer's x [B, in] · W [in, out] runs on WASM. `transposeX`: make xᵀ [in, B] in the
 * forward — when gradients are being recorded it is what the weight gradient xᵀ·dz needs (plain
 * matMuls on WASM, see matMulT), and it is saved instead of x. `small`: compute the product as
 * (Wᵀ · xᵀ)ᵀ, because XNNPACK repacks the right operand at every call and for a small batch
 * xᵀ (in·B) is much smaller than W (in·out): MMoE's experts at batch 32 run ≈ 25% faster.
 * Null off WASM. (Used by mixtureOfExperts only: the rule depends on the layer's width, and the
 * warm-start tests want a wider model to reproduce a narrower one's outputs bit for bit, which
 * two different products do not guarantee.)
 */
function wasmPlan(batch: number, out: number): { transposeX: boolean; small: boolean } | null {
  if (tf.getBackend() !== 'wasm') return null;
  const small = batch * 4 <= out;
  return { transposeX: small || tf.engine().state.gradientDepth > 0, small };
}

/** x · w [B, out] given xᵀ: as (wᵀ · xᵀ)ᵀ when `small` (see wasmPlan), else plainly. */
function productFromT(
  x: tf.Tensor2D,
  xT: tf.Tensor2D,
  w: tf.Tensor2D,
  small: boolean,
): tf.Tensor2D {
  return small ? (tf.transpose(tf.matMul(tf.transpose(w), xT)) as tf.Tensor2D) : tf.matMul(x, w);
}

/** x [B, in] → [B, out]; ReLU when `relu`. */
export function denseForward(layer: Dense, x: tf.Tensor2D, relu: boolean): tf.Tensor2D {
  return affine(x, layer.kernel, layer.bias, relu);
}

/** A stack of dense layers with ReLU on hidden layers (and on the last when `activateLast`). */
export interface Mlp {
  layers: Dense[];
  activateLast: boolean;
}

/** Layers `${name}/l${i}` of widths `sizes` on an input of width `inSize`. */
export function mlp(
  store: ParamStore,
  name: string,
  inSize: number,
  sizes: number[],
  activateLast: boolean,
): Mlp {
  const layers = sizes.map((out, i) =>
    dense(store, `${name}/l${i}`, i === 0 ? inSize : sizes[i - 1], out),
  );
  return { layers, activateLast };
}

/** x [B, in] → [B, sizes.at(-1)] (x itself when there are no layers). */
export function mlpForward(m: Mlp, x: tf.Tensor2D): tf.Tensor2D {
  let h = x;
  m.layers.forEach((layer, i) => {
    h = denseForward(layer, h, i < m.layers.length - 1 || m.activateLast);
  });
  return h;
}

/**
 * G MLPs of identical shape evaluated together (the fused bank): experts, gates or towers.
 *
 * - `sharedInput: true`: every member reads the same x [B, in]. The first layer of all members is
 *   ONE matMul x · W0 with W0 [in, G·h1] (member g owns columns g·h1 … (g+1)·h1 − 1), bias [G·h1].
 * - `sharedInput: false`: member g reads its own input x[:, g, :] of [B, G, in]; the first layer is
 *   a batched matMul like the deeper ones.
 * Deeper layers: kernel [G, h_{l−1}, h_l], bias [G, 1, h_l], applied as ONE batched matMul
 * [G, B, h_{l−1}] × [G, h_{l−1}, h_l] (equal batch dims: broadcast batch matMul has no gradient).
 */
export interface Bank {
  count: number;
  sizes: number[];
  sharedInput: boolean;
  activateLast: boolean;
  layers: Dense[];
}

export function bank(
  store: ParamStore,
  name: string,
  count: number,
  inSize: number,
  sizes: number[],
  opts: { sharedInput: boolean; activateLast: boolean },
): Bank {
  if (sizes.length === 0) throw new Error(`${name}: a bank needs at least one layer`);
  const layers = sizes.map((out, i): Dense => {
    const fanIn = i === 0 ? inSize : sizes[i - 1];
    const fused = i === 0 && opts.sharedInput;
    return {
      kernel: store.glorot(
        `${name}/l${i}/kernel`,
        fused ? [fanIn, count * out] : [count, fanIn, out],
        fanIn,
        out,
      ),
      bias: store.zeros(`${name}/l${i}/bias`, fused ? [count * out] : [count, 1, out]),
    };
  });
  return { count, sizes, layers, ...opts };
}

/** x [B, in] (shared input) or [B, G, in] (own inputs) → [B, G, sizes.at(-1)]. */
export function bankForward(b: Bank, x: tf.Tensor2D | tf.Tensor3D): tf.Tensor3D {
  const relu = (i: number): boolean => i < b.layers.length - 1 || b.activateLast;
  const batch = x.shape[0];
  let h: tf.Tensor3D; // layout [G, B, width]
  let first = 0;
  if (b.sharedInput) {
    if (x.rank !== 2) throw new Error(`bank with shared input expects [B, in], got [${x.shape}]`);
    const y = denseForward(b.layers[0], x as tf.Tensor2D, relu(0)); // [B, G·h1]
    const y3 = tf.reshape(y, [batch, b.count, b.sizes[0]]) as tf.Tensor3D;
    if (b.layers.length === 1) return y3;
    h = tf.transpose(y3, [1, 0, 2]);
    first = 1;
  } else {
    if (x.rank !== 3 || x.shape[1] !== b.count) {
      throw new Error(`bank of ${b.count} expects [B, ${b.count}, in], got [${x.shape}]`);
    }
    h = tf.transpose(x as tf.Tensor3D, [1, 0, 2]);
  }
  h = bankStack(
    h,
    b.layers.slice(first),
    b.layers.slice(first).map((_, i) => relu(first + i)),
  );
  return tf.transpose(h, [1, 0, 2]);
}

/**
 * A bank's batched layers as ONE op with a hand-written gradient: h [G, B, in] through layers
 * with kernels [G, h_{l−1}, h_l] and biases [G, 1, h_l], ReLU after layer l when relu[l]
 * → [G, B, h_last]. One op instead of one per layer: each layer's input is saved once (it is
 * also the previous layer's ReLU output, whose sign is the ReLU's gradient mask).
 */
function bankStack(h: tf.Tensor3D, layers: Dense[], relu: boolean[]): tf.Tensor3D {
  const n = layers.length;
  const withDx = needsGradient(h);
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const params = args.slice(0, 2 * n) as tf.Tensor3D[];
    const inputs: tf.Tensor3D[] = [];
    let cur = h;
    for (let l = 0; l < n; l++) {
      inputs.push(cur);
      const z = tf.add(tf.matMul(cur, params[2 * l]), params[2 * l + 1]) as tf.Tensor3D;
      cur = relu[l] ? tf.relu(z) : z;
    }
    // saved[l] = input of layer l; saved[n] = the output when the last layer has a ReLU.
    save(relu[n - 1] ? [...inputs, cur] : inputs);
    return {
      value: cur,
      gradFunc: (dy: tf.Tensor3D, saved: tf.Tensor[]) => {
        const grads: tf.Tensor[] = [];
        let dz = relu[n - 1] ? (tf.mul(dy, tf.step(saved[n])) as tf.Tensor3D) : dy;
        let dx: tf.Tensor3D | null = null;
        for (let l = n - 1; l >= 0; l--) {
          const input = saved[l] as tf.Tensor3D;
          grads[2 * l] = matMulT(input, dz, true, false);
          grads[2 * l + 1] = tf.sum(dz, 1, true);
          if (l === 0 && !withDx) break;
          const dh = matMulT(dz, params[2 * l], false, true);
          if (l === 0) dx = dh;
          else dz = relu[l - 1] ? (tf.mul(dh, tf.step(input)) as tf.Tensor3D) : dh;
        }
        return dx ? [...grads, dx] : grads;
      },
    };
  });
  const params = layers.flatMap((layer) => [layer.kernel, layer.bias]);
  return (withDx ? op(...params, h) : op(...params)) as tf.Tensor3D;
}

/** E experts with ReLU layers `hidden`; output [B, E, hidden.at(-1)]. */
export function expertBank(
  store: ParamStore,
  name: string,
  numExperts: number,
  inSize: number,
  hidden: number[],
  sharedInput: boolean,
): Bank {
  return bank(store, name, numExperts, inSize, hidden, { sharedInput, activateLast: true });
}

/** G gates: ReLU layers `hidden` (PaddleRec: none), then a linear layer to `numOutputs` logits. */
export function gateBank(
  store: ParamStore,
  name: string,
  numGates: number,
  inSize: number,
  hidden: number[],
  numOutputs: number,
  sharedInput: boolean,
): Bank {
  return bank(store, name, numGates, inSize, [...hidden, numOutputs], {
    sharedInput,
    activateLast: false,
  });
}

/** Gate weights [B, G, numOutputs]: softmax over the gate's own outputs. */
export function gateForward(g: Bank, x: tf.Tensor2D | tf.Tensor3D): tf.Tensor3D {
  return tf.softmax(bankForward(g, x), -1);
}

/** T towers: ReLU layers `hidden`, then one linear logit each. */
export function towerBank(
  store: ParamStore,
  name: string,
  numTasks: number,
  inSize: number,
  hidden: number[],
  sharedInput: boolean,
): Bank {
  return bank(store, name, numTasks, inSize, [...hidden, 1], { sharedInput, activateLast: false });
}

/** Tower logits [B, T] from x [B, in] (shared) or per-task inputs [B, T, in]. */
export function towerForward(t: Bank, x: tf.Tensor2D | tf.Tensor3D): tf.Tensor2D {
  return tf.reshape(bankForward(t, x), [x.shape[0], t.count]) as tf.Tensor2D;
}

/**
 * Softmax over the last axis of short rows (gate logits [B, G, K]) and the row sums its gradient
 * needs. On WebGPU tfjs's softmax and sum give every row a workgroup that synchronises its
 * threads; on a software adapter that costs far more than the arithmetic once there are many
 * rows (batch 512: 1,024 rows of 8). There, from MATMUL_ROWS rows on, the sums are one matMul
 * with a ones column and the shift that keeps exp() finite is the row mean (a matMul too) instead
 * of the row max — more kernels, which is why few rows keep tfjs's ops. Same values up to
 * rounding (the shift cancels); other backends always use tfjs's ops.
 */
const MATMUL_ROWS = 256;

export const shortRows: {
  /** Whether rows × (last axis) use the matMul form on the current backend. */
  viaMatMul: (rows: number) => boolean;
  sum: (x: tf.Tensor3D) => tf.Tensor3D;
  softmax: (z: tf.Tensor3D) => tf.Tensor3D;
} = {
  viaMatMul: (rows) => rows >= MATMUL_ROWS && tf.getBackend() === 'webgpu',
  /** Σ_k x[..., k] → [..., 1]. */
  sum(x) {
    const [B, G, K] = x.shape;
    if (!shortRows.viaMatMul(B * G)) return tf.sum(x, -1, true);
    return tf.reshape(tf.matMul(tf.reshape(x, [B * G, K]), tf.ones([K, 1])), [B, G, 1]);
  },
  softmax(z) {
    const [B, G, K] = z.shape;
    if (!shortRows.viaMatMul(B * G)) return tf.softmax(z);
    const e = tf.exp(tf.sub(z, tf.div(shortRows.sum(z), K))) as tf.Tensor3D;
    return tf.div(e, shortRows.sum(e));
  },
};

/** Mixture: gates [B, G, E] · experts [B, E, H] → [B, G, H] (one batched matMul, equal batch dims). */
export function mix(gates: tf.Tensor3D, experts: tf.Tensor3D): tf.Tensor3D {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    (args[2] as tf.GradSaveFunc)([args[0] as tf.Tensor3D, args[1] as tf.Tensor3D]);
    return {
      value: tf.matMul(args[0] as tf.Tensor3D, args[1] as tf.Tensor3D) as tf.Tensor3D,
      // d gates = dy · expertsᵀ, d experts = gatesᵀ · dy, with plain matMuls on WASM.
      gradFunc: (dy: tf.Tensor3D, [g, e]: tf.Tensor[]) => [
        matMulT(dy, e as tf.Tensor3D, false, true),
        matMulT(g as tf.Tensor3D, dy, true, false),
      ],
    };
  });
  return op(gates, experts) as tf.Tensor3D;
}

/** Whether experts and gates fit mixtureOfExperts's one-op form (one layer each, shared input). */
export function fusableMixture(experts: Bank, gates: Bank): boolean {
  return (
    experts.sharedInput &&
    gates.sharedInput &&
    experts.layers.length === 1 &&
    gates.layers.length === 1 &&
    experts.activateLast &&
    !gates.activateLast
  );
}

/**
 * The mixture stage of MMoE and of PLE's first level: E experts (ReLU layers) and G softmax gates
 * on the same x [B, F], → mixed [B, G, H] = gates [B, G, E] · experts [B, E, H]. Same maths as
 * mix(gateForward(gates, x), bankForward(experts, x)).
 *
 * `reach` (PLE): gate g has K < E outputs, and output k weighs expert reach[g][k]; every other
 * expert gets weight exactly 0. The placement is a matMul with a constant 0/1 matrix
 * [G·K, G·E] (each output is one 1·w plus exact zeros, so the weights are unchanged).
 *
 * With one-layer experts and gates (the PaddleRec presets) this is ONE op with a hand-written
 * gradient: forward 2 matMuls + softmax + 1 batched matMul; backward without the Reshape /
 * Transpose / Identity chains that a chain of generic ops records (x is transposed once for both
 * weight gradients, only what the backward reads is saved). Deeper experts or gates take the
 * generic path (the caller places PLE's gates itself there).
 */
export function mixtureOfExperts(
  x: tf.Tensor2D,
  experts: Bank,
  gates: Bank,
  reach?: number[][],
): tf.Tensor3D {
  const batch = x.shape[0];
  const E = experts.count;
  const H = experts.sizes[0];
  const G = gates.count;
  const K = gates.sizes[gates.sizes.length - 1];
  if (reach) {
    const ok =
      reach.length === G &&
      reach.every((r) => r.length === K && r.every((e) => Number.isInteger(e) && e >= 0 && e < E));
    if (!ok)
      throw new Error(`mixture: reach must list ${K} of ${E} experts for each of ${G} gates`);
  } else if (K !== E) {
    throw new Error(`mixture: ${G} gates of ${K} outputs for ${E} experts`);
  }
  if (!fusableMixture(experts, gates)) {
    if (reach) throw new Error('mixture: gates with a reach need one-layer experts and gates');
    return mix(gateForward(gates, x), bankForward(experts, x));
  }
  // Placement [G·K, G·E] and its transpose: row g·K + k has its 1 in column g·E + reach[g][k].
  let place: Float32Array | null = null;
  let placeT: Float32Array | null = null;
  if (reach) {
    place = new Float32Array(G * K * G * E);
    placeT = new Float32Array(G * K * G * E);
    reach.forEach((r, g) =>
      r.forEach((e, k) => {
        place![(g * K + k) * G * E + g * E + e] = 1;
        placeT![(g * E + e) * G * K + g * K + k] = 1;
      }),
    );
  }
  const withDx = needsGradient(x);
  const plan = wasmPlan(batch, E * H);
  const { kernel: we, bias: be } = experts.layers[0];
  const { kernel: wg, bias: bg } = gates.layers[0];
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const [wE, bE, wG, bG] = args as tf.Tensor2D[];
    // WASM: xᵀ [F, B] serves both weight gradients, and small batches use it for the experts'
    // product too (see wasmPlan).
    const xT = plan?.transposeX ? (tf.transpose(x) as tf.Tensor2D) : null;
    const xe = xT ? productFromT(x, xT, wE, plan?.small ?? false) : tf.matMul(x, wE);
    const ex = tf.reshape(tf.relu(tf.add(xe, bE)), [batch, E, H]) as tf.Tensor3D;
    const g = shortRows.softmax(tf.reshape(tf.add(tf.matMul(x, wG), bG), [batch, G, K]));
    const full = place
      ? (tf.reshape(tf.matMul(tf.reshape(g, [batch, G * K]), tf.tensor2d(place, [G * K, G * E])), [
          batch,
          G,
          E,
        ]) as tf.Tensor3D)
      : g;
    // x (or xᵀ) too: it may be an intermediate that the forward's tidy frees (see affine).
    const xSaved = xT ?? x;
    const savedT = xT !== null;
    save(place ? [ex, g, xSaved, full] : [ex, g, xSaved]);
    return {
      value: tf.matMul(full, ex) as tf.Tensor3D,
      gradFunc: (dy: tf.Tensor3D, saved: tf.Tensor[]) => {
        const [exS, gS, xS] = saved as [tf.Tensor3D, tf.Tensor3D, tf.Tensor2D];
        const fullS = (placeT ? saved[3] : gS) as tf.Tensor3D;
        const dFull = matMulT(dy, exS, false, true); // [B, G, E]
        const de = matMulT(fullS, dy, true, false); // [B, E, H]
        const dg = placeT
          ? (tf.reshape(
              tf.matMul(tf.reshape(dFull, [batch, G * E]), tf.tensor2d(placeT, [G * E, G * K])),
              [batch, G, K],
            ) as tf.Tensor3D)
          : dFull;
        // Softmax: dz = g ⊙ (dg − Σ_k dg ⊙ g); ReLU: passes where the output is positive.
        const dzG = tf.reshape(tf.mul(gS, tf.sub(dg, shortRows.sum(tf.mul(dg, gS)))), [
          batch,
          G * K,
        ]) as tf.Tensor2D;
        const dzE = tf.reshape(tf.mul(de, tf.step(exS)), [batch, E * H]) as tf.Tensor2D;
        // xS is xᵀ on WASM (plain matMuls there, see matMulT), else x.
        const dW = (dz: tf.Tensor2D) =>
          savedT ? tf.matMul(xS, dz) : tf.matMul(xS, dz, true, false);
        const grads = [dW(dzE), tf.sum(dzE, 0), dW(dzG), tf.sum(dzG, 0)];
        if (withDx) {
          grads.push(tf.add(matMulT(dzE, wE, false, true), matMulT(dzG, wG, false, true)));
        }
        return grads;
      },
    };
  });
  return (withDx ? op(we, be, wg, bg, x) : op(we, be, wg, bg)) as tf.Tensor3D;
}
