/**
 * Categorical columns: declared in a headered CSV (by name or index), numbered by the parser,
 * renumbered by a vocabulary built on the training rows (unseen values → OOV id 0), kept out of
 * the feature scaling; and the short-video generator's optional id columns and share label.
 */
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/engine/data/csv';
import { allRows, fillBatch, selectRows } from '../../src/engine/data/dataset';
import { fitScaling } from '../../src/engine/data/scaling';
import { randomSplit } from '../../src/engine/data/split';
import { generateShortVideo } from '../../src/engine/data/synthetic';
import { CsvParseError } from '../../src/engine/data/types';
import {
  applyVocabulary,
  buildVocabulary,
  categoricalModelInputs,
  defaultEmbeddingDim,
  vocabSize,
} from '../../src/engine/data/vocabulary';

const CSV = [
  'click,like,user,age,city',
  '1,0,alice,31,paris',
  '0,0,bob,45,berlin',
  '1,1,alice,22,rome',
  '0,1,carol,60,paris',
  '1,0,dave,38,oslo',
  '0,0,bob,29,"paris"',
].join('\n');

describe('categorical columns in CSV files', () => {
  it('numbers each distinct value 1..N in order of appearance, by name or by index', async () => {
    for (const spec of [
      ['user', 'city'],
      [2, 4],
    ]) {
      const { dataset } = await parseCsv(CSV, { categoricalColumns: spec });
      expect(dataset.taskNames).toEqual(['click', 'like']);
      expect(dataset.features.map((f) => f.name)).toEqual(['user', 'age', 'city']);
      expect(dataset.categorical).toEqual([
        { feature: 0, name: 'user', tokens: ['alice', 'bob', 'carol', 'dave'] },
        { feature: 2, name: 'city', tokens: ['paris', 'berlin', 'rome', 'oslo'] },
      ]);
      expect(Array.from(dataset.features[0].values)).toEqual([1, 2, 1, 3, 4, 2]);
      expect(Array.from(dataset.features[2].values)).toEqual([1, 2, 3, 1, 4, 1]);
      expect(Array.from(dataset.features[1].values)).toEqual([31, 45, 22, 60, 38, 29]);
    }
  });

  it('a file without categorical columns has no categorical entry (unchanged layout)', async () => {
    const { dataset } = await parseCsv('a,b,x\n1,0,2\n0,1,3\n');
    expect(dataset.categorical).toBeUndefined();
  });

  it('clear errors: no header, unknown name, index out of range, a label column', async () => {
    const noHeader = '1,0,7,3\n0,1,8,4\n';
    await expect(parseCsv(noHeader, { categoricalColumns: [2] })).rejects.toThrow(
      /need a header row/,
    );
    await expect(parseCsv(CSV, { categoricalColumns: ['town'] })).rejects.toThrow(
      /"town" is not in the header/,
    );
    await expect(parseCsv(CSV, { categoricalColumns: [9] })).rejects.toThrow(/out of range/);
    await expect(parseCsv(CSV, { categoricalColumns: ['like'] })).rejects.toThrow(/is a label/);
    await expect(parseCsv(CSV, { categoricalColumns: ['user', 2] })).rejects.toBeInstanceOf(
      CsvParseError,
    );
  });

  it('the numeric columns are still validated line by line', async () => {
    const bad = CSV.replace('45', 'old');
    await expect(parseCsv(bad, { categoricalColumns: ['user', 'city'] })).rejects.toThrow(
      /Line 3, column 4 \("age"\): "old" is not a number/,
    );
  });

  it('labelColumns 0 reads a file of features only', async () => {
    const { dataset } = await parseCsv('user,age\nann,3\nbo,4\n', {
      labelColumns: 0,
      categoricalColumns: ['user'],
    });
    expect(dataset.labels).toEqual([]);
    expect(dataset.taskNames).toEqual([]);
    expect(dataset.features.map((f) => f.name)).toEqual(['user', 'age']);
  });
});

