/**
 * `npx tsx test/bench/fusedNaive.ts [cpu|wasm] [batch] [reps]`: where the time of one MMoE step
 * goes, our fused step (FlatAdam + one-op loss) against the naive MMoE (a matMul per expert and
 * gate, tf.train.adam), in Node. Prints each step's 10th-percentile time (steady on a busy
 * machine), the ratio, and the share of kernel time spent in matMuls: when both steps spend
 * most of their time in matMuls of the same FLOPs, the ratio cannot reach 2×.
 */
import * as tf from '@tensorflow/tfjs';
import { naiveMmoe } from '../../src/engine/bench/naiveMmoe';
import { resolvePreset } from '../../src/engine/models/presets';
import { createModel } from '../../src/engine/models/registry';
import { useNodeBackend } from '../../src/engine/testing/nodeBackend';
import {
  perTaskSigmoidCrossEntropy,
  weightedSigmoidCrossEntropy,
} from '../../src/engine/train/loss';
import { createAdam, FlatAdam } from '../../src/engine/train/optimizer';

const quantile = (a: number[], p: number): number => {
  const s = [...a].sort((x, y) => x - y);
  return s[Math.floor(p * (s.length - 1))];
};

async function main(): Promise<void> {
  const backend = process.argv[2] ?? 'cpu';
  if (backend !== 'cpu' && backend !== 'wasm') throw new Error('backend: cpu or wasm');
  const batch = Number(process.argv[3] ?? 512);
  const reps = Number(process.argv[4] ?? 8);
  await useNodeBackend(backend);
  const cfg = resolvePreset('mmoe', 499, 2).model;
  const x = tf.randomUniform([batch, 499], 0, 1, 'float32', 3) as tf.Tensor2D;
  const y = tf.tidy(() =>
    tf.cast(tf.greater(tf.randomUniform([batch, 2], 0, 1, 'float32', 4), 0.5), 'float32'),
  ) as tf.Tensor2D;
  const w = tf.ones([2]) as tf.Tensor1D;
  const model = createModel(cfg);
  const flat = new FlatAdam(model.variables, 0.001);
  const naive = naiveMmoe(cfg);
  const adam = createAdam(0.001);
  const steps: Record<string, { run: () => void; probe: tf.Variable }> = {
    fused: {
      run: () =>
        tf.tidy(() => {
          const { grads } = tf.variableGrads(() => {
            const { loss, perTask } = weightedSigmoidCrossEntropy(model.forward(x), y, w);
            perTask.dispose();
            return loss;
          }, model.variables);
          flat.applyGradients(model.variables.map((v) => grads[v.name]));
        }),
      probe: model.variables[0],
    },
    naive: {
      run: () =>
        tf.tidy(() => {
          adam.minimize(
            () => tf.sum(perTaskSigmoidCrossEntropy(naive.forward(x), y)) as tf.Scalar,
            false,
            naive.vars,
          );
        }),
      probe: naive.vars[0],
    },
  };
  const times: Record<string, number[]> = { fused: [], naive: [] };
  for (const s of Object.values(steps)) for (let i = 0; i < 2; i++) s.run();
  for (let r = 0; r < reps; r++) {
    for (const [name, s] of Object.entries(steps)) {
      const t0 = performance.now();
      s.run();
      await s.probe.data();
      times[name].push(performance.now() - t0);
    }
  }
  for (const [name, s] of Object.entries(steps)) {
    const info = await tf.profile(s.run);
    let all = 0;
    let matMul = 0;
    const byShape = new Map<string, number>();
    for (const k of info.kernels) {
      // Scopes (custom gradients, fused ops) contain kernels that are counted on their own.
      if (k.name.includes('scope') || k.name === 'forward' || k.name.endsWith('__op')) continue;
      const ms = Number(k.kernelTimeMs) || 0;
      all += ms;
      if (k.name === 'BatchMatMul' || k.name === '_FusedMatMul') {
        matMul += ms;
        const key = JSON.stringify(k.inputShapes);
        byShape.set(key, (byShape.get(key) ?? 0) + ms);
      }
    }
    console.log(
      `${name}: step p10 ${quantile(times[name], 0.1).toFixed(1)} ms, ${info.kernels.length} kernels, matMuls ${((100 * matMul) / all).toFixed(0)}% of kernel time`,
    );
    for (const [shape, ms] of byShape)
      if (ms >= 0.05 * matMul) console.log(`  ${shape} ${ms.toFixed(1)} ms`);
  }
  const ratio = quantile(times.naive, 0.1) / quantile(times.fused, 0.1);
  console.log(`${backend} batch ${batch}: fused / naive = ${ratio.toFixed(2)}×`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
