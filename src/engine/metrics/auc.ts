/**
 * Exact ROC AUC (Mann–Whitney U with average ranks for ties). Pure TypeScript, no tfjs.
 *
 * AUC = P(score of a random positive > score of a random negative) + ½·P(equal), computed from
 * the rank sum of the positives after one O(n log n) sort — no bucketing, no approximation.
 */

/**
 * Exact AUC of `scores` (any real numbers; probabilities or logits give the same result) against
 * 0/1 `labels` (a label ≥ 0.5 counts as positive). Both of length n.
 *
 * @returns AUC in [0, 1]; NaN when the labels hold only one class (or n = 0).
 * @throws Error when a score is NaN (NaN breaks the sort order) or the lengths differ.
 */
export function exactAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const n = scores.length;
  if (labels.length !== n) {
    throw new Error(`exactAuc: ${n} scores but ${labels.length} labels`);
  }
  // Copy to Float64 once: the comparator then reads a flat typed array (fast, and stable
  // whatever ArrayLike the caller passed).
  const keys = new Float64Array(n);
  let numPos = 0;
  for (let i = 0; i < n; i++) {
    const s = scores[i];
    if (Number.isNaN(s)) {
      throw new Error(`exactAuc: score ${i} is NaN (the model produced a non-finite output)`);
    }
    keys[i] = s;
    if (labels[i] >= 0.5) numPos++;
  }
  const numNeg = n - numPos;
  if (numPos === 0 || numNeg === 0) return NaN;

  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  // Comparisons instead of subtraction: Infinity − Infinity would be NaN.
  order.sort((a, b) => (keys[a] < keys[b] ? -1 : keys[a] > keys[b] ? 1 : 0));

  // Sum of the (1-based, tie-averaged) ranks of the positives.
  let rankSumPos = 0;
  let i = 0;
  while (i < n) {
    const v = keys[order[i]];
    let j = i + 1;
    while (j < n && keys[order[j]] === v) j++;
    // Ranks i+1 … j share the average (i + 1 + j) / 2.
    const avgRank = (i + 1 + j) / 2;
    let posInGroup = 0;
    for (let k = i; k < j; k++) if (labels[order[k]] >= 0.5) posInGroup++;
    rankSumPos += posInGroup * avgRank;
    i = j;
  }
  const u = rankSumPos - (numPos * (numPos + 1)) / 2;
  return u / (numPos * numNeg);
}
