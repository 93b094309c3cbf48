/**
 * Choose and initialise a tfjs backend, and say what actually runs.
 *
 * Pure: no DOM, no Node imports, and no backend registration imports — the worker registers
 * webgpu/wasm (browser) and src/engine/testing/nodeBackend.ts does it in Node, so this file stays
 * importable everywhere.
 */
import * as tf from '@tensorflow/tfjs';
import {
  BACKEND_LABELS,
  BACKEND_ORDER,
  type BackendName,
  type BackendPreference,
} from './backendNames';

export { BACKEND_LABELS, BACKEND_ORDER, isBackendName } from './backendNames';
export type { BackendName, BackendPreference } from './backendNames';

export interface BackendAttempt {
  name: BackendName;
  ok: boolean;
  /** Why it failed, as a short phrase (e.g. "no adapter"). */
  error?: string;
}

export interface BackendInitResult {
  /** The backend tfjs now runs on. */
  backend: BackendName;
  /** Every backend tried, in order. */
  attempts: BackendAttempt[];
  /**
   * A plain sentence when the preferred backend could not be used, e.g.
   * "WebGPU is not available in this browser (no adapter); using WASM."
   */
  notice?: string;
  /** Set by initAutoBackend: what the device offers and why this backend was chosen. */
  auto?: AutoChoice;
}

export interface InitBackendOptions {
  /** Restrict/reorder the candidates (default BACKEND_ORDER). */
  order?: readonly BackendName[];
  /** Runs right before `tf.setBackend(name)`, e.g. to set WASM thread counts or flags. */
  beforeInit?: (name: BackendName) => void | Promise<void>;
  /**
   * Give up on a backend whose initialisation has not settled after this long (default 30 s).
   * A broken WASM build (e.g. minified pthread workers that die at start) never settles; without
   * a limit the app would hang instead of falling back.
   */
  timeoutMs?: number;
}

export const DEFAULT_INIT_TIMEOUT_MS = 30_000;

const TIMED_OUT = Symbol('timed out');

/** Resolves to TIMED_OUT after `ms` unless `p` settles first; the timer never outlives the race. */
async function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Structural view of `navigator.gpu`, so this file needs no DOM/WebGPU typings. */
interface GpuLike {
  requestAdapter(): Promise<unknown>;
}

/**
 * Best-effort reason why `name` did not initialise. setBackend only returns false (tfjs logs the
 * real exception as a warning), so we look at the environment ourselves.
 */
