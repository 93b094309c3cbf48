/**
 * Model lifecycle end to end: save → load with categorical inputs gives identical outputs;
 * batch predictions for files with and without the label columns (every task's column);
 * the runner's train (categorical columns, warm start 2 → 3 tasks), predict and paddlerec.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main';
import type { CliIO } from '../../src/cli/progress';
import { parseCsv } from '../../src/engine/data/csv';
import { allRows } from '../../src/engine/data/dataset';
import { fitScaling } from '../../src/engine/data/scaling';
import { generateShortVideo } from '../../src/engine/data/synthetic';
import type { Dataset } from '../../src/engine/data/types';
import {
  applyVocabulary,
  buildVocabulary,
  categoricalModelInputs,
} from '../../src/engine/data/vocabulary';
import { ModelFileError, deserializeModel, serializeModel } from '../../src/engine/io/modelFile';
import { ScoringLayoutError, predictCsv, scoreRows } from '../../src/engine/io/predict';
import { createModel, defaultModelConfig } from '../../src/engine/models';
import { useNodeBackend } from '../../src/engine/testing/nodeBackend';

const CATEGORICAL = ['user_id', 'video_id', 'author_id', 'category'];

/** The generated data as a headered CSV; `labels` picks how many label columns to write. */
function toCsv(d: Dataset, labels: number, rows: number): string {
  const header = [...d.taskNames.slice(0, labels), ...d.features.map((f) => f.name)];
  const cat = new Map((d.categorical ?? []).map((c) => [c.feature, c.tokens]));
  const lines = [header.join(',')];
  for (let r = 0; r < rows; r++) {
    const cells: string[] = [];
    for (let t = 0; t < labels; t++) cells.push(String(d.labels[t][r]));
    d.features.forEach((f, j) => {
      const tokens = cat.get(j);
      cells.push(tokens ? tokens[f.values[r] - 1] : String(f.values[r]));
    });
    lines.push(cells.join(','));
  }
  return lines.join('\n') + '\n';
}

function capture(): CliIO & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    out: () => out,
    err: () => err,
  };
}

const data = generateShortVideo({ rows: 1500, seed: 3, withIds: true, withShare: true });
let tmp: string;

beforeAll(async () => {
  await useNodeBackend('wasm');
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mtl-lifecycle-'));
});

afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('saved models with categorical inputs', () => {
  it('save → load gives identical outputs and keeps the vocabulary; mismatches are refused', async () => {
    const rows = allRows(data);
    const vocab = buildVocabulary(rows);
    const mapped = applyVocabulary(data, vocab);
    const config = {
      ...defaultModelConfig('ple', data.features.length, 3),
      inputs: categoricalModelInputs(vocab, 4),
    };
    const model = createModel(config);
    const scaling = fitScaling({ data: mapped, rows: rows.rows }, 'standard');
    const head = { data: mapped, rows: rows.rows.slice(0, 300) };
    try {
      const { json, weights } = await serializeModel({
        model,
        scaling,
        taskNames: data.taskNames,
        featureNames: data.features.map((f) => f.name),
        vocabulary: vocab,
      });
      expect(json.vocabulary?.columns.map((c) => c.name)).toEqual(CATEGORICAL);
      const loaded = deserializeModel(JSON.stringify(json), weights.slice(0));
      try {
        expect(loaded.vocabulary).toEqual(vocab);
        const a = await scoreRows(model, scaling, head);
        const b = await scoreRows(loaded.model, loaded.scaling, head);
        expect(b.map((p) => Array.from(p))).toEqual(a.map((p) => Array.from(p)));
      } finally {
        loaded.model.dispose();
      }
      const broken = JSON.parse(JSON.stringify(json)) as typeof json;
      broken.vocabulary?.columns[0].tokens.pop();
      expect(() => deserializeModel(broken, weights.slice(0))).toThrow(ModelFileError);
      expect(() => deserializeModel(broken, weights.slice(0))).toThrow(/embedding table of/);
      const missing = JSON.parse(JSON.stringify(json)) as typeof json;
      delete missing.vocabulary;
      expect(() => deserializeModel(missing, weights.slice(0))).toThrow(/vocabulary lists 0/);
      await expect(
        serializeModel({
          model,
          scaling,
          taskNames: data.taskNames,
          featureNames: data.features.map((f) => f.name),
        }),
      ).rejects.toThrow(/categorical inputs/);
    } finally {
      model.dispose();
    }
  });
});

