import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createGunzip, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseCsv, type CsvSource, type ParseCsvOptions } from '../../src/engine/data/csv';
import { allRows, datasetBytes, positiveRates } from '../../src/engine/data/dataset';
import { CsvParseError, type Dataset, type ParseProgress } from '../../src/engine/data/types';

const VIDEO_DIR = path.resolve(__dirname, '../../../shared/data/video');

/** Expects parseCsv to reject with a CsvParseError at (line, column) with exactly `message`. */
async function expectCsvError(
  source: CsvSource,
  opts: ParseCsvOptions,
  line: number,
  column: number,
  message: string,
): Promise<void> {
  const err = await parseCsv(source, opts).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CsvParseError);
  const e = err as CsvParseError;
  expect(e.message).toBe(message);
  expect(e.location.line).toBe(line);
  expect(e.location.column).toBe(column);
}

/** Plain-object view of a dataset for deep comparison. */
function snapshot(d: Dataset): unknown {
  return {
    numRows: d.numRows,
    taskNames: d.taskNames,
    labels: d.labels.map((l) => Array.from(l)),
    features: d.features.map((c) => ({ name: c.name, kind: c.kind, values: Array.from(c.values) })),
  };
}

async function* inPieces(bytes: Uint8Array, sizes: number[]): AsyncGenerator<Uint8Array> {
  let k = 0;
  for (let i = 0; i < bytes.length;) {
    const n = sizes[k++ % sizes.length];
    yield bytes.subarray(i, i + n);
    i += n;
  }
}

