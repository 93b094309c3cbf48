/**
 * Judging a backend check: each model's per-step losses on a backend against the same model's
 * losses on CPU (the reference: plain JS float32, no kernels of its own to get wrong).
 */
import type { BackendName } from '../engine/backendNames';
import type { ModelName } from '../engine/models/types';
import type { BackendCheckModelResult, WorkerMessage } from '../worker/protocol';

export type BackendCheckResult = Extract<WorkerMessage, { type: 'backendCheckResult' }>;

/** Steps per model: enough for Adam to move the loss, small enough for software WebGPU. */
export const CHECK_STEPS = 5;
export const CHECK_BATCH_SIZE = 64;
export const CHECK_SEED = 7;
/**
 * Largest accepted relative loss difference to CPU over all steps. float32 kernels differ in
 * summation order (~1e-7 per op); 1e-3 leaves room for that while a wrong kernel or gradient
 * (wrong sign, missing term) moves the loss by far more within a few Adam steps.
 */
export const CHECK_TOLERANCE = 1e-3;

export type CheckStatus = 'reference' | 'pass' | 'fail' | 'unavailable' | 'error';

export interface CheckRow {
  model: ModelName;
  backend: BackendName;
  status: CheckStatus;
  losses: number[];
  /** max over steps of |loss − cpuLoss| / max(|cpuLoss|, 1e-6). */
  maxRelDelta?: number;
  /** Why a backend was unavailable or a model failed. */
  detail?: string;
}

export function maxRelativeDelta(losses: number[], reference: number[]): number {
  if (losses.length !== reference.length || losses.length === 0) return Infinity;
  let worst = 0;
  for (let i = 0; i < losses.length; i++) {
    const d = Math.abs(losses[i] - reference[i]) / Math.max(Math.abs(reference[i]), 1e-6);
    // NaN losses must fail, and NaN never compares greater than anything.
    if (!Number.isFinite(d)) return Infinity;
    worst = Math.max(worst, d);
  }
  return worst;
}

/** One row per (model, backend); the CPU result is the reference. */
export function judgeBackendCheck(
  cpu: BackendCheckResult,
  others: BackendCheckResult[],
  tolerance = CHECK_TOLERANCE,
): CheckRow[] {
  const rows: CheckRow[] = [];
  const cpuByModel = new Map<ModelName, BackendCheckModelResult>(
    cpu.perModel.map((m) => [m.model, m]),
  );
  for (const m of cpu.perModel) {
    rows.push({
      model: m.model,
      backend: 'cpu',
      status: m.error === undefined ? 'reference' : 'error',
      losses: m.losses,
      detail: m.error,
    });
  }
  for (const r of others) {
    for (const m of r.perModel) {
      if (r.backend !== r.requested) {
        rows.push({
          model: m.model,
          backend: r.requested,
          status: 'unavailable',
          losses: [],
          detail: r.notice,
        });
        continue;
      }
      const ref = cpuByModel.get(m.model);
      if (m.error !== undefined || ref === undefined || ref.error !== undefined) {
        rows.push({
          model: m.model,
          backend: r.backend,
          status: 'error',
          losses: m.losses,
          detail: m.error ?? 'no CPU reference for this model',
        });
        continue;
      }
      const maxRelDelta = maxRelativeDelta(m.losses, ref.losses);
      rows.push({
        model: m.model,
        backend: r.backend,
        status: maxRelDelta <= tolerance ? 'pass' : 'fail',
        losses: m.losses,
        maxRelDelta,
      });
    }
  }
  return rows;
}
