/**
 * The pure helpers that draw text (board table, diagram, chart summaries, verdicts, backend
 * notices) keep English defaults for Node and the machine-readable CSV: those defaults must say
 * exactly what the English i18n table says, and the Chinese table must reach every string.
 */
import { describe, expect, it } from 'vitest';
import {
  boardTable,
  boardToCsv,
  boardToMarkdown,
  describeSettings,
} from '../../src/ui/board/export';
import { summariseLatest } from '../../src/ui/charts/chartData';
import { describeArchitecture } from '../../src/ui/diagram/ArchitectureDiagram';
import { layoutDiagram } from '../../src/ui/diagram/layout';
import { describeBackend, fallbackNotice, localiseError, verdict } from '../../src/ui/format';
import { translate, type Vars } from '../../src/ui/i18n/index';
import type { ModelSettings, RunRecord } from '../../src/ui/state/types';

const en = (k: string, v?: Vars) => translate('en', k, v);
const zh = (k: string, v?: Vars) => translate('zh', k, v);

const MODELS: ModelSettings[] = (['single_task', 'share_bottom', 'mmoe', 'ple'] as const).map(
  (model) => ({
    model,
    bottomHidden: [64],
    expertHidden: [32],
    numExperts: 9,
    expertsPerTask: 1,
    gateHidden: model === 'ple' ? [8] : [],
    towerHidden: [16],
    levels: model === 'ple' ? 2 : 1,
    seed: 1,
  }),
);

function run(id: string, settings: ModelSettings): RunRecord {
  return {
    id,
    model: settings.model,
    modelLabel: translate('en', `exp.model.${settings.model}`),
    modelConfig: settings,
    trainConfig: { learningRate: 0.001, batchSize: 128, epochs: 3, seed: 1 },
    dataLabel: 'short-video generator (20,000 rows, seed 42)',
    taskNames: ['completion', 'like'],
    parameterCount: 12345,
    bestEpoch: 2,
    valAucCurves: [[0.7], [0.6]],
    test: [
      { auc: 0.76, logloss: 0.5 },
      { auc: 0.65, logloss: 0.3 },
    ],
    elapsedMs: 12_345,
    samplesPerSec: 4321.5,
    backend: 'wasm',
    seed: 1,
    status: 'completed',
    finishedAt: 1_700_000_000_000,
  };
}

/** Every Latin word of `s` that is not a name, format or metric kept in Chinese text. */
const englishIn = (s: string) =>
  (s.match(/[A-Za-z][A-Za-z-]+/g) ?? []).filter(
    (w) => !['MMoE', 'PLE', 'Share-Bottom', 'AUC', 'WASM', 'WebGL', 'WebGPU'].includes(w),
  );

describe('English defaults match the English table', () => {
  it('board, diagram and chart summaries', () => {
    const runs = MODELS.map((m, i) => run(`run-${i + 1}`, m));
    expect(boardTable(runs, en).columns).toEqual(boardTable(runs).columns);
    expect(boardToMarkdown(runs, en)).toBe(boardToMarkdown(runs));
    for (const s of MODELS) {
      expect(describeSettings(s, en)).toBe(describeSettings(s));
      expect(describeArchitecture(s, ['completion', 'like'], en)).toBe(
        describeArchitecture(s, ['completion', 'like']),
      );
      expect(layoutDiagram(s, ['completion', 'like'], 28, en)).toEqual(
        layoutDiagram(s, ['completion', 'like'], 28),
      );
    }
    const line = [[{ x: 2, value: 0.75 }], []];
    expect(summariseLatest(['completion', 'like'], line, 'AUC', en)).toBe(
      summariseLatest(['completion', 'like'], line, 'AUC'),
    );
    expect(summariseLatest(['a'], [[]], 'loss', en)).toBe('no loss yet');
  });

  it('backend notices read as the engine writes them', () => {
    const attempts = [
      { name: 'webgpu' as const, ok: false, error: 'no adapter' },
      { name: 'webgl' as const, ok: true },
    ];
    expect(fallbackNotice(attempts)).toBe(
      'WebGPU is not available in this browser (no adapter); using WebGL.',
    );
    expect(fallbackNotice([{ name: 'wasm', ok: true }])).toBeUndefined();
    expect(describeBackend('wasm', 1)).toBe('WASM (1 thread)');
  });
});

describe('Chinese', () => {
  it('board (page, PNG, Markdown) in Chinese; CSV keeps its English keys', () => {
    const runs = MODELS.map((m, i) => run(`run-${i + 1}`, m));
    const md = boardToMarkdown(runs, zh);
    expect(md).toContain('最佳轮次');
    expect(md).toContain('短视频生成器（20,000 行，种子 42）');
    expect(englishIn(md.replace(/run-\d|completion|like/g, ''))).toEqual([]);
    const csv = boardToCsv(runs);
    expect(csv.split('\r\n')[0]).toBe(
      'Run,Model,Test AUC completion,Test AUC like,Best epoch,Parameters,Time (s),Settings,' +
        'Training,Samples/s,Backend,Data,Status',
    );
    expect(csv).toContain('wasm');
    expect(csv).toContain('completed');
  });

  it('diagram, verdicts and notices', () => {
    for (const s of MODELS) {
      const d = layoutDiagram(s, ['completion', 'like'], 28, zh);
      const texts = [
        ...d.nodes.flatMap((n) => [n.label, n.sub ?? '']),
        ...d.labels.map((l) => l.text),
      ];
      expect(englishIn(texts.join(' ').replace(/completion|like/g, ''))).toEqual([]);
      expect(
        englishIn(
          describeArchitecture(s, ['completion', 'like'], zh).replace(/completion|like/g, ''),
        ),
      ).toEqual([]);
    }
    expect(verdict('completion', 0.93, zh)).toBe('会看完视频（0.93）');
    expect(verdict('is_click', 0.2, zh)).toBe('is_click：否（0.20）');
    expect(
      fallbackNotice(
        [
          { name: 'webgpu', ok: false, error: 'no adapter' },
          { name: 'webgl', ok: true },
        ],
        zh,
      ),
    ).toBe('此浏览器无法使用 WebGPU（没有可用的适配器）；改用 WebGL。');
  });

  it('engine errors keep their detail; wrapper and position words are translated', () => {
    const msg = 'Row has 3 fields, expected 5 (data.csv, line 12, column 3)';
    expect(localiseError(msg, en)).toBe(msg);
    expect(localiseError(msg, zh)).toBe(
      '出错：Row has 3 fields, expected 5 (data.csv, 第 12 行, 第 3 列)',
    );
  });
});