describe('parseCsv: layout', () => {
  it('reads the PaddleRec layout: two labels first, no header, default names', async () => {
    const r = await parseCsv('0,1,73,0,1700.09\n1,0,25,1,0\n');
    const d = r.dataset;
    expect(r.hasHeader).toBe(false);
    expect(d.numRows).toBe(2);
    expect(d.taskNames).toEqual(['completion', 'like']);
    expect(d.features.map((c) => c.name)).toEqual(['f1', 'f2', 'f3']);
    expect(Array.from(d.labels[0])).toEqual([0, 1]);
    expect(Array.from(d.labels[1])).toEqual([1, 0]);
    expect(Array.from(d.features[0].values)).toEqual([73, 25]);
    expect(Array.from(d.features[2].values)).toEqual([Math.fround(1700.09), 0]);
    expect(r.skipped).toEqual({ count: 0, examples: [] });
  });

  it('stores 0/1 columns as Uint8Array and others as Float32Array', async () => {
    const d = (await parseCsv('1,0,1,0.5,3,0\n0,1,0,1,-2,1\n0,0,1,0,7,0\n')).dataset;
    expect(d.features.map((c) => c.kind)).toEqual(['binary', 'float', 'float', 'binary']);
    expect(d.features[0].values).toBeInstanceOf(Uint8Array);
    expect(d.features[1].values).toBeInstanceOf(Float32Array);
    expect(Array.from(d.features[1].values)).toEqual([0.5, 1, 0]);
    expect(Array.from(d.features[2].values)).toEqual([3, -2, 7]);
    for (const l of d.labels) expect(l).toBeInstanceOf(Uint8Array);
  });

  it('promotes a column to float32 late (after several storage chunks) keeping earlier values', async () => {
    const rows: string[] = [];
    const n = 40000;
    for (let i = 0; i < n; i++)
      rows.push(`${i % 2},0,${i % 3 === 0 ? 1 : 0},${i === 35000 ? 2.5 : i % 2}`);
    const d = (await parseCsv(rows.join('\n'))).dataset;
    expect(d.numRows).toBe(n);
    expect(d.features[0].kind).toBe('binary');
    expect(d.features[1].kind).toBe('float');
    const f1 = d.features[1].values;
    expect(f1[35000]).toBe(2.5);
    expect(f1[0]).toBe(0);
    expect(f1[1]).toBe(1);
    expect(f1[16385]).toBe(1);
    expect(f1[39999]).toBe(1);
    const f0 = d.features[0].values;
    expect([f0[39999], f0[39998], f0[39997]]).toEqual([1, 0, 0]); // 39999 = 3·13333
    expect(d.labels[0][39998]).toBe(0);
  });

  it('detects a header (no numeric cell) and uses its names', async () => {
    const r = await parseCsv('income_50k,marital_stat,age,wage\n1,0,73,12.5\n0,1,25,0\n');
    expect(r.hasHeader).toBe(true);
    expect(r.dataset.numRows).toBe(2);
    expect(r.dataset.taskNames).toEqual(['income_50k', 'marital_stat']);
    expect(r.dataset.features.map((c) => c.name)).toEqual(['age', 'wage']);
    const named = await parseCsv('a,b,age,wage\n1,0,73,12.5\n', { labelNames: ['like', 'done'] });
    expect(named.dataset.taskNames).toEqual(['like', 'done']);
  });

  it('treats a first row with any number as data, and honours header: true/false', async () => {
    const r = await parseCsv('1,0,age,2\n0,1,3,4\n', { header: true });
    expect(r.hasHeader).toBe(true);
    expect(r.dataset.features.map((c) => c.name)).toEqual(['age', '2']);
    await expectCsvError(
      'a,b,c\n1,0,2\n',
      { header: false },
      1,
      1,
      'Line 1, column 1 ("completion"): "a" is not a number.',
    );
    // One numeric cell makes the first row data, so its text cells are errors.
    await expectCsvError(
      'x,0,name,1\n',
      {},
      1,
      1,
      'Line 1, column 1 ("completion"): "x" is not a number.',
    );
  });

  it('reads True/False (any case) as 1/0', async () => {
    const r = await parseCsv('c,l,a,b\nTrue,false,TRUE,1.5\nFalse,True,false,2\n');
    const d = r.dataset;
    expect(Array.from(d.labels[0])).toEqual([1, 0]);
    expect(Array.from(d.labels[1])).toEqual([0, 1]);
    expect(d.features[0].kind).toBe('binary');
    expect(Array.from(d.features[0].values)).toEqual([1, 0]);
  });

  it('handles CRLF line ends, a UTF-8 BOM and quoted numbers', async () => {
    const plain = await parseCsv('a,b,c,d\n1,0,1.5,0\n0,1,2,1\n');
    const crlf = await parseCsv('a,b,c,d\r\n1,0,1.5,0\r\n0,1,2,1\r\n');
    const bom = await parseCsv('\uFEFFa,b,c,d\n1,0,1.5,0\n0,1,2,1\n');
    const quoted = await parseCsv('"a","b","c","d"\n"1","0","1.5","0"\n0,1,"2",1\n');
    const bomBytes = new TextEncoder().encode('\uFEFFa,b,c,d\r\n1,0,1.5,0\r\n0,1,2,1');
    const fromBytes = await parseCsv(inPieces(bomBytes, [2, 1, 5]));
    for (const r of [crlf, bom, quoted, fromBytes]) {
      expect(r.hasHeader).toBe(true);
      expect(snapshot(r.dataset)).toEqual(snapshot(plain.dataset));
    }
    // Line numbers stay physical with CRLF.
    await expectCsvError(
      '1,0,2\r\n1,0,3\r\n1,0,x\r\n',
      {},
      3,
      3,
      'Line 3, column 3 ("f1"): "x" is not a number.',
    );
  });

  it('ignores blank lines (and a trailing newline) but counts them as lines', async () => {
    const r = await parseCsv('1,0,2\n\n0,1,3\n\n\n');
    expect(r.dataset.numRows).toBe(2);
    await expectCsvError(
      '1,0,2\n\n0,1,3\n\n1,1,nope\n',
      {},
      5,
      3,
      'Line 5, column 3 ("f1"): "nope" is not a number.',
    );
  });

  it('takes explicit label columns by index, with names', async () => {
    const r = await parseCsv('5,1,6,0,7\n8,0,9,1,10\n', {
      labelColumns: [1, 3],
      labelNames: ['click', 'buy'],
    });
    const d = r.dataset;
    expect(d.taskNames).toEqual(['click', 'buy']);
    expect(Array.from(d.labels[0])).toEqual([1, 0]);
    expect(Array.from(d.labels[1])).toEqual([0, 1]);
    expect(d.features.map((c) => c.name)).toEqual(['f1', 'f2', 'f3']);
    expect(d.features.map((c) => Array.from(c.values))).toEqual([
      [5, 8],
      [6, 9],
      [7, 10],
    ]);
    const h = await parseCsv('x,lab0,y,lab3\n1,0,2,1\n', { labelColumns: [3, 1] });
    expect(h.dataset.taskNames).toEqual(['lab3', 'lab0']);
    expect(Array.from(h.dataset.labels[0])).toEqual([1]);
    expect(h.dataset.features.map((c) => c.name)).toEqual(['x', 'y']);
  });

  it('reads 1-task and 3-task files', async () => {
    const one = await parseCsv('1,2,3\n0,4,5\n', { labelColumns: 1 });
    expect(one.dataset.taskNames).toEqual(['task_1']);
    expect(one.dataset.labels).toHaveLength(1);
    expect(one.dataset.features).toHaveLength(2);
    const three = await parseCsv('1,0,1,2.5\n0,1,1,3.5\n', { labelColumns: 3 });
    expect(three.dataset.taskNames).toEqual(['task_1', 'task_2', 'task_3']);
    expect(Array.from(three.dataset.labels[2])).toEqual([1, 1]);
    expect(three.dataset.features.map((c) => c.name)).toEqual(['f1']);
  });
});

