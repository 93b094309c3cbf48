/**
 * Node-only helper (tests and the CLI): initialise a tfjs backend in Node.
 *
 * This file imports Node modules (`node:module`, `node:path`) and must never be imported by code
 * that runs in the browser or the worker — use src/engine/backend.ts there.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

let wasmPathsSet = false;

/** Absolute directory (with trailing slash) holding the backend's `.wasm` files. */
export function wasmDistDir(): string {
  // The package's main entry lives in dist/, next to the .wasm files.
  const entry = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm');
  return path.dirname(entry) + path.sep;
}

/**
 * Switch tfjs to `name` in Node and wait until it is ready.
 * WASM in Node is single-threaded and needs an absolute directory for its binaries
 * (a URL-like prefix does not work there).
 * @throws Error when the backend fails to initialise.
 */
export async function useNodeBackend(name: 'wasm' | 'cpu'): Promise<void> {
  if (name === 'wasm' && !wasmPathsSet) {
    setWasmPaths(wasmDistDir());
    wasmPathsSet = true;
  }
  const ok = await tf.setBackend(name);
  if (!ok) throw new Error(`tfjs backend "${name}" failed to initialise in Node`);
  await tf.ready();
}