describe('predictCsv', () => {
  it('scores a labelled file and a features-only file alike, every task, labels echoed', async () => {
    const { dataset } = await parseCsv(toCsv(data, 3, 1500), {
      labelColumns: 3,
      categoricalColumns: CATEGORICAL,
    });
    const rows = allRows(dataset);
    const vocab = buildVocabulary({ data: dataset, rows: rows.rows.slice(0, 1000) });
    const model = createModel({
      ...defaultModelConfig('mmoe', dataset.features.length, 3),
      inputs: categoricalModelInputs(vocab, 3),
    });
    const scoring = {
      model,
      scaling: fitScaling({ data: applyVocabulary(dataset, vocab), rows: rows.rows }, 'standard'),
      taskNames: dataset.taskNames,
      vocabulary: vocab,
    };
    try {
      const labelled = await predictCsv(toCsv(data, 3, 200), scoring);
      const plain = await predictCsv(new Blob([toCsv(data, 0, 200)]), scoring, { batchRows: 64 });
      const textL = labelled.csvParts.join('');
      const textP = plain.csvParts.join('');
      const [headL, ...linesL] = textL.trimEnd().split('\n');
      const [headP, ...linesP] = textP.trimEnd().split('\n');
      expect(headL).toBe(
        'completion_label,completion_prob,like_label,like_prob,share_label,share_prob',
      );
      expect(headP).toBe('completion_prob,like_prob,share_prob');
      expect(linesL).toHaveLength(200);
      expect(linesP).toHaveLength(200);
      expect(labelled.labels).not.toBeNull();
      expect(plain.labels).toBeNull();
      for (let i = 0; i < 200; i++) {
        const l = linesL[i].split(',').map(Number);
        const p = linesP[i].split(',').map(Number);
        expect([l[1], l[3], l[5]]).toEqual(p);
        expect([l[0], l[2], l[4]]).toEqual([0, 1, 2].map((t) => data.labels[t][i]));
        for (const v of p) expect(v > 0 && v < 1).toBe(true);
      }
      // Unknown values score as OOV instead of failing.
      const unseen = toCsv(data, 0, 3).replace(/\bu\d+\b/g, 'u_new');
      expect((await predictCsv(unseen, scoring)).rows).toBe(3);
      await expect(predictCsv('a,b\n1,2\n', scoring)).rejects.toBeInstanceOf(ScoringLayoutError);
    } finally {
      model.dispose();
    }
  });
});

