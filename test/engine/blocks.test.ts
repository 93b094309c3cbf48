import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  bank,
  bankForward,
  expertBank,
  gateBank,
  gateForward,
  mix,
} from '../../src/engine/models/blocks';
import { deriveSeed, ParamStore, stableName } from '../../src/engine/models/init';
import { useNodeBackend } from '../../src/engine/testing/nodeBackend';

const B = 7;
const F = 6;
const E = 3;

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

/**
 * Per-expert reference: a loop of separate 2-D matMuls, each expert's weights sliced out of the
 * fused variables. Returns expert e's output [B, H].
 */
function referenceExpert(b: ReturnType<typeof bank>, x: tf.Tensor2D[], e: number): tf.Tensor2D {
  let h = x[e];
  b.layers.forEach((layer, i) => {
    const out = b.sizes[i];
    const inSize = h.shape[1];
    let w: tf.Tensor2D;
    let bias: tf.Tensor1D;
    if (i === 0 && b.sharedInput) {
      w = tf.slice(layer.kernel, [0, e * out], [inSize, out]) as tf.Tensor2D;
      bias = tf.slice(layer.bias, [e * out], [out]) as tf.Tensor1D;
    } else {
      w = tf.reshape(tf.slice(layer.kernel, [e, 0, 0], [1, inSize, out]), [inSize, out]);
      bias = tf.reshape(tf.slice(layer.bias, [e, 0, 0], [1, 1, out]), [out]);
    }
    const y = tf.add(tf.matMul(h, w), bias) as tf.Tensor2D;
    h = i < b.layers.length - 1 || b.activateLast ? tf.relu(y) : y;
  });
  return h;
}

describe('blocks', () => {
  beforeAll(async () => {
    await useNodeBackend('wasm');
  });

  for (const hidden of [[5], [5, 4]]) {
    for (const sharedInput of [true, false]) {
      it(`fused expert bank equals a per-expert loop (${hidden.length}-layer experts, ${
        sharedInput ? 'shared' : 'own'
      } inputs)`, () => {
        const store = new ParamStore(11);
        const experts = expertBank(store, 'experts', E, F, hidden, sharedInput);
        tf.tidy(() => {
          const x = sharedInput
            ? (tf.randomNormal([B, F], 0, 1, 'float32', 3) as tf.Tensor2D)
            : (tf.randomNormal([B, E, F], 0, 1, 'float32', 3) as tf.Tensor3D);
          const fused = bankForward(experts, x);
          expect(fused.shape).toEqual([B, E, hidden[hidden.length - 1]]);
          const inputs = Array.from({ length: E }, (_, e) =>
            sharedInput
              ? (x as tf.Tensor2D)
              : (tf.reshape(tf.slice(x, [0, e, 0], [B, 1, F]), [B, F]) as tf.Tensor2D),
          );
          for (let e = 0; e < E; e++) {
            const ref = referenceExpert(experts, inputs, e);
            const got = tf.reshape(tf.slice(fused, [0, e, 0], [B, 1, -1]), ref.shape);
            expect(maxAbsDiff(got, ref)).toBeLessThan(1e-5);
            // Not trivially equal because everything is zero after ReLU.
            expect(tf.max(tf.abs(ref)).dataSync()[0]).toBeGreaterThan(0);
          }
        });
        for (const v of store.variables) v.dispose();
      });
    }
  }

  it('gates are softmax rows (sum to 1) and mixing is the weighted sum of experts', () => {
    const store = new ParamStore(5);
    const gates = gateBank(store, 'gates', 2, F, [4], E, true);
    tf.tidy(() => {
      const x = tf.randomNormal([B, F], 0, 1, 'float32', 9) as tf.Tensor2D;
      const g = gateForward(gates, x);
      expect(g.shape).toEqual([B, 2, E]);
      const sums = tf.sum(g, -1).dataSync();
      for (const s of sums) expect(s).toBeCloseTo(1, 5);
      const experts = tf.randomNormal([B, E, 4], 0, 1, 'float32', 10) as tf.Tensor3D;
      const mixed = mix(g, experts);
      expect(mixed.shape).toEqual([B, 2, 4]);
      // Reference: Σ_e g[b,k,e] · experts[b,e,:]
      const ref = tf.sum(tf.mul(tf.expandDims(g, 3), tf.expandDims(experts, 1)), 2);
      expect(maxAbsDiff(mixed, ref)).toBeLessThan(1e-5);
    });
    for (const v of store.variables) v.dispose();
  });

  it('derives non-zero, counter-dependent seeds and strips instance suffixes', () => {
    const seeds = new Set<number>();
    for (const base of [0, 1, -5, 42]) {
      for (let c = 0; c < 50; c++) {
        const s = deriveSeed(base, c);
        expect(s).not.toBe(0);
        seeds.add(s);
      }
    }
    expect(seeds.size).toBe(200);
    expect(stableName('mmoe/experts/l0/kernel__m12')).toBe('mmoe/experts/l0/kernel');
    expect(stableName('plain')).toBe('plain');
  });
});
