/**
 * The malformed/unusual CSV corpus (test/fixtures/csv, manifest cases.json): every file is read
 * as the browser reads an upload (a Blob of its bytes) and must give exactly the outcome the
 * manifest states. Plus the size limit, checked before a single byte is read.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_BYTES, parseCsv, type ParseCsvOptions } from '../../src/engine/data/csv';
import { CsvParseError } from '../../src/engine/data/types';

const dir = path.resolve(import.meta.dirname, '../fixtures/csv');

interface Case {
  options?: ParseCsvOptions;
  ok?: { rows: number; tasks: number; features: number; header?: boolean };
  error?: { line: number; column: number; message: string };
}

const manifest = JSON.parse(readFileSync(path.join(dir, 'cases.json'), 'utf8')) as {
  cases: Record<string, Case>;
};
const entries = Object.entries(manifest.cases);

describe('CSV corpus', () => {
  it('has at least 20 files, each listed once in the manifest', () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.csv'));
    expect(files.length).toBeGreaterThanOrEqual(20);
    expect(files.sort()).toEqual(Object.keys(manifest.cases).sort());
  });

  it.each(entries)('%s', async (file, c) => {
    const blob = new Blob([readFileSync(path.join(dir, file))]);
    const outcome = await parseCsv(blob, c.options ?? {}).then(
      (r) => ({ result: r, error: null }),
      (e: unknown) => ({ result: null, error: e }),
    );
    if (c.ok) {
      expect(outcome.error).toBeNull();
      const d = outcome.result!.dataset;
      expect([d.numRows, d.taskNames.length, d.features.length]).toEqual([
        c.ok.rows,
        c.ok.tasks,
        c.ok.features,
      ]);
      expect(outcome.result!.hasHeader).toBe(c.ok.header ?? false);
      for (const col of d.features) {
        for (const v of col.values) expect(Number.isFinite(v)).toBe(true);
      }
    } else {
      expect(c.error).toBeDefined();
      expect(outcome.error).toBeInstanceOf(CsvParseError);
      const e = outcome.error as CsvParseError;
      expect(e.message).toContain(c.error!.message);
      expect([e.location.line, e.location.column]).toEqual([c.error!.line, c.error!.column]);
      // Messages about a line say which one (and which column when there is one).
      if (c.error!.line > 0 && e.message.startsWith('Line')) {
        expect(e.message).toContain(`Line ${c.error!.line}`);
        if (c.error!.column > 0) expect(e.message).toContain(`column ${c.error!.column}`);
      }
    }
  });

  it('values of the unusual-but-valid files are read exactly', async () => {
    const read = async (f: string) =>
      (await parseCsv(new Blob([readFileSync(path.join(dir, f))]))).dataset;
    const exp = await read('ok_exponent.csv');
    expect(Array.from(exp.features[0].values)).toEqual([Math.fround(1e-3), 250]);
    const negZero = await read('ok_negative_zero.csv');
    expect(Array.from(negZero.features[0].values).map((v) => v === 0)).toEqual([true, true]);
    const spaced = await read('ok_whitespace.csv');
    expect(Array.from(spaced.features[0].values)).toEqual([0.5, 1.5]);
    const tf = await read('ok_true_false.csv');
    expect(Array.from(tf.features[1].values)).toEqual([1, 0, 1]);
  });
});

describe('size limit (maxBytes)', () => {
  /** A stream that fails the test if anything reads it. */
  const untouchable: AsyncIterable<Uint8Array> = {
    [Symbol.asyncIterator]: () => {
      throw new Error('the source was read');
    },
  };

  it('rejects a 2 GB file announced by sizeHint before reading it, naming size and limit', async () => {
    const err = await parseCsv(untouchable, { sizeHint: 2 * 1024 ** 3 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CsvParseError);
    expect((err as Error).message).toContain('2048.0 MB');
    expect((err as Error).message).toContain(`${(DEFAULT_MAX_BYTES / 1024 ** 2).toFixed(1)} MB`);
  });

  it('rejects a Blob by its size without slicing it', async () => {
    const huge = {
      size: 3 * 1024 ** 3,
      slice: () => {
        throw new Error('the blob was read');
      },
      arrayBuffer: () => Promise.reject(new Error('the blob was read')),
    } as unknown as Blob;
    const err = await parseCsv(huge).catch((e: unknown) => e);
    expect((err as Error).message).toContain('3072.0 MB');
  });

  it('stops a stream of unknown size once it passes the limit', async () => {
    async function* rows(): AsyncIterable<Uint8Array> {
      for (let i = 0; i < 100; i++) yield new TextEncoder().encode('1,0,0.5,1,3\n'.repeat(100));
    }
    const err = await parseCsv(rows(), { maxBytes: 5000, chunkSize: 1000 }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(CsvParseError);
    expect((err as Error).message).toContain('(maxBytes)');
    // Under the limit the same data parses.
    const ok = await parseCsv(rows(), { maxBytes: 1e6 });
    expect(ok.dataset.numRows).toBe(10000);
  });
});
