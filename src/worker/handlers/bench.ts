/**
 * The browser bench and the start-up backend calibration (issue 6). Both measure on one backend
 * at a time and then put the worker back on the backend the user had, so training continues
 * where it was. Measurements use generated census-shaped data: no file is needed.
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend, type BackendName } from '../../engine/backend';
import {
  appLoopSamplesPerSec,
  bareLoopSamplesPerSec,
  datasetBatch,
  generateCensusShaped,
  matMulRate,
  productsSamplesPerSec,
  trainerSamplesPerSec,
  trainFlopsPerSample,
} from '../../engine/bench/loops';
import { naiveMmoe } from '../../engine/bench/naiveMmoe';
import type { Dataset } from '../../engine/data/types';
import { createModel } from '../../engine/models/registry';
import { resolvePreset } from '../../engine/models/presets';
import type {
  BackendSpeed,
  BenchRequest,
  BenchResult,
  CalibrateRequest,
  PerfRequest,
  WorkerMessage,
} from '../protocol';

export interface PerfContext {
  post: (msg: WorkerMessage) => void;
  /** The backend in use before the measurement (null before any init). */
  current: () => BackendName | null;
  /** Back to `name` (falls back to the user's preference if it fails). */
  restore: (name: BackendName) => Promise<void>;
  /** WASM threads in use, null when WASM is not initialised. */
  wasmThreads: () => number | null;
}

let censusData: Dataset | null = null;
/** Enough rows for the longest timed epoch (batch 512 × 60 steps); generated once. */
function census(rows: number): Dataset {
  if (censusData === null || censusData.numRows < rows) censusData = generateCensusShaped(rows);
  return censusData;
}

export async function handlePerf(req: PerfRequest, ctx: PerfContext): Promise<void> {
  const previous = ctx.current();
  // Only the requested backend: a measurement must never silently run somewhere else.
  try {
    if (req.type === 'bench') {
      ctx.post({ type: 'benchResult', id: req.id, result: await bench(req, ctx) });
    } else {
      const speeds = await calibrate(req);
      const ok = speeds.filter((s) => s.samplesPerSec !== null);
      ok.sort((a, b) => (b.samplesPerSec ?? 0) - (a.samplesPerSec ?? 0));
      ctx.post({
        type: 'calibrationResult',
        id: req.id,
        speeds,
        fastest: ok[0]?.backend ?? null,
      });
    }
  } finally {
    if (previous !== null && tf.getBackend() !== previous) await ctx.restore(previous);
  }
}

/**
 * Untimed warm-up steps before `steps` timed ones: a quarter of them (at least 5, or all of a few):
 * V8 and tfjs reach their steady state over tens of steps, and a class trains for thousands.
 */
const warmupFor = (steps: number) => Math.max(Math.min(5, steps), Math.round(steps / 4));

async function bench(req: BenchRequest, ctx: PerfContext): Promise<BenchResult> {
  const init = await initBackend(req.backend, { order: [req.backend] });
  const result: BenchResult = {
    requested: req.backend,
    backend: init.backend,
    notice: init.notice,
    wasmThreads: ctx.wasmThreads(),
    trainSamplesPerS: {},
    fused: {},
    matMulFlopsPerS: null,
    flopsPerSample: {},
  };
  if (init.backend !== req.backend) return result;
  const maxRows = Math.max(
    ...req.batches.map((b) => b * ((req.steps[b] ?? 10) + warmupFor(req.steps[b] ?? 10))),
  );
  const data = census(maxRows);
  const F = data.features.length;
  const T = data.taskNames.length;
  for (const name of req.models) {
    const cfg = resolvePreset(name, F, T).model;
    const model = createModel(cfg);
    result.flopsPerSample[name] = trainFlopsPerSample(model.variables, cfg);
    model.dispose();
    const byBatch: Record<number, number> = {};
    for (const batch of req.batches) {
      // Warm-up steps (see warmupFor), then one epoch of `steps` timed steps.
      const steps = req.steps[batch] ?? 10;
      const rows = batch * (steps + warmupFor(steps));
      byBatch[batch] = Math.round(
        await trainerSamplesPerSec(data, cfg, batch, rows, warmupFor(steps)),
      );
    }
    result.trainSamplesPerS[name] = byBatch;
  }
  if (req.naive) {
    const cfg = resolvePreset('mmoe', F, T).model;
    for (const batch of req.batches) {
      const steps = req.steps[batch] ?? 10;
      // Both on the same census-shaped batch (mostly one-hot zeros, as the real data).
      const fixed = datasetBatch(data, batch);
      // Ours: the step the app trains with on this backend (compiled on WASM/CPU).
      const { samplesPerSec: fused } = await appLoopSamplesPerSec(
        cfg,
        batch,
        steps,
        warmupFor(steps),
        fixed,
      );
      const naive = naiveMmoe(cfg);
      const slow = await bareLoopSamplesPerSec(
        naive.forward,
        naive.vars,
        F,
        T,
        batch,
        steps,
        true,
        warmupFor(steps),
        fixed,
      );
      naive.vars.forEach((v) => v.dispose());
      // The two products alone (experts and gates together: C = E·H + T·E).
      const C = cfg.numExperts * cfg.expertHidden[0] + T * cfg.numExperts;
      const products = await productsSamplesPerSec(F, C, batch, steps, warmupFor(steps));
      result.fused[batch] = {
        fused: Math.round(fused),
        naive: Math.round(slow),
        products: Math.round(products),
      };
    }
  }
  if (req.matMul) result.matMulFlopsPerS = await matMulRate(1024, 5);
  return result;
}

/** A few MMoE steps (bare loop, our step) per backend; unavailable ones get null. */
async function calibrate(req: CalibrateRequest): Promise<BackendSpeed[]> {
  const speeds: BackendSpeed[] = [];
  for (const backend of req.backends) {
    try {
      const init = await initBackend(backend, { order: [backend] });
      if (init.backend !== backend) {
        speeds.push({ backend, samplesPerSec: null });
        continue;
      }
      // The step the app would train with there (compiled on WASM/CPU, tfjs ops elsewhere).
      const cfg = resolvePreset('mmoe', 499, 2).model;
      const fixed = datasetBatch(census(req.batchSize), req.batchSize);
      const { samplesPerSec } = await appLoopSamplesPerSec(cfg, req.batchSize, req.steps, 1, fixed);
      speeds.push({ backend, samplesPerSec: Math.round(samplesPerSec) });
    } catch {
      speeds.push({ backend, samplesPerSec: null });
    }
  }
  return speeds;
}
