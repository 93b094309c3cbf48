/**
 * A compiled training step: forward, backward and Adam of a model as a fixed list of closures
 * over one float32 arena (memory.ts) — the same maths as the tfjs step (models/blocks.ts,
 * train/loss.ts, train/optimizer.ts), without tfjs's per-op engine work.
 *
 * Why: at batch 32 a tfjs MMoE step is ~120 kernels at ~25 µs of engine overhead each, several
 * times the arithmetic. Here the products run on XNNPACK through the WASM backend's exports (or in
 * JavaScript on the CPU backend) and the element-wise work is plain loops on the arena.
 *
 * Covered: the structures models expose as ModelStructure (single-task, Share-Bottom, MMoE, PLE
 * with one level) with any hidden layers, fixed or uncertainty task weighting. Anything else
 * (categorical inputs, PLE with several levels) keeps the tfjs step: see compiledSupport().
 *
 * Layouts: a bank of G members keeps activations either BGW ([B, G, W], what one fused matMul on a
 * shared input produces) or GBW ([G, B, W], one contiguous [B, W] block per member, what the
 * per-member products of deeper layers read and write).
 */
import * as tf from '@tensorflow/tfjs';
import type { Bank } from '../../models/blocks';
import type { ModelStructure, MultiTaskModel } from '../../models/types';
import {
  biasActJs,
  isWasmBackend,
  JsArena,
  WasmArena,
  type AdamUpdate,
  type Arena,
} from './memory';
import { ADAM_BETA1, ADAM_BETA2, ADAM_EPSILON } from '../optimizer';

type Layout = 'BGW' | 'GBW';
type Step = () => void;

/** Why `model` cannot use the compiled step, or null when it can. */
export function compiledSupport(model: MultiTaskModel): string | null {
  if ((model.config.inputs?.categorical.length ?? 0) > 0) return 'categorical inputs';
  if (!model.structure) return `${model.config.model} with this configuration`;
  return null;
}

/**
 * The compiled step for `model` on the current tfjs backend — WASM (products on XNNPACK) or CPU
 * (plain JavaScript) — or null where it does not apply (other backends, see compiledSupport).
 */
export function compiledStepFor(
  model: MultiTaskModel,
  options: CompiledOptions,
): CompiledStep | null {
  if (compiledSupport(model) !== null) return null;
  const impl = tf.backend();
  let arena: Arena | null = null;
  if (tf.getBackend() === 'wasm' && isWasmBackend(impl)) arena = new WasmArena(impl);
  else if (tf.getBackend() === 'cpu') arena = new JsArena();
  return arena ? new CompiledStep(model, arena, options) : null;
}

/** Settings of the objective and the optimizer (TrainConfig's, resolved). */
export interface CompiledOptions {
  learningRate: number;
  /** Per-task loss weights w [T]. */
  lossWeights: number[];
  /** Kendall et al.'s learnable log-variances s [T] (see TrainConfig.taskWeighting). */
  uncertainty: boolean;
}

/** Result of one step: per-task batch-mean losses [T] and the logits [n, T] (row-major). */
export interface CompiledStepResult {
  loss: Float32Array;
  logits: Float32Array;
}

/** One activation of a bank: its buffer, layout and row width; d: its gradient (same layout). */
interface Act {
  off: number;
  d: number;
  layout: Layout;
  width: number;
}

/** Offsets in the arena of one variable's value and gradient. */
interface Slot {
  p: number;
  g: number;
  size: number;
}

/** The per-batch-size part: activations, batch buffers and the closures. */
interface Program {
  x: number;
  y: number;
  forward: Step[];
  backward: Step[];
  loss: Float32Array;
  logits: Float32Array;
}

/** Index of element (b, g, w) of a G × B × W activation in `layout`. */
function at(layout: Layout, B: number, G: number, W: number): (b: number, g: number) => number {
  return layout === 'BGW' ? (b, g) => (b * G + g) * W : (b, g) => (g * B + b) * W;
}

