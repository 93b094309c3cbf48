/**
 * Seeded randomness for the whole engine. `Math.random` and `tf.util.shuffle` are not
 * seedable, so every shuffle, split and generator goes through these helpers instead.
 */

/**
 * mulberry32: a small, fast 32-bit PRNG (public domain, Tommy Ettinger). Returns a function
 * yielding floats in [0, 1). The same seed always gives the same sequence.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A writable array-like: plain arrays and every typed array. */
export interface MutableArrayLike<T> {
  length: number;
  [index: number]: T;
}

/** Fisher–Yates shuffle driven by `rng`; works on plain and typed arrays. Returns `arr`. */
export function shuffleInPlace<T, A extends MutableArrayLike<T>>(arr: A, rng: () => number): A {
  for (let i = arr.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const tmp = arr[i];
    arr[i] = arr[j];
    arr[j] = tmp;
  }
  return arr;
}

/** Integer in [0, n). */
export function randomInt(rng: () => number, n: number): number {
  return Math.floor(rng() * n);
}

/** Standard normal sample by Box–Muller (one of the pair; stateless so calls stay reproducible). */
export function normal(rng: () => number): number {
  // 1 - u keeps the argument of log in (0, 1].
  const u1 = 1 - rng();
  const u2 = rng();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}
