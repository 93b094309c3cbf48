/**
 * Where a compiled training step keeps its numbers, and how it multiplies matrices.
 *
 * A compiled step (compiledStep.ts) works on ONE float32 arena with fixed offsets: parameters,
 * gradients, Adam moments, the batch and every activation are allocated once, and a step is a
 * list of closures over those offsets — no tfjs tensors, no engine bookkeeping. Two arenas:
 *
 * - WasmArena: the arena lives in the tfjs WASM backend's own heap, and matrix products call the
 *   backend's exported BatchMatMul (XNNPACK) directly on registered tensor ids.
 * - JsArena: a plain Float32Array, products in JavaScript (for the CPU backend and as the
 *   reference the WASM path is tested against).
 */

/** C[m, n] = A[m, k] · B[k, n], row-major, on arena offsets (in floats); C is overwritten. */
export interface Product {
  a: number;
  b: number;
  c: number;
  m: number;
  k: number;
  n: number;
}

/** C[m, n] = act(A[m, k] · B[k, n] + bias[n]), act = ReLU when `relu`, else identity. */
export interface BiasedProduct extends Product {
  bias: number;
  relu: boolean;
}

/** A prepared product (see Arena.gemm): runs it on the arena's current values. */
export type Gemm = () => void;

/**
 * One Adam update of n parameters at offsets p, with gradients g and moments m, v:
 *   m ← β1·m + (1−β1)·g,  v ← β2·v + (1−β2)·g²,  p ← p − stepSize · m / (√v + eps)
 * (the bias-corrected form of FlatAdam: stepSize and eps carry the corrections).
 */
export type AdamUpdate = (stepSize: number, eps: number) => void;

/** Adam in plain JavaScript (see AdamUpdate). */
export function adamJs(
  f: Float32Array,
  p: number,
  g: number,
  m: number,
  v: number,
  n: number,
  b1: number,
  b2: number,
  stepSize: number,
  eps: number,
): void {
  for (let i = 0; i < n; i++) {
    const gi = f[g + i];
    const mi = b1 * f[m + i] + (1 - b1) * gi;
    const vi = b2 * f[v + i] + (1 - b2) * gi * gi;
    f[m + i] = mi;
    f[v + i] = vi;
    f[p + i] -= (stepSize * mi) / (Math.sqrt(vi) + eps);
  }
}

export interface Arena {
  /** 'wasm' or 'js'. */
  readonly kind: 'wasm' | 'js';
  /** The current float view over the arena (re-read after WASM calls: the heap may grow). */
  view(): Float32Array;
  /** n floats, zero-filled; returns the offset in floats. Only while compiling. */
  alloc(n: number): number;
  /** A prepared product on fixed offsets and sizes. */
  gemm(p: Product): Gemm;
  /** A prepared product with bias and optional ReLU. */
  gemmBias(p: BiasedProduct): Gemm;
  /** A prepared transpose: dst [cols, rows] = src [rows, cols]ᵀ. */
  transpose(src: number, dst: number, rows: number, cols: number): () => void;
  /** A prepared Adam update over n floats at p, g, m, v with decay rates b1, b2. */
  adam(p: number, g: number, m: number, v: number, n: number, b1: number, b2: number): AdamUpdate;
  dispose(): void;
}

/**
 * Products smaller than this many multiply-adds run in JavaScript even on WASM: XNNPACK repacks
 * its right operand on every call, which costs more than a tiny product.
 */
const XNN_MIN_MACS = 8192;

/**
 * C = A·B in plain JavaScript (i-p-j order: the inner loop runs along rows of B and C).
 * Rows of A that are exactly 0 in a column are skipped — one-hot inputs are mostly zeros. (A
 * non-finite weight then does not reach C through a zero input; the loss check still catches
 * non-finite training, as the weight reaches the loss through the non-zero inputs.)
 */
export function gemmJs(
  f: Float32Array,
  a: number,
  b: number,
  c: number,
  m: number,
  k: number,
  n: number,
): void {
  for (let i = 0; i < m; i++) {
    const ci = c + i * n;
    f.fill(0, ci, ci + n);
    const ai = a + i * k;
    for (let p = 0; p < k; p++) {
      const av = f[ai + p];
      if (av === 0) continue;
      const bp = b + p * n;
      for (let j = 0; j < n; j++) f[ci + j] += av * f[bp + j];
    }
  }
}