export class CompiledStep {
  private readonly slots = new Map<tf.Variable, Slot>();
  /** Parameters, gradients and Adam moments: one contiguous run each, variables in order. */
  private readonly params: number;
  private readonly grads: number;
  private readonly m: number;
  private readonly v: number;
  private readonly total: number;
  /** Uncertainty weighting: s [T], its gradient and moments (its own Adam, as the tfjs path). */
  private readonly s: Float32Array | null;
  private readonly sm: Float32Array | null;
  private readonly sv: Float32Array | null;
  private readonly structure: ModelStructure;
  private readonly programs = new Map<number, Program>();
  private readonly update: AdamUpdate;
  private t = 0;
  private loaded = false;
  private disposed = false;

  constructor(
    private readonly model: MultiTaskModel,
    private readonly arena: Arena,
    private readonly options: CompiledOptions,
  ) {
    const why = compiledSupport(model);
    if (why || !model.structure) throw new Error(`compiled step: not available for ${why}`);
    this.structure = model.structure;
    this.total = model.variables.reduce((n, v) => n + v.size, 0);
    this.params = arena.alloc(this.total);
    this.grads = arena.alloc(this.total);
    this.m = arena.alloc(this.total);
    this.v = arena.alloc(this.total);
    let o = 0;
    for (const v of model.variables) {
      this.slots.set(v, { p: this.params + o, g: this.grads + o, size: v.size });
      o += v.size;
    }
    this.update = arena.adam(
      this.params,
      this.grads,
      this.m,
      this.v,
      this.total,
      ADAM_BETA1,
      ADAM_BETA2,
    );
    const T = model.config.numTasks;
    this.s = options.uncertainty ? new Float32Array(T) : null;
    this.sm = options.uncertainty ? new Float32Array(T) : null;
    this.sv = options.uncertainty ? new Float32Array(T) : null;
  }

  /**
   * The batch buffers for a step on n rows: x [n, F] and y [n, T] views into the arena, to be
   * filled before step(n). Views are only valid until the next call into the arena.
   */
  batchViews(n: number): { x: Float32Array; y: Float32Array } {
    const p = this.program(n);
    const f = this.arena.view();
    const { numFeatures: F, numTasks: T } = this.model.config;
    return { x: f.subarray(p.x, p.x + n * F), y: f.subarray(p.y, p.y + n * T) };
  }

  /** One Adam step on the batch in batchViews(n). Returned arrays are reused by the next step. */
  step(n: number): CompiledStepResult {
    if (this.disposed) throw new Error('compiled step: used after dispose()');
    if (!this.loaded) this.loadFromModel();
    const p = this.program(n);
    for (const s of p.forward) s();
    for (const s of p.backward) s();
    this.adam();
    return { loss: p.loss, logits: p.logits };
  }

  /** Copies the model's variables into the arena (at the first step, after a restore). */
  loadFromModel(): void {
    const f = this.arena.view();
    for (const [v, slot] of this.slots) f.set(v.dataSync() as Float32Array, slot.p);
    this.loaded = true;
  }

  /** Marks the arena's parameters stale: the next step reloads them from the model. */
  invalidate(): void {
    this.loaded = false;
  }

  /** Writes the arena's parameters back into the model's variables. */
  writeToModel(): void {
    if (!this.loaded) return;
    const f = this.arena.view();
    for (const [v, slot] of this.slots) {
      const value = tf.tensor(f.slice(slot.p, slot.p + slot.size), v.shape, 'float32');
      v.assign(value);
      value.dispose();
    }
  }

  /** The last step's gradient of each variable (a copy; for tests and diagnostics). */
  gradients(): Map<tf.Variable, Float32Array> {
    const f = this.arena.view();
    const out = new Map<tf.Variable, Float32Array>();
    for (const [v, slot] of this.slots) out.set(v, f.slice(slot.g, slot.g + slot.size));
    return out;
  }

  /** Current log-variances s [T] (uncertainty weighting), or null. */
  logVariance(): Float32Array | null {
    return this.s ? this.s.slice() : null;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.arena.dispose();
  }

  // ---------------------------------------------------------------------------------------------

