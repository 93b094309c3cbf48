import { describe, expect, it } from 'vitest';
import {
  boardTable,
  boardToCsv,
  boardToJson,
  boardToMarkdown,
  csvField,
  describeSettings,
  parseBoardJson,
} from '../../src/ui/board/export';
import type { RunRecord } from '../../src/ui/state/types';

function run(id: string, over: Partial<RunRecord> = {}): RunRecord {
  return {
    id,
    model: 'mmoe',
    modelLabel: 'MMoE',
    modelConfig: {
      model: 'mmoe',
      bottomHidden: [64],
      expertHidden: [32],
      numExperts: 4,
      expertsPerTask: 1,
      gateHidden: [],
      towerHidden: [16],
      levels: 1,
      seed: 1,
    },
    trainConfig: { learningRate: 0.001, batchSize: 128, epochs: 3, seed: 1 },
    dataLabel: 'short-video generator (20,000 rows)',
    taskNames: ['completion', 'like'],
    parameterCount: 12345,
    bestEpoch: 2,
    valAucCurves: [
      [0.7, 0.75, 0.74],
      [0.6, NaN, 0.65],
    ],
    test: [
      { auc: 0.7612345, logloss: 0.5 },
      { auc: 0.6543, logloss: 0.3 },
    ],
    elapsedMs: 12_345,
    samplesPerSec: 4321.5,
    backend: 'wasm',
    seed: 1,
    status: 'completed',
    finishedAt: 1_700_000_000_000,
    ...over,
  };
}

/** Minimal RFC 4180 reader for the round trip: quoted fields, doubled quotes, CRLF. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let f = '';
  let q = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (q) {
      if (ch === '"' && text[i + 1] === '"') {
        f += '"';
        i++;
      } else if (ch === '"') q = false;
      else f += ch;
    } else if (ch === '"') q = true;
    else if (ch === ',') {
      row.push(f);
      f = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(f);
      rows.push(row);
      row = [];
      f = '';
      i++;
    } else f += ch;
  }
  return rows;
}

describe('board table', () => {
  it('has one test-AUC column per task across runs, blank where a run lacks it', () => {
    const t = boardTable([
      run('run-1'),
      run('run-2', { taskNames: ['completion', 'share'], test: null }),
    ]);
    const headers = t.columns.map((c) => c.header);
    expect(headers).toContain('Test AUC completion');
    expect(headers).toContain('Test AUC like');
    expect(headers).toContain('Test AUC share');
    const like = headers.indexOf('Test AUC like');
    expect(t.rows[0][like]).toBeCloseTo(0.6543);
    expect(t.rows[1][like]).toBeNull();
    expect(t.rows[0][headers.indexOf('Best epoch')]).toBe(2);
    expect(t.rows[0][headers.indexOf('Parameters')]).toBe(12345);
  });

  it('describes only the settings the model reads', () => {
    const s = run('r').modelConfig;
    expect(describeSettings(s)).toBe('4 experts × 32 · gate linear · tower 16');
    expect(describeSettings({ ...s, model: 'share_bottom' })).toBe('bottom 64 · tower 16');
    expect(
      describeSettings({ ...s, model: 'ple', levels: 2, numExperts: 2, gateHidden: [8] }),
    ).toBe('2 levels · 2 shared + 1/task experts × 32 · gate 8 hidden · tower 16');
  });
});

describe('CSV', () => {
  it('quotes commas, quotes and line breaks (RFC 4180)', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(null)).toBe('');
    expect(csvField(NaN)).toBe('');
    expect(csvField(0.25)).toBe('0.25');
  });

  it('reads back to the same table, numbers at full precision', () => {
    const runs = [run('run-1', { dataLabel: 'my "file", v2.csv' }), run('run-2', { test: null })];
    const csv = boardToCsv(runs);
    expect(csv.endsWith('\r\n')).toBe(true);
    const rows = parseCsv(csv);
    const t = boardTable(runs);
    expect(rows[0]).toEqual(t.columns.map((c) => c.header));
    expect(rows).toHaveLength(3);
    expect(rows[1][t.columns.findIndex((c) => c.key === 'data')]).toBe('my "file", v2.csv');
    expect(Number(rows[1][t.columns.findIndex((c) => c.header === 'Test AUC completion')])).toBe(
      0.7612345,
    );
    expect(rows[2][t.columns.findIndex((c) => c.header === 'Test AUC like')]).toBe('');
  });
});

describe('Markdown', () => {
  it('is a pipe table with aligned numbers, escaped pipes and the best AUC in bold', () => {
    const md = boardToMarkdown([
      run('run-1'),
      run('run-2', {
        dataLabel: 'a|b',
        test: [
          { auc: 0.8, logloss: 0.4 },
          { auc: 0.6, logloss: 0.3 },
        ],
      }),
    ]);
    const lines = md.trim().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^\| Run \| Model \| Test AUC completion \| Test AUC like \|/);
    expect(lines[1]).toMatch(/^\| --- \| --- \| ---: \| ---: \| ---: \| ---: \| ---: \| --- \|/);
    // Same number of cells in every row (escaped pipes do not split cells).
    const cells = (l: string) => l.split(/(?<!\\)\|/).length;
    expect(new Set(lines.map(cells)).size).toBe(1);
    expect(lines[3]).toContain('a\\|b');
    expect(lines[3]).toContain('**0.8000**'); // completion: run-2 is best
    expect(lines[2]).toContain('**0.6543**'); // like: run-1 is best
    expect(lines[2]).toContain('12,345');
  });
});

describe('JSON', () => {
  it('round-trips every run, NaN included', () => {
    const runs = [run('run-1'), run('run-2', { test: null, model: 'ple', modelLabel: 'PLE' })];
    const back = parseBoardJson(boardToJson(runs));
    expect(back).toHaveLength(2);
    expect(back[0].valAucCurves[1][1]).toBeNaN();
    expect(back[0].valAucCurves[1][2]).toBe(0.65);
    expect(back[1].test).toBeNull();
    // Everything else is identical.
    const strip = (r: RunRecord) => ({
      ...r,
      valAucCurves: r.valAucCurves.map((c) => c.map(String)),
    });
    expect(back.map(strip)).toEqual(runs.map(strip));
  });

  it('rejects other files with a clear message', () => {
    expect(() => parseBoardJson('not json')).toThrow(/Not a board JSON file/);
    expect(() => parseBoardJson('{"runs": []}')).toThrow(/format/);
    expect(() =>
      parseBoardJson(JSON.stringify({ format: 'mtl-playground-board', version: 1, runs: [{}] })),
    ).toThrow(/run 1/);
  });
});