/** z [rows, C] += bias [C], then ReLU when `relu`. */
export function biasActJs(
  f: Float32Array,
  z: number,
  bias: number,
  rows: number,
  C: number,
  relu: boolean,
): void {
  for (let r = 0; r < rows; r++) {
    const o = z + r * C;
    for (let c = 0; c < C; c++) {
      const v = f[o + c] + f[bias + c];
      f[o + c] = relu && v < 0 ? 0 : v;
    }
  }
}

/** A product, with its bias and ReLU when it has them, in plain JavaScript. */
export function productJs(f: Float32Array, p: Product | BiasedProduct): void {
  gemmJs(f, p.a, p.b, p.c, p.m, p.k, p.n);
  if ('bias' in p) biasActJs(f, p.c, p.bias, p.m, p.n, p.relu);
}

/** dst [cols, rows] = src [rows, cols]ᵀ in plain JavaScript. */
export function transposeJs(
  f: Float32Array,
  src: number,
  dst: number,
  rows: number,
  cols: number,
): void {
  for (let r = 0; r < rows; r++) {
    const s = src + r * cols;
    for (let c = 0; c < cols; c++) f[dst + c * rows + r] = f[s + c];
  }
}

/** Transposes smaller than this many floats stay in JavaScript on WASM (a call costs more). */
const WASM_TRANSPOSE_MIN = 1024;

/** A growable Float32Array; offsets stay valid when it grows (only while compiling). */
export class JsArena implements Arena {
  readonly kind = 'js' as const;
  private data = new Float32Array(1 << 16);
  private used = 0;

  view(): Float32Array {
    return this.data;
  }

  alloc(n: number): number {
    // 4-float alignment keeps rows of small matrices apart from each other's cache lines.
    const off = (this.used + 3) & ~3;
    if (off + n > this.data.length) {
      let size = this.data.length;
      while (off + n > size) size *= 2;
      const next = new Float32Array(size);
      next.set(this.data);
      this.data = next;
    }
    this.used = off + n;
    return off;
  }

  gemm(p: Product): Gemm {
    return () => productJs(this.data, p);
  }

  gemmBias(p: BiasedProduct): Gemm {
    return () => productJs(this.data, p);
  }

  transpose(src: number, dst: number, rows: number, cols: number): () => void {
    return () => transposeJs(this.data, src, dst, rows, cols);
  }

  adam(p: number, g: number, m: number, v: number, n: number, b1: number, b2: number): AdamUpdate {
    return (stepSize, eps) => adamJs(this.data, p, g, m, v, n, b1, b2, stepSize, eps);
  }

  dispose(): void {
    this.data = new Float32Array(0);
  }
}

type BinaryKernel = (
  a: number,
  aShape: number,
  aRank: number,
  b: number,
  bShape: number,
  bRank: number,
  dtype: number,
  out: number,
) => void;

/** The part of the tfjs WASM backend's Emscripten module that the arena calls. */
interface WasmModule {
  HEAPF32: Float32Array;
  HEAP32: Int32Array;
  _malloc(bytes: number): number;
  _free(ptr: number): void;
  _register_tensor(id: number, size: number, ptr: number): void;
  _dispose_data(id: number): void;
  /** Element-wise binary kernels: (a, aShape, aRank, b, bShape, bRank, dtype, out). */
  _Add: BinaryKernel;
  _Sub: BinaryKernel;
  _Multiply: BinaryKernel;
  _RealDiv: BinaryKernel;
  _Transpose(
    x: number,
    xShape: number,
    rank: number,
    dtype: number,
    out: number,
    perm: number,
    permLen: number,
  ): void;
  /** Element-wise unary kernels: (x, dtype, out). */
  _Sqrt(x: number, dtype: number, out: number): void;
  __FusedMatMul(
    aId: number,
    aShape: number,
    aRank: number,
    bId: number,
    bShape: number,
    bRank: number,
    transposeA: number,
    transposeB: number,
    activation: number,
    biasId: number,
    preluId: number,
    leakyAlpha: number,
    outId: number,
  ): void;
  _BatchMatMul(
    aId: number,
    aShape: number,
    aRank: number,
    bId: number,
    bShape: number,
    bRank: number,
    transposeA: number,
    transposeB: number,
    outId: number,
  ): void;
}