async function failureReason(name: BackendName): Promise<string> {
  if (tf.findBackendFactory(name) == null) return 'not registered in this build';
  if (name === 'webgpu') {
    const nav = (globalThis as { navigator?: { gpu?: GpuLike } }).navigator;
    if (nav?.gpu == null) return 'no WebGPU API';
    try {
      const adapter = await nav.gpu.requestAdapter();
      if (adapter == null) return 'no adapter';
    } catch (e) {
      return `adapter request failed: ${errorText(e)}`;
    }
  }
  if (name === 'webgl') {
    const g = globalThis as { OffscreenCanvas?: unknown; document?: unknown };
    if (g.OffscreenCanvas === undefined && g.document === undefined) return 'no canvas';
  }
  return 'initialisation failed';
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Try one backend: true when tfjs runs on it afterwards. Never throws. */
async function tryBackend(name: BackendName, opts: InitBackendOptions): Promise<BackendAttempt> {
  if (tf.findBackendFactory(name) == null) {
    return { name, ok: false, error: 'not registered in this build' };
  }
  try {
    await opts.beforeInit?.(name);
    // setBackend resolves to false (it does not throw) when e.g. WebGPU has no adapter.
    const timeoutMs = opts.timeoutMs ?? DEFAULT_INIT_TIMEOUT_MS;
    const ok = await withTimeout(tf.setBackend(name), timeoutMs);
    if (ok === TIMED_OUT) {
      // The pending initialisation would make tf.ready() wait forever and block every other
      // backend; removing the backend is tfjs's public way to drop it.
      tf.removeBackend(name);
      return {
        name,
        ok: false,
        error: `initialisation did not finish within ${Math.round(timeoutMs / 1000)} s`,
      };
    }
    if (ok && tf.getBackend() === name) {
      await tf.ready();
      return { name, ok: true };
    }
    return { name, ok: false, error: await failureReason(name) };
  } catch (e) {
    return { name, ok: false, error: errorText(e) };
  }
}

/**
 * Initialise tfjs on the preferred backend.
 *
 * - `'auto'`: try WebGPU → WebGL → WASM → CPU and keep the first that works.
 * - an explicit name: try only that one; if it fails, fall back in the usual order.
 *
 * `notice` is set when the preferred backend (for `auto`: the first candidate) was not used.
 * @throws Error only when no candidate initialises at all.
 */
export async function initBackend(
  preference: BackendPreference,
  opts: InitBackendOptions = {},
): Promise<BackendInitResult> {
  const order = opts.order ?? BACKEND_ORDER;
  const candidates: BackendName[] =
    preference === 'auto' ? [...order] : [preference, ...order.filter((n) => n !== preference)];
  const attempts: BackendAttempt[] = [];
  for (const name of candidates) {
    const attempt = await tryBackend(name, opts);
    attempts.push(attempt);
    if (attempt.ok) {
      return { backend: name, attempts, notice: fallbackNotice(attempts) };
    }
  }
  throw new Error(
    `No TensorFlow.js backend could be initialised (${attempts
      .map((a) => `${BACKEND_LABELS[a.name]}: ${a.error ?? 'failed'}`)
      .join('; ')}).`,
  );
}

/**
 * "WebGPU is not available in this browser (no adapter); using WASM." or, with several failures,
 * "WebGPU (no adapter) and WebGL (initialisation failed) are not available in this browser; using
 * WASM." Undefined when the first candidate worked.
 */
function fallbackNotice(attempts: BackendAttempt[]): string | undefined {
  const failed = attempts.filter((a) => !a.ok);
  const used = attempts.find((a) => a.ok);
  if (failed.length === 0 || used === undefined) return undefined;
  const named = failed.map((a) => `${BACKEND_LABELS[a.name]} (${a.error ?? 'failed'})`);
  const subject =
    named.length === 1
      ? `${BACKEND_LABELS[failed[0].name]} is not available in this browser (${failed[0].error ?? 'failed'})`
      : `${named.slice(0, -1).join(', ')} and ${named[named.length - 1]} are not available in this browser`;
  return `${subject}; using ${BACKEND_LABELS[used.name]}.`;
}

// ------------------------------------------------------------------ automatic choice ("Auto")

/** 'none': not usable here; 'software': a CPU emulation (SwiftShader, llvmpipe…); 'hardware': a GPU. */
export type AccelKind = 'none' | 'software' | 'hardware';

/** What the device offers, found without initialising any tfjs backend (a few ms). */
export interface DeviceProbe {
  webgpu: AccelKind;
  /** Why WebGPU is 'none' ("no adapter", "no WebGPU API"), or the adapter's description. */
  webgpuDetail: string;
  webgl: AccelKind;
  /** The WebGL renderer string (e.g. "ANGLE (… SwiftShader …)"), or why there is none. */
  webglDetail: string;
}

/**
 * Why Auto starts where it does before the calibration has measured anything:
 * 'webgpu-gpu' / 'webgl-gpu': a hardware adapter/renderer was found; 'no-gpu': only software
 * emulations (or nothing), where WASM is the fastest by far (TFJS_NOTES: ~10× WebGL on SwiftShader).
 */
export type AutoReason = 'webgpu-gpu' | 'webgl-gpu' | 'no-gpu';

export interface AutoChoice {
  reason: AutoReason;
  probe: DeviceProbe;
}

/** Renderer/adapter names of CPU emulations of a GPU. */
const SOFTWARE_GPU =
  /swiftshader|llvmpipe|lavapipe|softpipe|software|basic render|microsoft basic/i;

/** Structural views of the WebGPU adapter and a WebGL context: no DOM typings needed here. */
interface AdapterLike {
  isFallbackAdapter?: boolean;
  info?: {
    vendor?: string;
    architecture?: string;
    description?: string;
    isFallbackAdapter?: boolean;
  };
}
interface GlLike {
  RENDERER: number;
  getParameter(p: number): unknown;
  getExtension(name: string): unknown;
}

async function probeWebGpu(
  timeoutMs: number,
): Promise<Pick<DeviceProbe, 'webgpu' | 'webgpuDetail'>> {
  const nav = (globalThis as { navigator?: { gpu?: { requestAdapter(): Promise<unknown> } } })
    .navigator;
  if (nav?.gpu == null) return { webgpu: 'none', webgpuDetail: 'no WebGPU API' };
  try {
    const adapter = (await withTimeout(nav.gpu.requestAdapter(), timeoutMs)) as
      AdapterLike | null | typeof TIMED_OUT;
    if (adapter === TIMED_OUT) return { webgpu: 'none', webgpuDetail: 'adapter request timed out' };
    if (adapter == null) return { webgpu: 'none', webgpuDetail: 'no adapter' };
    const info = adapter.info ?? {};
    const detail = [info.vendor, info.architecture, info.description].filter(Boolean).join(' ');
    const fallback = adapter.isFallbackAdapter === true || info.isFallbackAdapter === true;
    return {
      webgpu: fallback || SOFTWARE_GPU.test(detail) ? 'software' : 'hardware',
      webgpuDetail: detail || 'adapter',
    };
  } catch (e) {
    return { webgpu: 'none', webgpuDetail: `adapter request failed: ${errorText(e)}` };
  }
}

function probeWebGl(): Pick<DeviceProbe, 'webgl' | 'webglDetail'> {
  const g = globalThis as {
    OffscreenCanvas?: new (w: number, h: number) => { getContext(kind: string): unknown };
  };
  if (g.OffscreenCanvas === undefined) return { webgl: 'none', webglDetail: 'no OffscreenCanvas' };
  try {
    const canvas = new g.OffscreenCanvas(1, 1);
    const gl = (canvas.getContext('webgl2') ?? canvas.getContext('webgl')) as GlLike | null;
    if (gl === null) return { webgl: 'none', webglDetail: 'no WebGL context' };
    // The unmasked renderer names the real driver; plain RENDERER is often just "WebKit WebGL".
    const ext = gl.getExtension('WEBGL_debug_renderer_info') as {
      UNMASKED_RENDERER_WEBGL: number;
    } | null;
    const renderer = String(gl.getParameter(ext?.UNMASKED_RENDERER_WEBGL ?? gl.RENDERER) ?? '');
    // Free the probe's context now: browsers cap the number of live WebGL contexts.
    (gl.getExtension('WEBGL_lose_context') as { loseContext(): void } | null)?.loseContext();
    return { webgl: SOFTWARE_GPU.test(renderer) ? 'software' : 'hardware', webglDetail: renderer };
  } catch (e) {
    return { webgl: 'none', webglDetail: errorText(e) };
  }
}

/** Looks at the WebGPU adapter and the WebGL renderer; never throws. */
export async function probeDevice(timeoutMs = 3000): Promise<DeviceProbe> {
  return { ...(await probeWebGpu(timeoutMs)), ...probeWebGl() };
}

/**
 * Auto's order before any measurement: a hardware WebGPU adapter first, else a hardware WebGL
 * renderer, else WASM (software GPU emulations are the slowest of all here, so they go last).
 */
export function autoPlan(probe: DeviceProbe): { order: BackendName[]; reason: AutoReason } {
  if (probe.webgpu === 'hardware') {
    return { order: ['webgpu', 'webgl', 'wasm', 'cpu'], reason: 'webgpu-gpu' };
  }
  if (probe.webgl === 'hardware') {
    return { order: ['webgl', 'wasm', 'cpu', 'webgpu'], reason: 'webgl-gpu' };
  }
  return { order: ['wasm', 'cpu', 'webgl', 'webgpu'], reason: 'no-gpu' };
}

/**
 * Auto without waiting for a calibration: probe the device, initialise the backend known to be
 * fastest for its class (autoPlan), and say why. WebGPU missing altogether still yields the usual
 * fallback notice ("WebGPU is not available in this browser (no adapter); using WASM.").
 */
export async function initAutoBackend(
  opts: Omit<InitBackendOptions, 'order'> & { probe?: DeviceProbe } = {},
): Promise<BackendInitResult> {
  const probe = opts.probe ?? (await probeDevice());
  const { order, reason } = autoPlan(probe);
  const r = await initBackend('auto', { ...opts, order });
  const unavailable: BackendAttempt[] =
    probe.webgpu === 'none' && tf.findBackendFactory('webgpu') != null
      ? [{ name: 'webgpu', ok: false, error: probe.webgpuDetail }]
      : [];
  const attempts = [...unavailable, ...r.attempts.filter((a) => a.ok || a.name !== 'webgpu')];
  return {
    backend: r.backend,
    attempts,
    notice: fallbackNotice(attempts),
    auto: { reason, probe },
  };
}