  private slot(v: tf.Variable): Slot {
    const s = this.slots.get(v);
    if (!s) throw new Error(`compiled step: ${v.name} is not one of the model's variables`);
    return s;
  }

  /** Adam on the whole parameter run (same rule and bias-correction form as FlatAdam). */
  private adam(): void {
    this.t++;
    const b1 = ADAM_BETA1;
    const b2 = ADAM_BETA2;
    const root = Math.sqrt(1 - b2 ** this.t);
    const stepSize = (this.options.learningRate * root) / (1 - b1 ** this.t);
    this.update(stepSize, ADAM_EPSILON * root);
  }

  private program(n: number): Program {
    let p = this.programs.get(n);
    if (!p) {
      p = this.compile(n);
      this.programs.set(n, p);
    }
    return p;
  }

  private compile(B: number): Program {
    const a = this.arena;
    const { numFeatures: F, numTasks: T } = this.model.config;
    const forward: Step[] = [];
    const backward: Step[] = [];
    const x = a.alloc(B * F);
    const y = a.alloc(B * T);
    // xᵀ [F, B]: what the weight gradients of layers reading x need (made once per step).
    const transposes = new Map<number, number>();
    const transposed = (off: number, rows: number, cols: number): number => {
      let t = transposes.get(off);
      if (t === undefined) {
        const dst = a.alloc(rows * cols);
        t = dst;
        transposes.set(off, dst);
        forward.push(a.transpose(off, dst, rows, cols));
      }
      return t;
    };
    const input: Act = { off: x, d: -1, layout: 'BGW', width: F };
    const backs: Step[][] = [];
    let logitsAct: Act;
    let logitsCount: number;
    const st = this.structure;
    if (st.kind === 'bank') {
      const nets = this.bank(st.nets, input, false, B, forward, backs, transposed);
      logitsAct = nets;
      logitsCount = st.nets.count;
    } else if (st.kind === 'share_bottom') {
      const bottom = st.bottom
        ? this.bank(st.bottom, input, false, B, forward, backs, transposed)
        : input;
      const towers = this.bank(st.towers, bottom, false, B, forward, backs, transposed);
      logitsAct = towers;
      logitsCount = st.towers.count;
    } else {
      const experts = this.bank(st.experts, input, false, B, forward, backs, transposed);
      const gates = this.bank(st.gates, input, false, B, forward, backs, transposed);
      const mixed = this.mixture(experts, gates, st, B, forward, backs);
      const towers = this.bank(st.towers, mixed, true, B, forward, backs, transposed);
      logitsAct = towers;
      logitsCount = st.towers.count;
    }
    if (logitsCount !== T || logitsAct.width !== 1) {
      throw new Error(`compiled step: the model's output is not one logit per task`);
    }
    const loss = new Float32Array(T);
    const logits = new Float32Array(B * T);
    forward.push(this.lossStep(logitsAct, y, B, T, loss, logits));
    // Backward: blocks in reverse order of their forward.
    for (let i = backs.length - 1; i >= 0; i--) backward.push(...backs[i]);
    return { x, y, forward, backward, loss, logits };
  }

  /**
   * Σ_t w_t·mean_b BCE(z, y) from the logits activation [B, T, 1] (either layout): per-task means
   * into `loss`, logits [B, T] into `logits`, dL/dz = w_t/B·(σ(z) − y) into the activation's
   * gradient. With uncertainty weighting w_t becomes w_t·exp(−s_t) and s gets its own gradient
   * and Adam step (as the tfjs path: s's gradient w_t·(1 − exp(−s_t)·L_t)).
   */
  private lossStep(
    act: Act,
    y: number,
    B: number,
    T: number,
    loss: Float32Array,
    logits: Float32Array,
  ): Step {
    const a = this.arena;
    const idx = at(act.layout, B, T, 1);
    const w = this.options.lossWeights;
    const s = this.s;
    const eff = new Float64Array(T);
    return () => {
      const f = a.view();
      for (let t = 0; t < T; t++) eff[t] = s ? w[t] * Math.exp(-s[t]) : w[t];
      for (let t = 0; t < T; t++) {
        let sum = 0;
        const scale = eff[t] / B;
        for (let b = 0; b < B; b++) {
          const i = idx(b, t);
          const z = f[act.off + i];
          const label = f[y + b * T + t];
          logits[b * T + t] = z;
          sum += Math.max(z, 0) - z * label + Math.log1p(Math.exp(-Math.abs(z)));
          f[act.d + i] = scale * (1 / (1 + Math.exp(-z)) - label);
        }
        loss[t] = sum / B;
      }
      if (s) this.uncertaintyStep(loss);
    };
  }