/** The tfjs WASM backend object as far as the arena uses it. */
export interface WasmBackendLike {
  wasm: unknown;
  dataIdNextNumber: number;
}

/** Whether `backend` looks like tfjs's BackendWasm with the exports the arena needs. */
export function isWasmBackend(backend: unknown): backend is WasmBackendLike {
  const b = backend as { wasm?: Partial<WasmModule>; dataIdNextNumber?: unknown } | null;
  const w = b?.wasm;
  return (
    !!w &&
    typeof b?.dataIdNextNumber === 'number' &&
    typeof w._malloc === 'function' &&
    typeof w._register_tensor === 'function' &&
    typeof w._dispose_data === 'function' &&
    typeof w._BatchMatMul === 'function' &&
    typeof w.__FusedMatMul === 'function' &&
    typeof w._Multiply === 'function' &&
    typeof w._Add === 'function' &&
    typeof w._Sub === 'function' &&
    typeof w._RealDiv === 'function' &&
    typeof w._Sqrt === 'function' &&
    typeof w._Transpose === 'function'
  );
}

/**
 * The arena inside the WASM backend's heap. Products call the backend's BatchMatMul export with
 * rank-3 shapes [1, m, k] · [1, k, n] and no transposes — the only form it runs on XNNPACK
 * (transposed operands take a scalar loop there); callers transpose explicitly.
 *
 * XNNPACK caches a packed copy of the right operand keyed by its tensor id. Our buffers change
 * in place, so before each product the right operand's id is released and registered again,
 * which drops the cached copy (tfjs itself gets the same effect by giving every new tensor a new
 * id).
 */
export class WasmArena implements Arena {
  readonly kind = 'wasm' as const;
  private readonly w: WasmModule;
  private readonly ptrs: number[] = [];
  private readonly ids: number[] = [];

  constructor(private readonly backend: WasmBackendLike) {
    this.w = backend.wasm as WasmModule;
  }

  view(): Float32Array {
    return this.w.HEAPF32;
  }

  alloc(n: number): number {
    const bytes = Math.max(4, n * 4);
    // `>>> 0`: _malloc returns a signed int32 above 2 GB.
    const ptr = this.w._malloc(bytes + 16) >>> 0;
    if (ptr === 0) throw new Error(`WASM heap: cannot allocate ${bytes} bytes`);
    this.ptrs.push(ptr);
    const off = ((ptr + 15) & ~15) >>> 2;
    this.w.HEAPF32.fill(0, off, off + n);
    return off;
  }

  /** A fresh tensor id from the backend's own counter (never reused by tfjs). */
  private register(off: number, size: number): number {
    const id = this.backend.dataIdNextNumber++;
    this.w._register_tensor(id, size, off * 4);
    this.ids.push(id);
    return id;
  }

  /**
   * Ids and rank-3 shapes [1, m, k] · [1, k, n] of an XNNPACK product, or null when it is small
   * enough to run in JavaScript (see XNN_MIN_MACS).
   */
  private prepare(p: Product): { a: number; b: number; c: number; shapes: number } | null {
    if (p.m * p.k * p.n < XNN_MIN_MACS) return null;
    const shapes = this.w._malloc(32) >>> 0;
    this.ptrs.push(shapes);
    this.w.HEAP32.set([1, p.m, p.k, 1, p.k, p.n], shapes >>> 2);
    return {
      a: this.register(p.a, p.m * p.k),
      b: this.register(p.b, p.k * p.n),
      c: this.register(p.c, p.m * p.n),
      shapes,
    };
  }

  /** Drops XNNPACK's packed copy of a buffer that changed in place (see the class comment). */
  private renew(id: number, off: number, size: number): void {
    this.w._dispose_data(id);
    this.w._register_tensor(id, size, off * 4);
  }

