/**
 * Result exports shared by the CLI and the browser: predictions CSV, per-epoch metric records.
 * Pure TypeScript, no fs.
 */
import type { EpochEvent, SplitMetrics } from '../train/types';

/** Header of a predictions CSV: for every task T the columns `T_label,T_prob`. */
export function predictionsHeader(taskNames: string[]): string {
  return taskNames.flatMap((t) => [`${t}_label`, `${t}_prob`]).join(',');
}

/**
 * Predictions as CSV text (header + one line per row, in the given order).
 * @param labels per task, length N each (0/1)
 * @param probs per task, length N each (sigmoid outputs)
 */
export function predictionsCsv(
  taskNames: string[],
  labels: ArrayLike<number>[],
  probs: ArrayLike<number>[],
): string {
  const numTasks = taskNames.length;
  if (labels.length !== numTasks || probs.length !== numTasks) {
    throw new Error(
      `predictionsCsv: ${numTasks} tasks but ${labels.length} label and ${probs.length} prob columns`,
    );
  }
  const n = numTasks > 0 ? labels[0].length : 0;
  for (let t = 0; t < numTasks; t++) {
    if (labels[t].length !== n || probs[t].length !== n) {
      throw new Error(
        `predictionsCsv: task "${taskNames[t]}" has ${labels[t].length} labels and ${probs[t].length} probs, expected ${n}`,
      );
    }
  }
  const lines: string[] = new Array<string>(n + 1);
  lines[0] = predictionsHeader(taskNames);
  const cells: string[] = new Array<string>(2 * numTasks);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < numTasks; t++) {
      cells[2 * t] = String(labels[t][i]);
      cells[2 * t + 1] = formatProb(probs[t][i]);
    }
    lines[i + 1] = cells.join(',');
  }
  return lines.join('\n') + '\n';
}

/** 9 significant digits identify every float32 exactly; trailing zeros dropped. */
export function formatProb(p: number): string {
  return String(Number(p.toPrecision(9)));
}

/** Per-task metrics keyed by task name (NaN AUC becomes null in JSON). */
export function metricsByTask(
  taskNames: string[],
  metrics: SplitMetrics,
): Record<string, { auc: number | null; logloss: number | null }> {
  const out: Record<string, { auc: number | null; logloss: number | null }> = {};
  taskNames.forEach((name, t) => {
    const m = metrics.tasks[t];
    out[name] = { auc: finiteOrNull(m.auc), logloss: finiteOrNull(m.logloss) };
  });
  return out;
}

/** One metrics.jsonl record for an epoch. */
export interface EpochRecord {
  epoch: number;
  trainLoss: Record<string, number | null>;
  val: Record<string, { auc: number | null; logloss: number | null }> | null;
  samplesPerSec: number;
  elapsedMs: number;
  isBest: boolean;
}

export function epochRecord(taskNames: string[], e: EpochEvent): EpochRecord {
  const trainLoss: Record<string, number | null> = {};
  taskNames.forEach((name, t) => (trainLoss[name] = finiteOrNull(e.trainLoss[t])));
  return {
    epoch: e.epoch,
    trainLoss,
    val: e.val ? metricsByTask(taskNames, e.val) : null,
    samplesPerSec: Math.round(e.samplesPerSec),
    elapsedMs: Math.round(e.elapsedMs),
    isBest: e.isBest,
  };
}

function finiteOrNull(v: number | undefined): number | null {
  return v !== undefined && Number.isFinite(v) ? v : null;
}
