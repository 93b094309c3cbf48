/** Workspace persistence and project files (src/ui/state/persist.ts): pure parts, in Node. */
import { describe, expect, it } from 'vitest';
import { defaultExperiment } from '../../src/ui/state/experiment';
import {
  base64ToBytes,
  bytesToBase64,
  decodeJson,
  encodeJson,
  loadWorkspace,
  parseProject,
  ProjectFileError,
  projectToText,
  reId,
  saveWorkspace,
  type Workspace,
} from '../../src/ui/state/persist';
import type { RunRecord } from '../../src/ui/state/types';

function run(id: string): RunRecord {
  return {
    id,
    model: 'mmoe',
    modelLabel: 'MMoE',
    modelConfig: defaultExperiment().model,
    trainConfig: defaultExperiment().train,
    dataLabel: 'short-video generator',
    taskNames: ['completion', 'like'],
    parameterCount: 1234,
    bestEpoch: 2,
    valAucCurves: [
      [0.61, 0.65],
      [NaN, 0.7],
    ],
    test: [
      { auc: 0.66, logloss: 0.5 },
      { auc: NaN, logloss: Infinity },
    ] as unknown as RunRecord['test'],
    elapsedMs: 1000,
    samplesPerSec: 5000,
    backend: 'wasm',
    seed: 1,
    status: 'completed',
    finishedAt: 1,
  };
}

/** A Storage over a Map (Node has no localStorage). */
function memoryStorage(): Storage {
  const m = new Map<string, string>();
  return {
    get length() {
      return m.size;
    },
    clear: () => m.clear(),
    getItem: (k) => m.get(k) ?? null,
    key: (i) => [...m.keys()][i] ?? null,
    removeItem: (k) => void m.delete(k),
    setItem: (k, v) => void m.set(k, v),
  };
}

describe('workspace persistence', () => {
  it('keeps NaN and infinities in curves and metrics', () => {
    const back = decodeJson(encodeJson({ a: [NaN, 1, Infinity, -Infinity] })) as { a: number[] };
    expect(back.a[0]).toBeNaN();
    expect(back.a.slice(1)).toEqual([1, Infinity, -Infinity]);
  });

  it('round-trips a workspace through storage; unreadable storage gives null', () => {
    const storage = memoryStorage();
    const w: Workspace = { experiment: defaultExperiment(), runs: [run('run-1')] };
    expect(loadWorkspace(storage)).toBeNull();
    saveWorkspace(w, storage);
    const back = loadWorkspace(storage);
    expect(back?.experiment).toEqual(w.experiment);
    expect(back?.runs[0].valAucCurves[1][0]).toBeNaN();
    expect(back?.runs[0].valAucCurves[1][1]).toBe(0.7);
    storage.setItem('mtl-playground.workspace', '{"experiment": 3');
    expect(loadWorkspace(storage)).toBeNull();
  });

  it('gives runs from elsewhere ids that cannot collide with run-N', () => {
    expect(reId([run('run-1'), run('run-2')], 'kept').map((r) => r.id)).toEqual([
      'kept-1',
      'kept-2',
    ]);
  });
});

describe('project files', () => {
  it('export → import keeps runs, settings and the saved models byte for byte', () => {
    const weights = new Uint8Array(70_000).map((_, i) => (i * 31) % 256);
    const entry = {
      key: 'model-1',
      name: 'two-task',
      created: '2026-01-01T00:00:00.000Z',
      model: 'mmoe' as const,
      taskNames: ['completion', 'like'],
      numFeatures: 28,
      parameterCount: 99,
      weightBytes: weights.byteLength,
    };
    const w: Workspace = { experiment: defaultExperiment(), runs: [run('run-1')] };
    const text = projectToText(w, [{ entry, jsonText: '{"format":"x"}', weights: weights.buffer }]);
    const p = parseProject(text);
    expect(p.workspace.experiment).toEqual(w.experiment);
    expect(p.workspace.runs[0].taskNames).toEqual(['completion', 'like']);
    expect(p.models[0].entry).toEqual(entry);
    expect(p.models[0].jsonText).toBe('{"format":"x"}');
    expect(base64ToBytes(p.models[0].weightsBase64)).toEqual(weights);
  });

  it('base64 round-trips every byte value', () => {
    const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(base64ToBytes(bytesToBase64(bytes))).toEqual(bytes);
  });

  it('names what is wrong with a file that is not a project of this version', () => {
    expect(() => parseProject('not json')).toThrow(/not valid JSON/);
    expect(() => parseProject('{"format":"other"}')).toThrow(ProjectFileError);
    const w: Workspace = { experiment: defaultExperiment(), runs: [] };
    const v2 = JSON.parse(projectToText(w, [])) as Record<string, unknown>;
    v2.version = 2;
    expect(() => parseProject(JSON.stringify(v2))).toThrow(/version 2; this page reads version 1/);
    const broken = JSON.parse(projectToText(w, [])) as { workspace: { runs: unknown } };
    broken.workspace.runs = 'none';
    expect(() => parseProject(JSON.stringify(broken))).toThrow(/no list of runs/);
  });
});
