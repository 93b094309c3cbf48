import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  BACKEND_ORDER,
  autoPlan,
  initAutoBackend,
  initBackend,
  probeDevice,
  type BackendName,
  type DeviceProbe,
} from '../../src/engine/backend';

beforeAll(() => {
  // Registers nothing new: importing the wasm package above registered 'wasm'; Node needs an
  // absolute directory for the binaries.
  setWasmPaths(path.resolve('node_modules/@tensorflow/tfjs-backend-wasm/dist') + '/');
});

/** Runs a tiny op on the active backend, so "ok" means "computes", not only "selected". */
async function sumOnActive(): Promise<number> {
  const t = tf.tensor1d([1, 2, 3]).sum();
  const v = (await t.data())[0];
  t.dispose();
  return v;
}

describe('initBackend (Node: wasm and cpu registered, webgpu/webgl not)', () => {
  it.each(['wasm', 'cpu'] as const)('an explicit %s runs on it with no notice', async (name) => {
    const r = await initBackend(name);
    expect(r.backend).toBe(name);
    expect(tf.getBackend()).toBe(name);
    expect(r.notice).toBeUndefined();
    expect(r.attempts).toEqual([{ name, ok: true }]);
    expect(await sumOnActive()).toBe(6);
  });

  it('an unavailable explicit backend falls back in order and says so', async () => {
    const r = await initBackend('webgpu');
    // webgl is not registered in Node either, so the next working one is wasm.
    expect(r.backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(r.attempts.map((a) => [a.name, a.ok])).toEqual([
      ['webgpu', false],
      ['webgl', false],
      ['wasm', true],
    ]);
    expect(r.attempts[0].error).toMatch(/not registered/);
    expect(r.notice).toMatch(/^WebGPU \(not registered[^)]*\) and WebGL .* not available/);
    expect(r.notice).toMatch(/using WASM\.$/);
    expect(await sumOnActive()).toBe(6);
  });

  it('an explicit override is tried first, then the rest in the usual order', async () => {
    const r = await initBackend('webgl');
    expect(r.attempts.map((a) => a.name)).toEqual(['webgl', 'webgpu', 'wasm']);
    expect(r.backend).toBe('wasm');
  });

  it('auto takes the first working backend in WebGPU → WebGL → WASM → CPU order', async () => {
    const r = await initBackend('auto');
    expect(r.backend).toBe('wasm');
    expect(r.notice).toContain('WebGPU');
    const onlyCpu = await initBackend('auto', { order: ['cpu'] });
    expect(onlyCpu).toEqual({ backend: 'cpu', attempts: [{ name: 'cpu', ok: true }] });
  });

  it('setBackend returning false (no throw) is reported as a failed attempt', async () => {
    // A registered backend whose factory fails: tfjs catches it and setBackend resolves false,
    // exactly what WebGPU without an adapter does in a browser.
    tf.registerBackend('webgpu', () => {
      throw new Error('Cannot read properties of null (reading features)');
    });
    try {
      const r = await initBackend('webgpu', { order: ['webgpu', 'cpu'] });
      expect(r.backend).toBe('cpu');
      expect(r.attempts[0]).toMatchObject({ name: 'webgpu', ok: false });
      // Node has no navigator.gpu (Node 20) or no adapter: either way a reason is given.
      expect(r.attempts[0].error).toMatch(/no WebGPU API|no adapter|initialisation failed/);
      expect(r.notice).toMatch(/^WebGPU is not available in this browser \(.+\); using CPU\.$/);
    } finally {
      tf.removeBackend('webgpu');
    }
  });

  it('a backend whose initialisation never settles times out and is dropped, then falls back', async () => {
    // Like the WASM backend whose pthread workers die at start: setBackend never resolves.
    tf.registerBackend('webgl', () => new Promise<never>(() => undefined));
    try {
      const r = await initBackend('webgl', { order: ['webgl', 'cpu'], timeoutMs: 50 });
      expect(r.backend).toBe('cpu');
      expect(r.attempts[0]).toEqual({
        name: 'webgl',
        ok: false,
        error: 'initialisation did not finish within 0 s',
      });
      expect(r.notice).toMatch(/^WebGL is not available .*; using CPU\.$/);
      // tfjs is not left waiting on the dead initialisation.
      await tf.ready();
      expect(await sumOnActive()).toBe(6);
      expect(tf.findBackendFactory('webgl')).toBeNull();
    } finally {
      if (tf.findBackendFactory('webgl') != null) tf.removeBackend('webgl');
    }
  });

  it('beforeInit runs before each attempt and its throw is a failed attempt, not a crash', async () => {
    const seen: BackendName[] = [];
    const r = await initBackend('wasm', {
      order: BACKEND_ORDER,
      beforeInit: (name) => {
        seen.push(name);
        if (name === 'wasm') throw new Error('threads flag rejected');
      },
    });
    expect(seen).toEqual(['wasm', 'cpu']);
    expect(r.backend).toBe('cpu');
    expect(r.attempts[0]).toEqual({ name: 'wasm', ok: false, error: 'threads flag rejected' });
  });
});

