/**
 * Adam's update as three fused element-wise shader passes on WebGPU (m, v, then the weights)
 * instead of tfjs's twelve element-wise kernels. Adam's passes run over every parameter whatever
 * the batch; on a software WebGPU adapter each pass over a ~75k-parameter model costs
 * milliseconds (bench: "products alone" shows the MMoE step spending half its time outside its
 * matrix products there).
 *
 * Same expression as FlatAdam: m ← β1·m + (1−β1)·g, v ← β2·v + (1−β2)·g²,
 * p ← p − s · m / (√v + ε′) with the bias corrections folded into s and ε′.
 */
import * as tf from '@tensorflow/tfjs';
import { webgpu_util, type WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';

const WORKGROUP: [number, number, number] = [128, 1, 1];

/** The program shape tfjs's WebGPU backend runs (its WebGPUProgram, flat element-wise form). */
interface FlatProgram {
  variableNames: string[];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number];
  size: boolean;
  uniforms: string;
  getUserCode(): string;
}

/**
 * One output element per thread: out[i] = `expr`, where `expr` reads input X at i with tfjs's
 * accessor get<X>ByOutputIndex(index) and the f32 uniforms as uniforms.<name>. A new object per
 * call: the backend rewrites shaderKey in place.
 */
function flatProgram(
  key: string,
  inputs: string[],
  uniforms: string[],
  expr: string,
  n: number,
): FlatProgram {
  const dispatchLayout = webgpu_util.flatDispatchLayout([n]);
  return {
    variableNames: inputs,
    outputShape: [n],
    shaderKey: `mtl_adam_${key}`,
    dispatchLayout,
    dispatch: webgpu_util.computeDispatch(dispatchLayout, [n], WORKGROUP),
    workgroupSize: WORKGROUP,
    size: true,
    uniforms: uniforms.map((u) => `${u} : f32,`).join(' '),
    getUserCode: () => `
      fn main(index : i32) {
        if (index < uniforms.size) {
          setOutputAtIndex(index, ${expr});
        }
      }`,
  };
}

/** Whether the current backend is WebGPU (where gpuAdamUpdate applies). */
export function gpuAdamAvailable(): boolean {
  return tf.getBackend() === 'webgpu';
}

/**
 * New p, m and v (1-D, all of one length) after one Adam step with gradient g, as tensors the
 * engine tracks (call inside tf.tidy). WebGPU only (see gpuAdamAvailable).
 */
export function gpuAdamUpdate(
  p: tf.Tensor1D,
  m: tf.Tensor1D,
  v: tf.Tensor1D,
  g: tf.Tensor1D,
  c: { beta1: number; beta2: number; stepSize: number; eps: number },
): { p: tf.Tensor1D; m: tf.Tensor1D; v: tf.Tensor1D } {
  const backend = tf.backend() as unknown as WebGPUBackend;
  const n = p.size;
  const run = (program: FlatProgram, inputs: tf.Tensor[], values: number[]): tf.Tensor1D =>
    tf.engine().makeTensorFromTensorInfo(
      backend.runWebGPUProgram(
        program as unknown as Parameters<WebGPUBackend['runWebGPUProgram']>[0],
        inputs,
        'float32',
        values.map((data) => ({ type: 'float32', data: [data] })),
      ),
    ) as tf.Tensor1D;
  const G = 'getGByOutputIndex(index)';
  const m2 = run(
    flatProgram(
      'm',
      ['m', 'g'],
      ['b', 'c'],
      `uniforms.b * getMByOutputIndex(index) + uniforms.c * ${G}`,
      n,
    ),
    [m, g],
    [c.beta1, 1 - c.beta1],
  );
  const v2 = run(
    flatProgram(
      'v',
      ['v', 'g'],
      ['b', 'c'],
      `uniforms.b * getVByOutputIndex(index) + uniforms.c * ${G} * ${G}`,
      n,
    ),
    [v, g],
    [c.beta2, 1 - c.beta2],
  );
  const p2 = run(
    flatProgram(
      'p',
      ['p', 'm', 'v'],
      ['s', 'e'],
      'getPByOutputIndex(index) - uniforms.s * getMByOutputIndex(index) / (sqrt(getVByOutputIndex(index)) + uniforms.e)',
      n,
    ),
    [p, m2, v2],
    [c.stepSize, c.eps],
  );
  return { p: p2, m: m2, v: v2 };
}