  private uncertaintyStep(loss: Float32Array): void {
    const s = this.s as Float32Array;
    const sm = this.sm as Float32Array;
    const sv = this.sv as Float32Array;
    const w = this.options.lossWeights;
    // The model's Adam counter advances after this step's backward: this is update t + 1.
    const t = this.t + 1;
    const root = Math.sqrt(1 - ADAM_BETA2 ** t);
    const stepSize = (this.options.learningRate * root) / (1 - ADAM_BETA1 ** t);
    const eps = ADAM_EPSILON * root;
    for (let k = 0; k < s.length; k++) {
      const g = w[k] * (1 - Math.exp(-s[k]) * loss[k]);
      sm[k] = ADAM_BETA1 * sm[k] + (1 - ADAM_BETA1) * g;
      sv[k] = ADAM_BETA2 * sv[k] + (1 - ADAM_BETA2) * g * g;
      s[k] -= (stepSize * sm[k]) / (Math.sqrt(sv[k]) + eps);
    }
  }

  /**
   * A bank (blocks.ts) on `input`: shared input [B, in] (BGW with G = 1) or, when `own`, one
   * input per member (any layout, G = bank.count). Forward steps go to `forward`; its backward
   * steps become one entry of `backs`; it writes input.d when that exists (d ≥ 0).
   */
  private bank(
    bank: Bank,
    input: Act,
    own: boolean,
    B: number,
    forward: Step[],
    backs: Step[][],
    transposed: (off: number, rows: number, cols: number) => number,
  ): Act {
    const a = this.arena;
    const G = bank.count;
    const L = bank.layers.length;
    const relu = (l: number) => l < L - 1 || bank.activateLast;
    const back: Step[] = [];
    let cur = input;
    let curOwn = own || !bank.sharedInput;
    if (!bank.sharedInput && !own)
      throw new Error('compiled step: a bank with own inputs needs them');
    for (let l = 0; l < L; l++) {
      const width = bank.sizes[l];
      const kernel = this.slot(bank.layers[l].kernel);
      const bias = this.slot(bank.layers[l].bias);
      const inW = cur.width;
      if (!curOwn) {
        // Shared input [B, in] · W [in, G·width] → [B, G·width] (BGW).
        const C = G * width;
        const out = a.alloc(B * C);
        const d = a.alloc(B * C);
        const src = cur;
        if (B * 4 <= C && a.kind === 'wasm') {
          // Small batch: (Wᵀ · xᵀ)ᵀ — XNNPACK repacks its right operand at every call, and xᵀ
          // (in·B) is much smaller than W (in·C) here (MMoE's experts at batch 32: ~2× faster).
          const wT = a.alloc(C * inW);
          const outT = a.alloc(C * B);
          forward.push(
            a.transpose(kernel.p, wT, inW, C),
            a.gemm({ a: wT, b: transposed(src.off, B, inW), c: outT, m: C, k: inW, n: B }),
            a.transpose(outT, out, C, B),
            () => biasActJs(a.view(), out, bias.p, B, C, relu(l)),
          );
        } else {
          forward.push(
            a.gemmBias({
              a: src.off,
              b: kernel.p,
              c: out,
              m: B,
              k: inW,
              n: C,
              bias: bias.p,
              relu: relu(l),
            }),
          );
        }
        const srcT = transposed(src.off, B, inW);
        const gemmW = a.gemm({ a: srcT, b: d, c: kernel.g, m: inW, k: B, n: C });
        let dx: Step[] = [];
        if (src.d >= 0) {
          const wT = a.alloc(C * inW);
          const prod = a.gemm({ a: d, b: wT, c: src.d, m: B, k: C, n: inW });
          dx = [a.transpose(kernel.p, wT, inW, C), prod];
        }
        // Backward in reverse: this layer's steps go in front of the later layers'.
        back.unshift(
          () => reluGrad(a.view(), out, d, B * C, relu(l)),
          gemmW,
          () => colSum(a.view(), d, bias.g, B, C),
          ...dx,
        );
        cur = { off: out, d, layout: 'BGW', width };
        if (l < L - 1) {
          cur = this.toGBW(cur, B, G, forward, back);
          curOwn = true;
        }
        continue;
      }
      // Per member: [B, in] · W_g [in, width] for g < G, input and output GBW.
      const inp = cur.layout === 'GBW' ? cur : this.toGBW(cur, B, G, forward, back);
      const out = a.alloc(G * B * width);
      const d = a.alloc(G * B * width);
      const inT = a.alloc(inW * B);
      const wT = a.alloc(width * inW);
      const fw: Step[] = [];
      const bw: Step[] = [];
      for (let g = 0; g < G; g++) {
        const xg = inp.off + g * B * inW;
        const wg = kernel.p + g * inW * width;
        const og = out + g * B * width;
        const dg = d + g * B * width;
        fw.push(
          a.gemmBias({
            a: xg,
            b: wg,
            c: og,
            m: B,
            k: inW,
            n: width,
            bias: bias.p + g * width,
            relu: relu(l),
          }),
        );
        const gemmW = a.gemm({
          a: inT,
          b: dg,
          c: kernel.g + g * inW * width,
          m: inW,
          k: B,
          n: width,
        });
        bw.push(a.transpose(xg, inT, B, inW), gemmW);
        if (inp.d >= 0) {
          const prod = a.gemm({ a: dg, b: wT, c: inp.d + g * B * inW, m: B, k: width, n: inW });
          bw.push(a.transpose(wg, wT, inW, width), prod);
        }
      }
      forward.push(...fw);
      back.unshift(
        () => reluGrad(a.view(), out, d, G * B * width, relu(l)),
        () => colSumGroups(a.view(), d, bias.g, G, B, width),
        ...bw,
      );
      cur = { off: out, d, layout: 'GBW', width };
    }
    backs.push(back);
    return cur;
  }