describe('Auto without calibration: the backend known to be fastest for the device class', () => {
  const probe = (p: Partial<DeviceProbe>): DeviceProbe => ({
    webgpu: 'none',
    webgpuDetail: 'no adapter',
    webgl: 'none',
    webglDetail: 'no WebGL context',
    ...p,
  });

  it('a hardware WebGPU adapter goes first; a hardware WebGL renderer next; else WASM', () => {
    expect(autoPlan(probe({ webgpu: 'hardware', webgl: 'hardware' }))).toEqual({
      order: ['webgpu', 'webgl', 'wasm', 'cpu'],
      reason: 'webgpu-gpu',
    });
    expect(autoPlan(probe({ webgpu: 'software', webgl: 'hardware' }))).toEqual({
      order: ['webgl', 'wasm', 'cpu', 'webgpu'],
      reason: 'webgl-gpu',
    });
    // This machine: SwiftShader behind both (with --enable-unsafe-webgpu) or no adapter at all.
    for (const webgpu of ['none', 'software'] as const) {
      const plan = autoPlan(probe({ webgpu, webgl: 'software' }));
      expect(plan.reason).toBe('no-gpu');
      expect(plan.order[0]).toBe('wasm');
      // Software GPU emulations are the last resort, after plain-JS CPU.
      expect(plan.order.indexOf('cpu')).toBeLessThan(plan.order.indexOf('webgl'));
    }
  });

  it('probes Node as a device without WebGPU or WebGL', async () => {
    const p = await probeDevice();
    expect(p.webgpu).toBe('none');
    expect(p.webgl).toBe('none');
    expect(p.webglDetail).toMatch(/OffscreenCanvas/);
  });

  it('starts on WASM with the no-GPU reason, and a missing WebGPU adapter is still noticed', async () => {
    // WebGPU registered (as in the browser build) but without an adapter.
    tf.registerBackend('webgpu', () => {
      throw new Error('Cannot read properties of null (reading features)');
    });
    try {
      const r = await initAutoBackend({ probe: probe({ webgl: 'software' }) });
      expect(r.backend).toBe('wasm');
      expect(tf.getBackend()).toBe('wasm');
      expect(r.auto?.reason).toBe('no-gpu');
      // WebGPU was never initialised (no slow probe of a software adapter), only reported.
      expect(r.attempts).toEqual([
        { name: 'webgpu', ok: false, error: 'no adapter' },
        { name: 'wasm', ok: true },
      ]);
      expect(r.notice).toBe('WebGPU is not available in this browser (no adapter); using WASM.');
      expect(await sumOnActive()).toBe(6);
    } finally {
      tf.removeBackend('webgpu');
    }
  });

  it('a software WebGPU adapter is not a failure: no notice, WASM first', async () => {
    const r = await initAutoBackend({ probe: probe({ webgpu: 'software', webgl: 'software' }) });
    expect(r.backend).toBe('wasm');
    expect(r.notice).toBeUndefined();
    expect(r.attempts).toEqual([{ name: 'wasm', ok: true }]);
  });
});
