/** The page's tfjs-free catalog and diagram against the engine's registry and real models. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createModel,
  defaultModelConfig,
  listModels,
  type ModelName,
} from '../../src/engine/models';
import { catalogEntry, defaultSettings, MODEL_CATALOG } from '../../src/ui/diagram/modelCatalog';
import { layoutDiagram, MAX_SHOWN } from '../../src/ui/diagram/layout';
import type { ModelSettings } from '../../src/ui/state/types';

const TASKS = ['completion', 'like'];

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('model catalog', () => {
  it('lists the registry models with the same labels and descriptions, in order', () => {
    expect(MODEL_CATALOG.map((m) => [m.name, m.label, m.description])).toEqual(
      listModels().map((m) => [m.name, m.label, m.description]),
    );
  });

  it('uses the registry defaults', () => {
    for (const m of listModels()) {
      const full = defaultModelConfig(m.name, 5, 2);
      expect({ ...defaultSettings(m.name), numFeatures: 5, numTasks: 2 }).toEqual(full);
    }
  });

  it('shows exactly the settings each model reads', () => {
    expect(catalogEntry('share_bottom').settings).not.toContain('numExperts');
    expect(catalogEntry('mmoe').settings).not.toContain('levels');
    expect(catalogEntry('ple').settings).toEqual(
      expect.arrayContaining(['numExperts', 'expertsPerTask', 'levels', 'gateHidden']),
    );
  });
});

/** Diagram expert ids in the engine's expert order: [shared…, task₀…, task₁…]. */
function expertIds(s: ModelSettings, level: number): string[] {
  if (s.model === 'mmoe') return Array.from({ length: s.numExperts }, (_, i) => `L${level}e${i}`);
  return [
    ...Array.from({ length: s.numExperts }, (_, i) => `L${level}s${i}`),
    ...TASKS.flatMap((_, k) =>
      Array.from({ length: s.expertsPerTask }, (_, i) => `L${level}t${k}e${i}`),
    ),
  ];
}

describe('architecture diagram', () => {
  const cases: ModelSettings[] = [
    { ...defaultSettings('mmoe'), numExperts: 3 },
    { ...defaultSettings('ple'), numExperts: 2, expertsPerTask: 2, levels: 2 },
    { ...defaultSettings('ple'), levels: 1 },
  ];

  it.each(cases)(
    '$model ($levels level): a gate has an arrow from exactly the experts it can weight',
    (s) => {
      const model = createModel({ ...s, numFeatures: 4, numTasks: TASKS.length });
      try {
        const layout = model.gateLayout(TASKS);
        const weights = tf.tidy(() =>
          model.gates(tf.randomNormal([8, 4], 0, 1, 'float32', 3)).map((g) => g.arraySync()),
        );
        const d = layoutDiagram(s, TASKS);
        layout.forEach((l, li) => {
          const ids = expertIds(s, li);
          expect(ids).toHaveLength(l.experts.length);
          l.gates.forEach((g, gi) => {
            const gateId = g === 'shared' ? `L${li}gs` : `L${li}g${TASKS.indexOf(g)}`;
            const drawn = new Set(
              d.edges.filter((e) => e.to === gateId && !e.dashed).map((e) => e.from),
            );
            // The real model: an expert is reachable iff its weight is not exactly 0.
            const reachable = ids.filter((_, ei) => weights[li][0][gi][ei] !== 0);
            expect([...drawn].sort()).toEqual([...reachable].sort());
          });
        });
        // One output per task, every node inside the drawing.
        expect(d.nodes.filter((n) => n.kind === 'output')).toHaveLength(TASKS.length);
        for (const n of d.nodes) {
          expect(n.x).toBeGreaterThanOrEqual(0);
          expect(n.x + n.w).toBeLessThanOrEqual(d.width);
          expect(n.y + n.h).toBeLessThanOrEqual(d.height);
        }
      } finally {
        model.dispose();
      }
    },
  );

  it('redraws from the settings', () => {
    const count = (s: ModelSettings, kind: string) =>
      layoutDiagram(s, TASKS).nodes.filter((n) => n.kind === kind).length;
    const mmoe = defaultSettings('mmoe');
    expect(count({ ...mmoe, numExperts: 2 }, 'expert')).toBe(2);
    expect(count({ ...mmoe, numExperts: 5 }, 'expert')).toBe(5);
    // Many experts: capped boxes plus one "+n more".
    const many = layoutDiagram({ ...mmoe, numExperts: 12 }, TASKS);
    expect(many.nodes.filter((n) => n.kind === 'expert')).toHaveLength(MAX_SHOWN - 1);
    expect(many.nodes.find((n) => n.kind === 'more')?.label).toBe(`+${12 - MAX_SHOWN + 1} more`);
    expect(count({ ...defaultSettings('ple'), levels: 3 }, 'gate')).toBe(3 * 2 + 2); // + 2 shared gates
    expect(count(defaultSettings('share_bottom'), 'bottom')).toBe(1);
    expect(count(defaultSettings('single_task'), 'bottom')).toBe(2);
    expect(count(defaultSettings('share_bottom'), 'gate')).toBe(0);
    for (const name of ['single_task', 'share_bottom', 'mmoe', 'ple'] as ModelName[]) {
      expect(count(defaultSettings(name), 'tower')).toBe(2);
      expect(count(defaultSettings(name), 'output')).toBe(2);
    }
  });
});