describe('runner: categorical train, warm start 2 → 3 tasks, predict, evaluate, paddlerec', () => {
  it('works end to end', async () => {
    const two = path.join(tmp, 'two.csv');
    const three = path.join(tmp, 'three.csv');
    const features = path.join(tmp, 'features.csv');
    fs.writeFileSync(two, toCsv({ ...data, taskNames: data.taskNames.slice(0, 2) }, 2, 1500));
    fs.writeFileSync(three, toCsv(data, 3, 1500));
    fs.writeFileSync(features, toCsv(data, 0, 150));
    const common = [
      '--model',
      'mmoe',
      '--epochs',
      '1',
      '--batch-size',
      '64',
      '--categorical',
      CATEGORICAL.join(','),
    ];

    const io1 = capture();
    const run2 = path.join(tmp, 'run2');
    expect(await main(['train', '--data', two, ...common, '--out', run2], io1), io1.err()).toBe(0);
    expect(io1.out()).toMatch(/vocabulary of the training rows: user_id/);
    const json2 = JSON.parse(fs.readFileSync(path.join(run2, 'model', 'model.json'), 'utf8')) as {
      vocabulary: { columns: { name: string }[] };
      modelConfig: { inputs: { categorical: unknown[] } };
    };
    expect(json2.vocabulary.columns.map((c) => c.name)).toEqual(CATEGORICAL);
    expect(json2.modelConfig.inputs.categorical).toHaveLength(4);
    expect(fs.readFileSync(path.join(run2, 'config_bigdata.yaml'), 'utf8')).toMatch(/gate_num: 2/);

    const io2 = capture();
    const run3 = path.join(tmp, 'run3');
    const args3 = ['train', '--data', three, ...common, '--labels', '3', '--out', run3];
    const warm = ['--warm-start-from', run2, '--warm-start-mode', 'all-matching'];
    expect(await main([...args3, ...warm], io2), io2.err()).toBe(0);
    expect(io2.out()).toMatch(
      /warm start \(all-matching\): \d+ loaded \(\d+ partially\), 0 new, 0 skipped/,
    );
    const summary = JSON.parse(fs.readFileSync(path.join(run3, 'summary.json'), 'utf8')) as {
      taskNames: string[];
      warmStart: { mode: string; loaded: string[]; skipped: string[] };
    };
    expect(summary.taskNames).toEqual(['completion', 'like', 'share']);
    expect(summary.warmStart.mode).toBe('all-matching');
    expect(summary.warmStart.loaded).toContain('mmoe/towers/l0/kernel (partial)');
    expect(summary.warmStart.loaded).toContain('input/embedding/c28');

    for (const [file, header] of [
      [features, 'completion_prob,like_prob,share_prob'],
      [three, 'completion_label,completion_prob,like_label,like_prob,share_label,share_prob'],
    ]) {
      const io3 = capture();
      const out = path.join(tmp, `pred-${path.basename(file)}`);
      expect(
        await main(['predict', '--model-dir', run3, '--data', file, '--out', out], io3),
        io3.err(),
      ).toBe(0);
      const result = JSON.parse(io3.out()) as { rows: number; tasks: string[] };
      const [head, ...lines] = fs.readFileSync(out, 'utf8').trimEnd().split('\n');
      expect(head).toBe(header);
      expect(lines).toHaveLength(result.rows);
      expect(result.tasks).toEqual(['completion', 'like', 'share']);
    }
    const bad = capture();
    expect(
      await main(
        ['predict', '--model-dir', run3, '--data', two, '--out', path.join(tmp, 'x.csv')],
        bad,
      ),
    ).toBe(2);
    expect(bad.err()).toMatch(/columns; the model expects/);

    // evaluate reads the categorical columns through the saved vocabulary too.
    const ioE = capture();
    expect(await main(['evaluate', '--model-dir', run3, '--data', three], ioE), ioE.err()).toBe(0);
    const metrics = (JSON.parse(ioE.out()) as { metrics: Record<string, { auc: number }> }).metrics;
    expect(Object.keys(metrics)).toEqual(['completion', 'like', 'share']);
    expect(metrics.share.auc).toBeGreaterThan(0);

    const io4 = capture();
    expect(await main(['paddlerec', '--model-dir', run3], io4), io4.err()).toBe(0);
    expect(io4.out()).toMatch(/^runner:$/m);
    expect(io4.out()).toMatch(/gate_num: 3/);
    expect(io4.out()).toMatch(/train_batch_size: 64/);
  }, 120_000);

  it('rejects a bad warm-start mode and categorical columns without a header', async () => {
    const io = capture();
    expect(
      await main(
        [
          'train',
          '--data',
          'x.csv',
          '--model',
          'mmoe',
          '--warm-start-from',
          'd',
          '--warm-start-mode',
          'some',
        ],
        io,
      ),
    ).toBe(2);
    expect(io.err()).toMatch(/--warm-start-mode must be one of cold, embeddings/);
    const noHeader = path.join(tmp, 'noheader.csv');
    fs.writeFileSync(noHeader, '1,0,3,4\n0,1,5,6\n1,1,3,3\n0,0,1,2\n');
    const io2 = capture();
    expect(
      await main(['train', '--data', noHeader, '--model', 'mmoe', '--categorical', '2'], io2),
    ).toBe(2);
    expect(io2.err()).toMatch(/need a header row/);
  });
});