describe('parseCsv: validation errors name line and column', () => {
  it('rejects a ragged row', async () => {
    const rows = Array.from({ length: 8 }, () => '1,0,3,4').join('\n');
    await expectCsvError(`${rows}\n1,0,3\n`, {}, 9, 0, 'Line 9: expected 4 columns but found 3.');
    await expectCsvError('a,b,c\n1,0,2,3\n', {}, 2, 0, 'Line 2: expected 3 columns but found 4.');
  });

  it('rejects a non-numeric cell, naming the header column', async () => {
    const body = Array.from({ length: 15 }, () => '1,0,30').join('\n');
    await expectCsvError(
      `c,l,age\n${body}\n0,1,abc\n`,
      {},
      17,
      3,
      'Line 17, column 3 ("age"): "abc" is not a number.',
    );
  });

  it('rejects NaN, inf, Infinity, -Infinity and empty cells', async () => {
    for (const cell of ['NaN', 'inf', 'Infinity', '-Infinity']) {
      await expectCsvError(
        `1,0,1,2\n0,1,3,${cell}\n`,
        {},
        2,
        4,
        `Line 2, column 4 ("f2"): "${cell}" is not a finite number.`,
      );
    }
    await expectCsvError(
      '1,0,1,2\n0,1,,4\n',
      {},
      2,
      3,
      'Line 2, column 3 ("f1"): the cell is empty.',
    );
    await expectCsvError(
      '1,0,1,2\n0,,3,4\n',
      {},
      2,
      2,
      'Line 2, column 2 ("like"): the cell is empty.',
    );
  });

  it('rejects a label outside {0,1}', async () => {
    const body = Array.from({ length: 4 }, () => '1,0,3').join('\n');
    await expectCsvError(
      `${body}\n1,2,3\n`,
      {},
      5,
      2,
      'Line 5, column 2 ("like"): a label must be 0 or 1, found 2.',
    );
    await expectCsvError(
      '0.5,0,3\n',
      {},
      1,
      1,
      'Line 1, column 1 ("completion"): a label must be 0 or 1, found 0.5.',
    );
  });

  it('rejects an empty file and a header-only file', async () => {
    await expectCsvError('', {}, 0, 0, 'The file is empty.');
    await expectCsvError('\n\r\n\n', {}, 0, 0, 'The file is empty.');
    await expectCsvError(new Blob([]), {}, 0, 0, 'The file is empty.');
    await expectCsvError('a,b,c\n', {}, 1, 0, 'The file has a header row but no data rows.');
  });

  it('rejects label columns out of range and files without feature columns', async () => {
    await expectCsvError(
      '1,0,3,4\n',
      { labelColumns: [0, 7] },
      1,
      0,
      'Line 1: label column index 7 is out of range: the file has 4 columns (0-based indices 0–3).',
    );
    await expectCsvError(
      '1,0\n0,1\n',
      {},
      1,
      0,
      'Line 1: no feature columns are left: the file has 2 columns and 2 are labels.',
    );
    await expectCsvError(
      '1,0,1\n',
      { labelColumns: [2, 0, 1] },
      1,
      0,
      'Line 1: no feature columns are left: all 3 columns are labels.',
    );
    const err = await parseCsv('1,0,3\n', { labelNames: ['only'] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CsvParseError);
    expect((err as Error).message).toContain(
      'labelNames has 1 names but there are 2 label columns',
    );
  });

  it('skips and reports bad rows with skipBadRows, never silently', async () => {
    const lines = ['a,b,x,y'];
    for (let i = 0; i < 150; i++) lines.push(i % 3 === 0 ? `1,0,${i},oops` : `0,1,${i},2`);
    lines.push('1,0,5');
    lines.push('1,3,5,6');
    const r = await parseCsv(lines.join('\n'), { skipBadRows: true });
    expect(r.skipped.count).toBe(52);
    expect(r.dataset.numRows).toBe(100);
    expect(r.skipped.examples).toHaveLength(52);
    expect(r.skipped.examples[0]).toEqual({
      line: 2,
      column: 4,
      reason: 'Line 2, column 4 ("y"): "oops" is not a number.',
    });
    expect(r.skipped.examples[50]).toEqual({
      line: 152,
      column: 0,
      reason: 'Line 152: expected 4 columns but found 3.',
    });
    expect(r.skipped.examples[51].line).toBe(153);
    expect(Array.from(r.dataset.features[0].values.slice(0, 3))).toEqual([1, 2, 4]);

    const many = ['1,0,1', ...Array.from({ length: 250 }, (_, i) => `1,0,${i % 2 ? 'x' : '1'}`)];
    const m = await parseCsv(many.join('\n'), { skipBadRows: true });
    expect(m.skipped.count).toBe(125);
    expect(m.skipped.examples).toHaveLength(100);
    const none = await parseCsv('1,0,x\n1,0,y\n', { skipBadRows: true }).catch((e: unknown) => e);
    expect(none).toBeInstanceOf(CsvParseError);
    expect((none as Error).message).toMatch(
      /^The file has no valid data rows: all 2 rows were skipped/,
    );
  });
});

describe('parseCsv: sources and streaming', () => {
  const makeText = (): string => {
    const lines = ['größe,点赞,f€,"q"'];
    for (let i = 0; i < 3000; i++) {
      lines.push(
        `${i % 2},${(i >> 1) % 2},${(i * 0.37).toFixed(2)},${i % 5 === 0 ? 'True' : '"0"'}`,
      );
    }
    return lines.join('\r\n') + '\r\n';
  };

  it('gives the same result for tiny chunks that split lines and multi-byte characters', async () => {
    const text = makeText();
    const one = await parseCsv(text);
    expect(one.dataset.taskNames).toEqual(['größe', '点赞']);
    expect(one.dataset.features.map((c) => c.name)).toEqual(['f€', 'q']);
    const bytes = new TextEncoder().encode(text);
    // Chunk sizes 1..7 bytes: the multi-byte header characters and CRLFs get split.
    const streamed = await parseCsv(inPieces(bytes, [1, 2, 3, 5, 7, 4, 1]), { chunkSize: 64 });
    expect(snapshot(streamed.dataset)).toEqual(snapshot(one.dataset));
    expect(streamed.bytes).toBe(bytes.length);
    const strings = await parseCsv(
      (async function* () {
        for (let i = 0; i < text.length; i += 13) yield text.slice(i, i + 13);
      })(),
      { chunkSize: 100 },
    );
    expect(snapshot(strings.dataset)).toEqual(snapshot(one.dataset));
    const smallChunks = await parseCsv(text, { chunkSize: 17 });
    expect(snapshot(smallChunks.dataset)).toEqual(snapshot(one.dataset));
  });

  it('reads a Blob in slices and reports its size as totalBytes', async () => {
    const text = makeText();
    const blob = new Blob(['\uFEFF', text]);
    const events: ParseProgress[] = [];
    const r = await parseCsv(blob, { chunkSize: 1000, onProgress: (p) => events.push(p) });
    expect(snapshot(r.dataset)).toEqual(snapshot((await parseCsv(text)).dataset));
    expect(r.bytes).toBe(blob.size);
    const last = events[events.length - 1];
    expect(last.totalBytes).toBe(blob.size);
    expect(last.bytes).toBe(blob.size);
    expect(last.rows).toBe(3000);
  });

  it('reports progress at a bounded rate and yields to the event loop', async () => {
    const rows: string[] = [];
    for (let i = 0; i < 60000; i++) rows.push(`${i % 2},0,${i},${i % 7},0.25,1,0,${i % 3}`);
    const text = rows.join('\n');
    const events: ParseProgress[] = [];
    let timerFired = false;
    setTimeout(() => (timerFired = true), 0);
    const r = await parseCsv(text, {
      chunkSize: 1 << 14,
      sizeHint: 12345,
      onProgress: (p) => events.push(p),
    });
    // The timer can only run before this line if parsing gave the event loop a turn.
    expect(timerFired).toBe(true);
    expect(r.dataset.numRows).toBe(60000);
    expect(events.length).toBeGreaterThanOrEqual(1);
    expect(events.length).toBeLessThanOrEqual(Math.floor(r.elapsedMs / 100) + 2);
    for (let i = 1; i < events.length - 1; i++) {
      expect(events[i].elapsedMs - events[i - 1].elapsedMs).toBeGreaterThanOrEqual(100);
      expect(events[i].rows).toBeGreaterThanOrEqual(events[i - 1].rows);
    }
    expect(events[events.length - 1]).toMatchObject({ rows: 60000, totalBytes: 12345 });
  });
});

describe('parseCsv: the pandas variant of the video data', () => {
  it('reads a header + True/False + CRLF + BOM rewrite of val rows exactly like the original', async () => {
    const gz = await readFile(path.join(VIDEO_DIR, 'val.csv.gz'));
    const lines = gunzipSync(gz).toString('utf8').split('\n').slice(0, 3000);
    const original = await parseCsv(lines.join('\n'));
    const binary = original.dataset.features.map((c) => c.kind === 'binary');
    const names = ['completion', 'like', ...original.dataset.features.map((_, f) => `col_${f}`)];
    const rewritten = lines.map((line) =>
      line
        .split(',')
        .map((cell, j) => (j < 2 || binary[j - 2] ? (cell === '1' ? 'True' : 'False') : cell))
        .join(','),
    );
    const variant = await parseCsv(
      '\uFEFF' + [names.join(','), ...rewritten].join('\r\n') + '\r\n',
    );
    expect(variant.hasHeader).toBe(true);
    expect(variant.dataset.features[0].name).toBe('col_0');
    const strip = (d: Dataset): unknown => ({
      ...(snapshot(d) as object),
      features: d.features.map((c) => ({ kind: c.kind, values: Array.from(c.values) })),
    });
    expect(strip(variant.dataset)).toEqual(strip(original.dataset));
  });
});

describe('parseCsv: the full video train file', () => {
  it('parses 199,523 rows into < 150 MB with the published positive rates', async () => {
    const file = path.join(VIDEO_DIR, 'train.csv.gz');
    const source = createReadStream(file).pipe(createGunzip({ chunkSize: 1 << 20 }));
    const r = await parseCsv(source);
    const d = r.dataset;
    const bytes = datasetBytes(d);
    console.log(
      `video train: ${d.numRows} rows, ${(r.bytes / 1e6).toFixed(1)} MB text in ${(r.elapsedMs / 1000).toFixed(2)} s ` +
        `(${(r.bytes / 1e3 / r.elapsedMs).toFixed(1)} MB/s incl. gunzip), dataset ${(bytes / 1e6).toFixed(1)} MB`,
    );
    expect(d.numRows).toBe(199523);
    expect(r.bytes).toBe(201627631);
    expect(r.hasHeader).toBe(false);
    expect(d.taskNames).toEqual(['completion', 'like']);
    expect(d.features).toHaveLength(499);
    expect(d.features.filter((c) => c.kind === 'float')).toHaveLength(11);
    expect(bytes).toBeLessThan(150e6);
    const [completion, like] = positiveRates(allRows(d));
    expect(completion).toBeCloseTo(0.433, 3);
    expect(like).toBeCloseTo(0.062, 3);
    // First line: 0,0,73,0,0,0,0,1700.09,…
    expect(d.labels[0][0]).toBe(0);
    expect(d.features[0].values[0]).toBe(73);
    expect(d.features[5].values[0]).toBe(Math.fround(1700.09));
  });
});
