import * as tf from '@tensorflow/tfjs';

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
