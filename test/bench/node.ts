/**
 * `make bench` (Node part): the engine's speed as ratios against simple baselines measured in the
 * same run, written to docs/results/performance-node.{md,json}. Backend: WASM (Node, one thread).
 *
 * Baselines:
 * - parsing: a bare byte scan over the same bytes (counts separators only) → parse / scan ratio;
 * - training: a bare loop of our tfjs-op step (model, one-op loss, FlatAdam) on fixed tensors →
 *   our Trainer (batches drawn and scaled from the dataset, progress readbacks; on WASM it trains
 *   with the compiled step, train/compiled) / bare; and the same model trained the stock tfjs
 *   way (tf.train.adam, op-by-op loss) → step / stock;
 * - fused experts: our MMoE step vs the MMoE peers write (a matMul per expert and gate, a loop
 *   to mix, tf.train.adam);
 * - FLOP-bound fraction: model matMul FLOPs per sample (forward + backward ≈ 3 × forward) ×
 *   samples/s, over the rate of a big square matMul on the same backend.
 * Every speed is the median of ROUNDS alternating measurements (the machine may be shared).
 */
import { createReadStream, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync, createGunzip } from 'node:zlib';
import os from 'node:os';
import * as tf from '@tensorflow/tfjs';
import * as prettier from 'prettier';
import { parseCsv } from '../../src/engine/data/csv';
import { allRows, datasetBytes, fillBatch } from '../../src/engine/data/dataset';
import { fitScaling } from '../../src/engine/data/scaling';
import { createModel, listModels } from '../../src/engine/models/registry';
import { resolvePreset } from '../../src/engine/models/presets';
import {
  bareLoopSamplesPerSec as bareLoop,
  matMulRate,
  trainerSamplesPerSec,
  trainFlopsPerSample,
} from '../../src/engine/bench/loops';
import { naiveMmoe } from '../../src/engine/bench/naiveMmoe';
import { useNodeBackend } from '../../src/engine/testing/nodeBackend';
import type { Dataset } from '../../src/engine/data/types';
import type { ModelConfig, ModelName } from '../../src/engine/models/types';

const root = path.resolve(import.meta.dirname, '../..');
const dataDir = path.resolve(root, '../shared/data/video');
const outDir = path.join(root, 'docs/results');
const quick = process.argv.includes('--quick');
const BATCHES = [32, 512];
const ROUNDS = quick ? 1 : 3;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const now = () => performance.now();
const round = (v: number, d = 0) => Math.round(v * 10 ** d) / 10 ** d;

async function* chunksOf(text: Uint8Array, size = 1 << 20): AsyncIterable<Uint8Array> {
  for (let i = 0; i < text.length; i += size) yield text.subarray(i, i + size);
}

/** The baseline scan: touch every byte once and count commas and newlines. */
function byteScan(bytes: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === 44 || b === 10) n++;
  }
  return n;
}

async function benchParse() {
  const bytes = gunzipSync(readFileSync(path.join(dataDir, 'val.csv.gz')));
  const mb = bytes.length / 1e6;
  const t0 = now();
  const res = await parseCsv(chunksOf(bytes), { sizeHint: bytes.length });
  const parseMs = now() - t0;
  const t1 = now();
  byteScan(bytes);
  const scanMs = now() - t1;
  return {
    data: res.dataset,
    fileMb: mb,
    parseMbPerS: mb / (parseMs / 1000),
    scanMbPerS: mb / (scanMs / 1000),
  };
}

async function benchFullTrainMemory() {
  const stream = createReadStream(path.join(dataDir, 'train.csv.gz')).pipe(createGunzip());
  const t0 = now();
  const res = await parseCsv(stream as AsyncIterable<Uint8Array>);
  return {
    rows: res.dataset.numRows,
    mb: datasetBytes(res.dataset) / 1e6,
    seconds: (now() - t0) / 1000,
  };
}

function censusConfig(name: ModelName, F: number, T: number): ModelConfig {
  return resolvePreset(name, F, T).model;
}

