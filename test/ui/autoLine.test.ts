import { describe, expect, it } from 'vitest';
import { translate } from '../../src/ui/i18n';
import { autoLine } from '../../src/ui/panels/BackendSpeeds';
import type { ReadyMessage } from '../../src/worker/protocol';

const en = (key: string, vars?: Record<string, string | number>) => translate('en', key, vars);
const zh = (key: string, vars?: Record<string, string | number>) => translate('zh', key, vars);

const ready = (backend: ReadyMessage['backend']): ReadyMessage => ({
  type: 'ready',
  id: 1,
  backend,
  attempts: [{ name: backend, ok: true }],
  crossOriginIsolated: true,
  wasmThreads: backend === 'wasm' ? 1 : null,
  models: [],
});

const noGpu: NonNullable<ReadyMessage['auto']> = {
  reason: 'no-gpu',
  probe: { webgpu: 'none', webgpuDetail: 'no adapter', webgl: 'software', webglDetail: 'x' },
};

describe('the Auto line: which backend and why', () => {
  it('before the speed check: the interim choice and the device probe behind it', () => {
    expect(autoLine(en, ready('wasm'), null, noGpu)).toBe(
      'Auto: WASM (1 thread) for now — no GPU found (WebGPU: unavailable; WebGL: software emulation), and without one WASM is the fastest. The speed check below may pick another backend for the next run.',
    );
    const gpu = { ...noGpu, reason: 'webgpu-gpu' as const };
    expect(autoLine(en, ready('webgpu'), null, gpu)).toMatch(
      /^Auto: WebGPU for now — a WebGPU adapter on a GPU was found\./,
    );
    expect(autoLine(zh, ready('wasm'), null, noGpu)).toMatch(/^自动：暂用 WASM/);
  });

  it('after the speed check: the calibrated backend, or the one the next run will use', () => {
    expect(autoLine(en, ready('wasm'), 'wasm', noGpu)).toBe(
      'Auto: WASM (1 thread), the fastest in the speed check below.',
    );
    expect(autoLine(en, ready('wasm'), 'webgl', noGpu)).toBe(
      'Auto: the speed check found WebGL fastest; the next run uses it (the current model is on WASM (1 thread)).',
    );
  });
});
