import { exactAuc } from './auc';

/**
 * Exact AUC over the most recent `window` (score, label) pairs of ONE task — a bounded-memory
 * view of how training is going (train AUC in the progress chart). Keep one per task: pooling
 * tasks into one AUC would mix labels of different tasks.
 */
export class StreamingAuc {
  readonly window: number;
  private readonly scores: Float64Array;
  private readonly labels: Uint8Array;
  /** Next write position in the ring. */
  private head = 0;
  private filled = 0;

  constructor(window = 4096) {
    if (!Number.isInteger(window) || window < 1) {
      throw new Error(`StreamingAuc: window must be a positive integer, got ${window}`);
    }
    this.window = window;
    this.scores = new Float64Array(window);
    this.labels = new Uint8Array(window);
  }

  /** Number of pairs currently held (≤ window). */
  get size(): number {
    return this.filled;
  }

  /**
   * Appends `count` pairs in order; once full, the oldest are overwritten. Pair i is
   * (scores[offset + i·stride], labels[offset + i·stride]), so task t of row-major [n, T] logits
   * and labels can be pushed without copying (offset t, stride T). Labels are 0/1.
   */
  push(
    scores: ArrayLike<number>,
    labels: ArrayLike<number>,
    count = labels.length,
    offset = 0,
    stride = 1,
  ): void {
    for (let i = 0; i < count; i++) {
      const k = offset + i * stride;
      this.scores[this.head] = scores[k];
      this.labels[this.head] = labels[k] >= 0.5 ? 1 : 0;
      this.head = (this.head + 1) % this.window;
      if (this.filled < this.window) this.filled++;
    }
  }

  /** Exact AUC over the window; NaN until both classes are present. Order does not matter. */
  value(): number {
    return exactAuc(this.scores.subarray(0, this.filled), this.labels.subarray(0, this.filled));
  }

  reset(): void {
    this.head = 0;
    this.filled = 0;
  }
}
