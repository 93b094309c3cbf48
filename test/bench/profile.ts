/**
 * `npx tsx test/bench/profile.ts [model] [batch]`: kernels of ONE training step (forward,
 * backward, Adam) on WASM in Node, with counts and summed kernel times, and a timing split of
 * the Trainer's step (fillBatch, tensor upload, step, readback). Where the speed work looks first.
 */
import * as tf from '@tensorflow/tfjs';
import { createModel } from '../../src/engine/models/registry';
import { resolvePreset } from '../../src/engine/models/presets';
import { FlatAdam } from '../../src/engine/train/optimizer';
import { weightedSigmoidCrossEntropy } from '../../src/engine/train/loss';
import { useNodeBackend } from '../../src/engine/testing/nodeBackend';
import type { ModelName } from '../../src/engine/models/types';

async function main(): Promise<void> {
  const name = (process.argv[2] ?? 'mmoe') as ModelName;
  const batch = Number(process.argv[3] ?? 32);
  await useNodeBackend((process.argv[4] as 'wasm' | 'cpu' | undefined) ?? 'wasm');
  const F = 499;
  const T = 2;
  const cfg = resolvePreset(name, F, T).model;
  const model = createModel(cfg);
  const opt = new FlatAdam(model.variables, 0.001);
  const x = tf.randomUniform([batch, F], 0, 1, 'float32', 3) as tf.Tensor2D;
  const y = tf.cast(tf.greater(tf.randomUniform([batch, T], 0, 1, 'float32', 4), 0.5), 'float32');
  const w = tf.ones([T]) as tf.Tensor1D;
  const step = (): void =>
    tf.tidy(() => {
      const { grads } = tf.variableGrads(() => {
        const { loss, perTask } = weightedSigmoidCrossEntropy(
          model.forward(x),
          y as tf.Tensor2D,
          w,
        );
        perTask.dispose();
        return loss;
      }, model.variables);
      opt.applyGradients(model.variables.map((v) => grads[v.name]));
    });
  for (let i = 0; i < 5; i++) step();
  const info = await tf.profile(step);
  const byKernel = new Map<string, { n: number; ms: number }>();
  for (const k of info.kernels) {
    const e = byKernel.get(k.name) ?? { n: 0, ms: 0 };
    e.n++;
    e.ms += Number(k.kernelTimeMs) || 0;
    byKernel.set(k.name, e);
  }
  for (const k of info.kernels)
    if (k.name === 'BatchMatMul')
      console.log(
        `  matMul ${JSON.stringify(k.inputShapes)} ${JSON.stringify(k.outputShapes)} ${Number(k.kernelTimeMs).toFixed(3)} ms`,
      );
  const rows = [...byKernel.entries()].sort((a, b) => b[1].ms - a[1].ms);
  console.log(`${name} batch ${batch} on ${tf.getBackend()}: ${info.kernels.length} kernels`);
  for (const [k, e] of rows) console.log(`  ${k.padEnd(24)} ×${e.n}  ${e.ms.toFixed(3)} ms`);
  const steps = 200;
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) step();
  const stepMs = (performance.now() - t0) / steps;
  console.log(`step: ${stepMs.toFixed(3)} ms (${Math.round(batch / (stepMs / 1000))} samples/s)`);
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
