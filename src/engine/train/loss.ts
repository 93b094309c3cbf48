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