  /** A copy of a BGW activation in GBW (forward) and its gradient copied back (backward). */
  private toGBW(act: Act, B: number, G: number, forward: Step[], back: Step[]): Act {
    const a = this.arena;
    const W = act.width;
    const off = a.alloc(G * B * W);
    const d = act.d >= 0 ? a.alloc(G * B * W) : -1;
    forward.push(() => regroup(a.view(), act.off, off, B, G, W, true));
    if (d >= 0) back.unshift(() => regroup(a.view(), d, act.d, B, G, W, false));
    return { off, d, layout: 'GBW', width: W };
  }

  /**
   * Gates' softmax and the mixture: gate logits [B, G, K] and experts [B, E, H] (either layout)
   * → mixed [G, B, H] (GBW, the towers' own inputs). reach[g][k]: the expert that output k of
   * gate g weighs (PLE); MMoE: k itself.
   */
  private mixture(
    experts: Act,
    gates: Act,
    st: Extract<ModelStructure, { kind: 'mixture' }>,
    B: number,
    forward: Step[],
    backs: Step[][],
  ): Act {
    const a = this.arena;
    const E = st.experts.count;
    const G = st.gates.count;
    const K = gates.width;
    const H = experts.width;
    const reach =
      st.reach ?? Array.from({ length: G }, () => Array.from({ length: K }, (_, k) => k));
    const prob = a.alloc(B * G * K); // softmax [B, G, K]
    const dProb = a.alloc(B * G * K);
    const out = a.alloc(G * B * H);
    const d = a.alloc(G * B * H);
    // Strides of (b, g) in the gates and (b, e) in the experts, for either layout.
    const [gB, gG] = gates.layout === 'BGW' ? [G * K, K] : [K, B * K];
    const [eB, eE] = experts.layout === 'BGW' ? [E * H, H] : [H, B * H];
    // Expert offsets per gate output, relative to a row: reach[g][k] · eE.
    const reachOff = Int32Array.from(reach.flat(), (e) => e * eE);
    forward.push(() => {
      const f = a.view();
      for (let b = 0; b < B; b++) {
        const exRow = experts.off + b * eB;
        for (let g = 0; g < G; g++) {
          const src = gates.off + b * gB + g * gG;
          const dst = prob + (b * G + g) * K;
          let max = -Infinity;
          for (let k = 0; k < K; k++) max = Math.max(max, f[src + k]);
          let sum = 0;
          for (let k = 0; k < K; k++) {
            const e = Math.exp(f[src + k] - max);
            f[dst + k] = e;
            sum += e;
          }
          for (let k = 0; k < K; k++) f[dst + k] /= sum;
          const o = out + (g * B + b) * H;
          f.fill(0, o, o + H);
          for (let k = 0; k < K; k++) {
            const wgt = f[dst + k];
            const ex = exRow + reachOff[g * K + k];
            for (let h = 0; h < H; h++) f[o + h] += wgt * f[ex + h];
          }
        }
      }
    });
    backs.push([
      () => {
        const f = a.view();
        for (let b = 0; b < B; b++) {
          const exRow = experts.off + b * eB;
          const deRow = experts.d + b * eB;
          // Experts' gradient: Σ_g gate weight · d mixed; zero first (several gates add up).
          for (let e = 0; e < E; e++) f.fill(0, deRow + e * eE, deRow + e * eE + H);
          for (let g = 0; g < G; g++) {
            const pg = prob + (b * G + g) * K;
            const dpg = dProb + (b * G + g) * K;
            const dm = d + (g * B + b) * H;
            let dot = 0;
            for (let k = 0; k < K; k++) {
              const ex = exRow + reachOff[g * K + k];
              const de = deRow + reachOff[g * K + k];
              const wgt = f[pg + k];
              let s = 0;
              for (let h = 0; h < H; h++) {
                const dmh = f[dm + h];
                s += dmh * f[ex + h];
                f[de + h] += wgt * dmh;
              }
              f[dpg + k] = s;
              dot += s * wgt;
            }
            // Softmax: dz = p ⊙ (dp − Σ dp ⊙ p).
            const dz = gates.d + b * gB + g * gG;
            for (let k = 0; k < K; k++) f[dz + k] = f[pg + k] * (f[dpg + k] - dot);
          }
        }
      },
    ]);
    return { off: out, d, layout: 'GBW', width: H };
  }
}