/** fillBatch alone: ms per batch of `batch` random rows (the data pipeline's share of a step). */
function fillBatchMs(data: Dataset, batch: number): number {
  const train = allRows(data);
  const scaling = fitScaling(train, 'standard');
  const F = data.features.length;
  const T = data.taskNames.length;
  const x = new Float32Array(batch * F);
  const y = new Float32Array(batch * T);
  const order = Uint32Array.from(train.rows);
  for (let i = order.length - 1; i > 0; i--) {
    const j = (i * 2654435761) % (i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const reps = Math.max(20, Math.floor(200_000 / batch));
  const t0 = now();
  for (let r = 0; r < reps; r++) {
    const start = (r * batch) % (order.length - batch);
    fillBatch(data, order, start, batch, scaling, x, y);
  }
  return (now() - t0) / reps;
}

async function main() {
  await useNodeBackend('wasm');
  console.log(
    `bench: backend ${tf.getBackend()}, ${os.cpus().length} cores, node ${process.version}`,
  );

  const parse = await benchParse();
  console.log(
    `parse: ${round(parse.parseMbPerS, 1)} MB/s (byte-scan baseline ${round(parse.scanMbPerS, 1)} MB/s) on ${round(parse.fileMb, 1)} MB`,
  );
  const full = quick ? null : await benchFullTrainMemory();
  if (full)
    console.log(
      `full train file: ${full.rows} rows in ${round(full.mb, 1)} MB (${round(full.seconds, 1)} s)`,
    );

  const data = parse.data;
  const F = data.features.length;
  const T = data.taskNames.length;
  const rate = await matMulRate(1024, quick ? 3 : 10);
  console.log(`matMul 1024×1024: ${round(rate / 1e9, 2)} GFLOP/s`);
  const fill: Record<number, number> = {};
  for (const batch of BATCHES) {
    fill[batch] = round(fillBatchMs(data, batch), 3);
    console.log(`fillBatch ${batch} rows: ${fill[batch]} ms`);
  }

  type Row = {
    trainer: number;
    bare: number;
    stock: number;
    trainer_over_bare: number;
    step_over_stock: number;
    flop_bound_fraction: number;
  };
  const training: Record<string, Record<number, Row>> = {};
  const flopsPerSample: Record<string, number> = {};
  for (const info of listModels()) {
    training[info.name] = {};
    const cfg = censusConfig(info.name, F, T);
    for (const batch of BATCHES) {
      const rows = quick ? batch * 40 : batch === 32 ? 9_600 : 30_720;
      const steps = Math.round(rows / batch);
      const runs = { trainer: [] as number[], bare: [] as number[], stock: [] as number[] };
      for (let r = 0; r < ROUNDS; r++) {
        runs.trainer.push(await trainerSamplesPerSec(data, cfg, batch, rows));
        const model = createModel(cfg);
        flopsPerSample[info.name] = trainFlopsPerSample(model.variables, cfg);
        const fwd = (x: tf.Tensor2D) => model.forward(x);
        runs.bare.push(await bareLoop(fwd, model.variables, F, T, batch, steps, false));
        runs.stock.push(await bareLoop(fwd, model.variables, F, T, batch, steps, true));
        model.dispose();
      }
      const [ours, bare, stock] = [median(runs.trainer), median(runs.bare), median(runs.stock)];
      const row: Row = {
        trainer: round(ours),
        bare: round(bare),
        stock: round(stock),
        trainer_over_bare: round(ours / bare, 2),
        step_over_stock: round(bare / stock, 2),
        flop_bound_fraction: round((ours * flopsPerSample[info.name]) / rate, 3),
      };
      training[info.name][batch] = row;
      console.log(
        `train ${info.name} batch ${batch}: Trainer ${row.trainer} samples/s, bare ${row.bare} (ratio ${row.trainer_over_bare}), stock tfjs ${row.stock} (step ×${row.step_over_stock}), FLOP-bound ${row.flop_bound_fraction}`,
      );
    }
  }

  const fused: Record<number, { fused: number; naive: number; ratio: number }> = {};
  const mmoeCfg = censusConfig('mmoe', F, T);
  for (const batch of BATCHES) {
    const steps = quick ? 40 : batch === 32 ? 300 : 60;
    const f: number[] = [];
    const n: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const model = createModel(mmoeCfg);
      f.push(await bareLoop((x) => model.forward(x), model.variables, F, T, batch, steps, false));
      model.dispose();
      const naive = naiveMmoe(mmoeCfg);
      n.push(await bareLoop(naive.forward, naive.vars, F, T, batch, steps, true));
      naive.vars.forEach((v) => v.dispose());
    }
    const [fm, nm] = [median(f), median(n)];
    fused[batch] = { fused: round(fm), naive: round(nm), ratio: round(fm / nm, 2) };
    console.log(
      `mmoe fused vs naive batch ${batch}: ${round(fm)} vs ${round(nm)} samples/s (×${round(fm / nm, 2)})`,
    );
  }

  // The same comparison on tfjs's plain-JS CPU backend (few steps: it is ~20× slower).
  const backend = tf.getBackend();
  await useNodeBackend('cpu');
  const fusedCpu: Record<number, { fused: number; naive: number; ratio: number }> = {};
  for (const batch of BATCHES) {
    const steps = batch === 32 ? 10 : 3;
    const model = createModel(mmoeCfg);
    const fm = await bareLoop((x) => model.forward(x), model.variables, F, T, batch, steps, false);
    model.dispose();
    const naive = naiveMmoe(mmoeCfg);
    const nm = await bareLoop(naive.forward, naive.vars, F, T, batch, steps, true);
    naive.vars.forEach((v) => v.dispose());
    fusedCpu[batch] = { fused: round(fm), naive: round(nm), ratio: round(fm / nm, 2) };
    console.log(
      `cpu: mmoe fused vs naive batch ${batch}: ${round(fm)} vs ${round(nm)} samples/s (×${round(fm / nm, 2)})`,
    );
  }
  await useNodeBackend(backend as 'wasm');

  const result = {
    command: 'make bench',
    date: new Date().toISOString(),
    machine: { cores: os.cpus().length, cpu: os.cpus()[0]?.model, node: process.version },
    backend: tf.getBackend(),
    parse_mb_per_s: round(parse.parseMbPerS, 1),
    parse_over_byte_scan: round(parse.parseMbPerS / parse.scanMbPerS, 3),
    dataset_memory_mb: full ? round(full.mb, 1) : null,
    rounds: ROUNDS,
    matmul_gflop_per_s: round(rate / 1e9, 2),
    train_flops_per_sample: flopsPerSample,
    fill_batch_ms: fill,
    train_samples_per_s: training,
    fused_over_naive: fused,
    fused_over_naive_cpu: fusedCpu,
  };
  mkdirSync(outDir, { recursive: true });
  writeFileSync(path.join(outDir, 'performance-node.json'), JSON.stringify(result, null, 2) + '\n');
  const lines = [
    '# Engine performance in Node (WASM backend)',
    '',
    `Produced by \`make bench\` (\`npm run bench\`) on ${result.date.slice(0, 10)}: ${result.machine.cores} cores, ${result.machine.cpu}, Node ${result.machine.node}, tfjs backend \`${result.backend}\` (one thread in Node).`,
    'Every figure is a ratio against a simple baseline measured in the same run; absolute numbers vary between machines, and on a shared machine between runs (up to 3× here): compare ratios within one run.',
    '',
    '## CSV parsing (video val file, gunzipped in memory)',
    '',
    '| our parser (MB/s) | bare byte scan (MB/s) | ratio |',
    '|---|---|---|',
    `| ${result.parse_mb_per_s} | ${round(parse.scanMbPerS, 1)} | ${result.parse_over_byte_scan} |`,
    '',
    full
      ? `Full train file: ${full.rows.toLocaleString('en')} rows stored in ${round(full.mb, 1)} MB (0/1 columns as bytes).`
      : '',
    '',
    '## Training samples/s, census shapes (PaddleRec presets, 499 features, 2 tasks)',
    '',
    'Trainer = the real loop (seeded shuffle, batches drawn and scaled from the dataset, losses and logits read back at ≤ 10 Hz).',
    'The Trainer trains with the compiled step here (src/engine/train/compiled: forward, backward and Adam as closures over one preallocated arena, products on XNNPACK), so Trainer / bare is the compiled step’s gain over tfjs ops, data pipeline included.',
    'Bare = our tfjs-op step (model, one-op loss, FlatAdam) on one fixed batch: the ceiling of tfjs ops here.',
    'Stock = the same model trained the plain tfjs way (`tf.train.adam`, op-by-op loss).',
    `FLOP-bound = Trainer samples/s × matMul FLOPs per sample (3 × forward) / the rate of a 1024² matMul (${result.matmul_gflop_per_s} GFLOP/s here).`,
    `Median of ${ROUNDS} alternating runs.`,
    '',
    '| model | batch | Trainer | bare step loop | stock tfjs loop | Trainer / bare | step / stock | FLOP-bound |',
    '|---|---|---|---|---|---|---|---|',
    ...Object.entries(training).flatMap(([m, byBatch]) =>
      Object.entries(byBatch).map(
        ([b, r]) =>
          `| ${m} | ${b} | ${r.trainer} | ${r.bare} | ${r.stock} | ${r.trainer_over_bare} | ${r.step_over_stock} | ${r.flop_bound_fraction} |`,
      ),
    ),
    '',
    `fillBatch (the data pipeline: 488 binary + 11 float columns gathered and scaled): ${Object.entries(
      fill,
    )
      .map(([b, ms]) => `${ms} ms per ${b} rows`)
      .join(', ')}.`,
    '',
    '## Fused expert bank vs a loop over experts (MMoE, 8 experts × 16, bare loops)',
    '',
    'Fused = our MMoE tfjs-op step (one-op expert bank, FlatAdam; the browser bench compares the compiled step); naive = a matMul per expert and per gate, a loop to mix, `tf.train.adam`.',
    '',
    '| batch | fused | naive loop | fused / naive |',
    '|---|---|---|---|',
    ...Object.entries(fused).map(([b, r]) => `| ${b} | ${r.fused} | ${r.naive} | ${r.ratio} |`),
    '',
    'The same on the CPU backend (plain JS; one run of a few steps):',
    '',
    '| batch | fused | naive loop | fused / naive |',
    '|---|---|---|---|',
    ...Object.entries(fusedCpu).map(([b, r]) => `| ${b} | ${r.fused} | ${r.naive} | ${r.ratio} |`),
    '',
    'WebGL/WebGPU and threaded WASM are measured in the browser (not part of this Node run).',
    '',
  ];
  // Formatted like the rest of the repository, so `prettier --check .` stays clean.
  const mdPath = path.join(outDir, 'performance-node.md');
  const md = await prettier.format(lines.join('\n'), {
    ...(await prettier.resolveConfig(mdPath)),
    parser: 'markdown',
  });
  writeFileSync(mdPath, md);
  console.log(`wrote ${path.relative(root, outDir)}/performance-node.{md,json}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
