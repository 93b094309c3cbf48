/** Public API of the training package. */
export * from './types';
export { Trainer, defaultTrainConfig, EVAL_BATCH_ROWS } from './trainer';
export { perTaskSigmoidCrossEntropy, weightedTaskLoss } from './loss';
export { createAdam, ADAM_BETA1, ADAM_BETA2, ADAM_EPSILON } from './optimizer';
