/**
 * Backend names and labels without tfjs, so the page can show them without bundling tfjs
 * (the page's thread never runs tfjs; the worker does). src/engine/backend.ts re-exports these.
 */
export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';
export type BackendPreference = BackendName | 'auto';

/** Fastest first: the order `auto` tries, and the fallback order after a failed override. */
export const BACKEND_ORDER: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

/** Human names for messages and the UI. */
export const BACKEND_LABELS: Record<BackendName, string> = {
  webgpu: 'WebGPU',
  webgl: 'WebGL',
  wasm: 'WASM',
  cpu: 'CPU',
};

export function isBackendName(v: unknown): v is BackendName {
  return typeof v === 'string' && (BACKEND_ORDER as readonly string[]).includes(v);
}