describe('vocabulary built on the training rows', () => {
  it('keeps only values seen in train, numbered 1..V; everything else becomes OOV 0', async () => {
    const { dataset } = await parseCsv(CSV, { categoricalColumns: ['user', 'city'] });
    // Train = rows 0, 1, 2 (alice, bob, alice / paris, berlin, rome).
    const train = selectRows(allRows(dataset), [0, 1, 2]);
    const vocab = buildVocabulary(train);
    expect(vocab.columns).toEqual([
      { feature: 0, name: 'user', tokens: ['alice', 'bob'] },
      { feature: 2, name: 'city', tokens: ['paris', 'berlin', 'rome'] },
    ]);
    expect(vocab.columns.map(vocabSize)).toEqual([3, 4]);
    const mapped = applyVocabulary(dataset, vocab);
    // carol and dave were never trained on: id 0; bob in row 5 keeps his train id.
    expect(Array.from(mapped.features[0].values)).toEqual([1, 2, 1, 0, 0, 2]);
    expect(Array.from(mapped.features[2].values)).toEqual([1, 2, 3, 1, 0, 1]);
    // Numeric columns are shared, not copied; the input is not modified.
    expect(mapped.features[1]).toBe(dataset.features[1]);
    expect(Array.from(dataset.features[0].values)).toEqual([1, 2, 1, 3, 4, 2]);
    expect(categoricalModelInputs(vocab, 4)).toEqual({
      categorical: [
        { column: 0, vocabSize: 3, dim: 4 },
        { column: 2, vocabSize: 4, dim: 4 },
      ],
    });
  });

  it('renumbers a separately parsed file by value text, not by its own ids', async () => {
    const { dataset: train } = await parseCsv(CSV, { categoricalColumns: ['user', 'city'] });
    const vocab = buildVocabulary(allRows(train));
    const other = 'click,like,user,age,city\n1,0,dave,1,rome\n0,0,zoe,2,paris\n1,1,bob,3,lima\n';
    const { dataset } = await parseCsv(other, { categoricalColumns: ['user', 'city'] });
    const mapped = applyVocabulary(dataset, vocab);
    expect(Array.from(mapped.features[0].values)).toEqual([4, 0, 2]);
    expect(Array.from(mapped.features[2].values)).toEqual([3, 1, 0]);
    // A file that does not declare the column cannot be mapped.
    const { dataset: plain } = await parseCsv('click,like,user,age,city\n1,0,3,1,2\n');
    expect(() => applyVocabulary(plain, vocab)).toThrow(/does not declare feature 1/);
  });

  it('id columns are never scaled: the batch carries the ids themselves', async () => {
    const { dataset } = await parseCsv(CSV, { categoricalColumns: ['user', 'city'] });
    const rows = allRows(dataset);
    const mapped = applyVocabulary(dataset, buildVocabulary(rows));
    const scaling = fitScaling({ data: mapped, rows: rows.rows }, 'standard');
    expect(scaling.columns[0]).toEqual({ name: 'user', log: false, mean: 0, std: 1 });
    expect(scaling.columns[2]).toEqual({ name: 'city', log: false, mean: 0, std: 1 });
    expect(scaling.columns[1].std).not.toBe(1);
    const x = new Float32Array(6 * 3);
    const y = new Float32Array(6 * 2);
    fillBatch(mapped, rows.rows, 0, 6, scaling, x, y);
    expect([0, 1, 2, 3, 4, 5].map((r) => x[r * 3])).toEqual([1, 2, 1, 3, 4, 2]);
  });

  it('default embedding width grows with the table and stays within 2..16', () => {
    expect(defaultEmbeddingDim(2)).toBeGreaterThanOrEqual(2);
    expect(defaultEmbeddingDim(9)).toBeLessThan(defaultEmbeddingDim(2000));
    expect(defaultEmbeddingDim(1e6)).toBe(16);
  });
});

describe('short-video generator: id columns and the share label', () => {
  it('leaves the default data unchanged and appends ids and share when asked', () => {
    const plain = generateShortVideo({ rows: 3000, seed: 4 });
    const full = generateShortVideo({ rows: 3000, seed: 4, withIds: true, withShare: true });
    expect(plain.features).toHaveLength(28);
    expect(plain.categorical).toBeUndefined();
    expect(plain.taskNames).toEqual(['completion', 'like']);
    expect(full.taskNames).toEqual(['completion', 'like', 'share']);
    expect(full.features.map((f) => f.name).slice(28)).toEqual([
      'user_id',
      'video_id',
      'author_id',
      'category',
    ]);
    for (let f = 0; f < 28; f++) expect(full.features[f].values).toEqual(plain.features[f].values);
    expect(full.labels[0]).toEqual(plain.labels[0]);
    expect(full.labels[1]).toEqual(plain.labels[1]);
    expect(full.categorical?.map((c) => c.feature)).toEqual([28, 29, 30, 31]);
    // Category id agrees with the one-hot columns (category_* are features 20..27).
    const cat = full.features[31].values;
    for (let r = 0; r < 200; r++) expect(full.features[20 + cat[r] - 1].values[r]).toBe(1);
    const again = generateShortVideo({ rows: 3000, seed: 4, withIds: true, withShare: true });
    expect(again).toEqual(full);
  });

  it('share is rare, likelier after a like, and varies by user (the ids carry signal)', () => {
    const d = generateShortVideo({ rows: 40000, seed: 2, withIds: true, withShare: true });
    const [, like, share] = d.labels;
    const rate = (pick: (r: number) => boolean): number => {
      let n = 0;
      let s = 0;
      for (let r = 0; r < d.numRows; r++) {
        if (!pick(r)) continue;
        n++;
        s += share[r];
      }
      return s / n;
    };
    const all = rate(() => true);
    expect(all).toBeGreaterThan(0.01);
    expect(all).toBeLessThan(0.1);
    expect(rate((r) => like[r] === 1)).toBeGreaterThan(2 * rate((r) => like[r] === 0));
    // Per-user share rates spread far more than binomial noise around one common rate would.
    const users = d.features[28].values;
    const count = new Map<number, [number, number]>();
    for (let r = 0; r < d.numRows; r++) {
      const c = count.get(users[r]) ?? [0, 0];
      c[0]++;
      c[1] += share[r];
      count.set(users[r], c);
    }
    let between = 0;
    let noise = 0;
    for (const [n, s] of count.values()) {
      between += n * (s / n - all) ** 2;
      noise += all * (1 - all);
    }
    expect(between / noise).toBeGreaterThan(1.5);
    // Splits and the vocabulary work on generated data too.
    const split = randomSplit(d, { val: 0.1, test: 0.1 }, 1);
    const vocab = buildVocabulary(split.train);
    expect(vocab.columns.map((c) => c.name)).toEqual([
      'user_id',
      'video_id',
      'author_id',
      'category',
    ]);
    expect(vocab.columns[3].tokens).toHaveLength(8);
  });
});
