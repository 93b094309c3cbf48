/**
 * Node-only file helpers for the headless runner: locating data files, streaming (gzipped) CSV
 * into the engine's parser, reading and writing saved models and result files.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import zlib from 'node:zlib';
import type { ModelJson } from '../engine/io/modelFile';
import { WEIGHTS_FILE } from '../engine/io/modelFile';

/** A usage/IO problem the runner reports as one line and exit code 2 (no stack trace). */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}

export interface DataFiles {
  train: string;
  val?: string;
  test?: string;
}

/** First of `base.csv`, `base.csv.gz` in `dir` that exists. */
function findCsv(dir: string, base: string): string | undefined {
  for (const name of [`${base}.csv`, `${base}.csv.gz`]) {
    const p = path.join(dir, name);
    if (fs.existsSync(p) && fs.statSync(p).isFile()) return p;
  }
  return undefined;
}

/**
 * `--data` may be a directory (train.csv[.gz], optional val/test) or a single file.
 * @throws CliError when nothing usable is there.
 */
export function resolveDataFiles(dataPath: string): DataFiles {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dataPath);
  } catch {
    throw new CliError(`--data ${dataPath}: no such file or directory`);
  }
  if (stat.isFile()) return { train: dataPath };
  const train = findCsv(dataPath, 'train');
  if (!train)
    throw new CliError(`--data ${dataPath}: the directory holds no train.csv or train.csv.gz`);
  return { train, val: findCsv(dataPath, 'val'), test: findCsv(dataPath, 'test') };
}

export function isGzip(file: string): boolean {
  return file.toLowerCase().endsWith('.gz');
}

/**
 * Uncompressed size for progress: the file size, or for .gz the ISIZE trailer
 * (uncompressed length mod 2^32, exact for files under 4 GiB).
 */
export function uncompressedSize(file: string): number {
  const size = fs.statSync(file).size;
  if (!isGzip(file) || size < 18) return size;
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(4);
    fs.readSync(fd, buf, 0, 4, size - 4);
    return buf.readUInt32LE(0);
  } finally {
    fs.closeSync(fd);
  }
}

export interface CsvFileSource {
  source: AsyncIterable<Uint8Array>;
  /** Bytes the parser will see (uncompressed), for progress; undefined when unknown. */
  sizeHint?: number;
}

/**
 * Stream a CSV file (plain or gzip) as byte chunks for parseCsv.
 * @param maxRows keep only the first maxRows data rows (a header line, if any, is extra).
 */
export function openCsv(file: string, maxRows?: number): CsvFileSource {
  if (!fs.existsSync(file)) throw new CliError(`${file}: no such file`);
  const raw = fs.createReadStream(file, { highWaterMark: 1 << 20 });
  const stream: NodeJS.ReadableStream = isGzip(file) ? raw.pipe(zlib.createGunzip()) : raw;
  // Surface a damaged gzip as an error of the iteration, and close the file either way.
  if (stream !== raw) raw.on('error', (e) => (stream as zlib.Gunzip).destroy(e));
  const chunks = stream as AsyncIterable<Uint8Array>;
  if (maxRows === undefined) return { source: chunks, sizeHint: uncompressedSize(file) };
  return { source: takeRows(chunks, maxRows, () => raw.destroy()) };
}

/** A line is a header when one of its cells is neither a number nor true/false. */
function looksLikeHeader(line: string): boolean {
  return line
    .replace(/^\uFEFF/, '')
    .split(',')
    .some((cell) => {
      const c = cell.trim().replace(/^"|"$/g, '');
      return c !== '' && !/^(true|false)$/i.test(c) && !Number.isFinite(Number(c));
    });
}

/** Pass through chunks until `maxRows` data lines (plus a header line) have gone by. */
async function* takeRows(
  chunks: AsyncIterable<Uint8Array>,
  maxRows: number,
  close: () => void,
): AsyncGenerator<Uint8Array> {
  let limit = -1; // lines to keep; known once the first line is complete
  let lines = 0;
  let firstLine = '';
  const decoder = new TextDecoder();
  try {
    for await (const chunk of chunks) {
      let start = 0;
      while (true) {
        const nl = chunk.indexOf(10, start);
        if (limit < 0)
          firstLine += decoder.decode(chunk.subarray(start, nl < 0 ? chunk.length : nl), {
            stream: true,
          });
        if (nl < 0) break;
        if (limit < 0) limit = maxRows + (looksLikeHeader(firstLine) ? 1 : 0);
        lines++;
        start = nl + 1;
        if (lines >= limit) {
          yield chunk.subarray(0, nl + 1);
          return;
        }
      }
      yield chunk;
    }
  } finally {
    close();
  }
}

/** Write model.json and weights.bin into `dir` (created if needed). */
export async function writeModelDir(
  dir: string,
  json: ModelJson,
  weights: ArrayBuffer,
): Promise<void> {
  await fsp.mkdir(dir, { recursive: true });
  await fsp.writeFile(path.join(dir, 'model.json'), JSON.stringify(json, null, 2) + '\n');
  await fsp.writeFile(path.join(dir, WEIGHTS_FILE), new Uint8Array(weights));
}

/**
 * Read a saved model directory. `dir` may also be a run directory holding `model/`.
 * @returns the text of model.json and the bytes of weights.bin
 */
export async function readModelDir(
  dir: string,
): Promise<{ jsonText: string; weights: ArrayBuffer }> {
  const candidates = [dir, path.join(dir, 'model')];
  const found = candidates.find((d) => fs.existsSync(path.join(d, 'model.json')));
  if (!found)
    throw new CliError(
      `--model-dir ${dir}: no model.json there (nor in ${path.join(dir, 'model')})`,
    );
  const jsonText = await fsp.readFile(path.join(found, 'model.json'), 'utf8');
  let bytes: Buffer;
  try {
    bytes = await fsp.readFile(path.join(found, WEIGHTS_FILE));
  } catch {
    throw new CliError(`${path.join(found, WEIGHTS_FILE)}: missing`);
  }
  // Copy into an exactly-sized ArrayBuffer (Node may hand out a slice of a shared pool).
  const weights = bytes.buffer.slice(
    bytes.byteOffset,
    bytes.byteOffset + bytes.byteLength,
  ) as ArrayBuffer;
  return { jsonText, weights };
}

export async function writeText(file: string, text: string): Promise<void> {
  await fsp.mkdir(path.dirname(file), { recursive: true });
  await fsp.writeFile(file, text);
}

export async function writeJson(file: string, value: unknown): Promise<void> {
  await writeText(file, JSON.stringify(value, null, 2) + '\n');
}

/** Appends whole lines to a file, creating it (and its directory) on first use. */
export class LineWriter {
  private ready: Promise<void>;
  constructor(readonly file: string) {
    this.ready = fsp
      .mkdir(path.dirname(file), { recursive: true })
      .then(() => fsp.writeFile(file, ''));
  }
  append(line: string): Promise<void> {
    this.ready = this.ready.then(() => fsp.appendFile(this.file, line + '\n'));
    return this.ready;
  }
  flush(): Promise<void> {
    return this.ready;
  }
}
