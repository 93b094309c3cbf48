/**
 * Training losses, always computed from LOGITS (never from probabilities: log(sigmoid(z))
 * underflows to −Infinity for confident mistakes).
 */
import * as tf from '@tensorflow/tfjs';

/**
 * Per-task mean sigmoid cross-entropy.
 * logits: [B, T] raw model outputs; labels: [B, T] in {0, 1} → [T], each the mean over the batch.
 *
 * Uses the stable form max(z, 0) − z·y + log(1 + exp(−|z|)): the exponent is never positive, so
 * nothing overflows, and every op in it has a gradient on every backend.
 */
export function perTaskSigmoidCrossEntropy(logits: tf.Tensor2D, labels: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => {
    const perElement = tf
      .relu(logits)
      .sub(tf.mul(logits, labels))
      .add(tf.log1p(tf.exp(tf.neg(tf.abs(logits)))));
    return tf.mean(perElement, 0) as tf.Tensor1D;
  });
}

/** Weighted sum over tasks: perTask [T] · weights [T] → scalar (what the optimizer minimises). */
export function weightedTaskLoss(perTask: tf.Tensor1D, weights: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => tf.sum(tf.mul(perTask, weights)) as tf.Scalar);
}

/**
 * The training objective in ONE op: Σ_t w_t · mean_b BCE(z_bt, y_bt) from logits [B, T], labels
 * [B, T] and weights [T], with a hand-written gradient w_t/B · (σ(z) − y) — a few kernels instead
 * of the ~40 (with the tape's saved copies) of the op-by-op form. Also returns the per-task means
 * [T] (same values as perTaskSigmoidCrossEntropy), which carry no gradient.
 */
export function weightedSigmoidCrossEntropy(
  logits: tf.Tensor2D,
  labels: tf.Tensor2D,
  weights: tf.Tensor1D,
): { loss: tf.Scalar; perTask: tf.Tensor1D } {
  let perTask: tf.Tensor1D | null = null;
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const z = args[0] as tf.Tensor2D;
    (args[1] as tf.GradSaveFunc)([z]);
    perTask = tf.keep(perTaskSigmoidCrossEntropy(z, labels));
    return {
      value: tf.sum(tf.mul(perTask, weights)) as tf.Scalar,
      gradFunc: (dy: tf.Scalar, saved: tf.Tensor[]) => {
        const scale = tf.mul(weights, tf.div(dy, z.shape[0])); // [T]
        return tf.mul(tf.sub(tf.sigmoid(saved[0]), labels), scale);
      },
    };
  });
  const loss = op(logits) as tf.Scalar;
  return { loss, perTask: perTask as unknown as tf.Tensor1D };
}
