/** Binary log loss on probabilities, for evaluation only (training uses the logit form). */

/** Probabilities are clipped to [EPS, 1 − EPS] so one confident mistake cannot give Infinity. */
export const LOGLOSS_EPS = 1e-7;

/**
 * Mean binary cross-entropy −[y·log p + (1−y)·log(1−p)] over n rows.
 * probs: n probabilities in [0, 1]; labels: n values in {0, 1}.
 * @returns the mean; NaN when n = 0.
 * @throws Error when the lengths differ.
 */
export function logloss(probs: ArrayLike<number>, labels: ArrayLike<number>): number {
  const n = probs.length;
  if (labels.length !== n) {
    throw new Error(`logloss: ${n} probabilities but ${labels.length} labels`);
  }
  if (n === 0) return NaN;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const p = Math.min(Math.max(probs[i], LOGLOSS_EPS), 1 - LOGLOSS_EPS);
    const y = labels[i];
    sum -= y * Math.log(p) + (1 - y) * Math.log(1 - p);
  }
  return sum / n;
}