/** d ← d ⊙ step(out) when `relu` (ReLU passes the gradient where its output is positive). */
function reluGrad(f: Float32Array, out: number, d: number, n: number, relu: boolean) {
  if (!relu) return;
  for (let i = 0; i < n; i++) if (!(f[out + i] > 0)) f[d + i] = 0;
}

/** dst [C] = Σ_r d [rows, C]. */
function colSum(f: Float32Array, d: number, dst: number, rows: number, C: number) {
  f.fill(0, dst, dst + C);
  for (let r = 0; r < rows; r++) {
    const o = d + r * C;
    for (let c = 0; c < C; c++) f[dst + c] += f[o + c];
  }
}

function colSumGroups(f: Float32Array, d: number, dst: number, G: number, B: number, W: number) {
  for (let g = 0; g < G; g++) colSum(f, d + g * B * W, dst + g * W, B, W);
}

/** BGW [B, G, W] → GBW [G, B, W] (`toGroups`), or back. */
function regroup(
  f: Float32Array,
  src: number,
  dst: number,
  B: number,
  G: number,
  W: number,
  toGroups: boolean,
) {
  for (let b = 0; b < B; b++) {
    for (let g = 0; g < G; g++) {
      const bgw = (b * G + g) * W;
      const gbw = (g * B + b) * W;
      if (toGroups) f.copyWithin(dst + gbw, src + bgw, src + bgw + W);
      else f.copyWithin(dst + bgw, src + gbw, src + gbw + W);
    }
  }
}