  gemm(p: Product): Gemm {
    const w = this.w;
    const ids = this.prepare(p);
    if (!ids) return () => productJs(w.HEAPF32, p);
    return () => {
      this.renew(ids.b, p.b, p.k * p.n);
      w._BatchMatMul(ids.a, ids.shapes, 3, ids.b, ids.shapes + 12, 3, 0, 0, ids.c);
    };
  }

  /**
   * XNNPACK's fused product (bias and ReLU in the same pass). The bias is packed with the weights
   * and cached by its id too, so both are renewed before each call.
   */
  gemmBias(p: BiasedProduct): Gemm {
    const w = this.w;
    const ids = this.prepare(p);
    if (!ids) return () => productJs(w.HEAPF32, p);
    const biasId = this.register(p.bias, p.n);
    const act = p.relu ? 1 : 0; // tfjs-wasm's FusableActivation: 1 = relu, 0 = linear
    return () => {
      this.renew(ids.b, p.b, p.k * p.n);
      this.renew(biasId, p.bias, p.n);
      w.__FusedMatMul(
        ids.a,
        ids.shapes,
        3,
        ids.b,
        ids.shapes + 12,
        3,
        0,
        0,
        act,
        biasId,
        0,
        0,
        ids.c,
      );
    };
  }

  transpose(src: number, dst: number, rows: number, cols: number): () => void {
    const w = this.w;
    if (rows * cols < WASM_TRANSPOSE_MIN) return () => transposeJs(w.HEAPF32, src, dst, rows, cols);
    const x = this.register(src, rows * cols);
    const out = this.register(dst, rows * cols);
    const ptr = w._malloc(16) >>> 0;
    this.ptrs.push(ptr);
    w.HEAP32.set([rows, cols, 1, 0], ptr >>> 2);
    return () => w._Transpose(x, ptr, 2, 0, out, ptr + 8, 2);
  }

  /**
   * Adam as 12 calls of the backend's SIMD element-wise kernels (in place; they read and write
   * the same index, so aliasing is safe) — about twice as fast as the JavaScript loop, which is
   * the largest part of a small-batch step (a ~75k-parameter model).
   */
  adam(p: number, g: number, m: number, v: number, n: number, b1: number, b2: number): AdamUpdate {
    const w = this.w;
    const tmp = this.alloc(n);
    // Scalars: b1, 1−b1, b2, 1−b2, eps, stepSize (the last two rewritten every step).
    const sc = this.alloc(6);
    w.HEAPF32.set([b1, 1 - b1, b2, 1 - b2, 0, 0], sc);
    const [P, G, M, V, X] = [p, g, m, v, tmp].map((off) => this.register(off, n));
    const [B1, C1, B2, C2, EPS, S] = [0, 1, 2, 3, 4, 5].map((i) => this.register(sc + i, 1));
    const shapes = w._malloc(8) >>> 0;
    this.ptrs.push(shapes);
    w.HEAP32.set([n, 1], shapes >>> 2);
    const vec = shapes;
    const one = shapes + 4;
    const F32 = 0;
    // Vector ∘ vector or vector ∘ scalar, into out.
    const bin = (k: BinaryKernel, a: number, b: number, bScalar: boolean, out: number) =>
      k(a, vec, 1, b, bScalar ? one : vec, 1, F32, out);
    return (stepSize, eps) => {
      const f = w.HEAPF32;
      f[sc + 4] = eps;
      f[sc + 5] = stepSize;
      bin(w._Multiply, G, C1, true, X); // (1−β1)·g
      bin(w._Multiply, M, B1, true, M);
      bin(w._Add, M, X, false, M); // m
      bin(w._Multiply, G, G, false, X);
      bin(w._Multiply, X, C2, true, X); // (1−β2)·g²
      bin(w._Multiply, V, B2, true, V);
      bin(w._Add, V, X, false, V); // v
      w._Sqrt(V, F32, X);
      bin(w._Add, X, EPS, true, X);
      bin(w._RealDiv, M, X, false, X);
      bin(w._Multiply, X, S, true, X);
      bin(w._Sub, P, X, false, P);
    };
  }

  dispose(): void {
    for (const id of this.ids) this.w._dispose_data(id);
    for (const p of this.ptrs) this.w._free(p);
    this.ids.length = 0;
    this.ptrs.length = 0;
  }
}
