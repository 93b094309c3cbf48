/**
 * Result exports shared by the CLI and the browser: predictions CSV, per-epoch metric records.
 * Pure TypeScript, no fs.
 */
import type { EpochEvent, SplitMetrics } from '../train/types';

/**
 * Header of a predictions CSV: for every task T the columns `T_label,T_prob`, or only `T_prob`
 * when the scored rows had no labels.
 */
export function predictionsHeader(taskNames: string[], withLabels = true): string {
  return taskNames
    .flatMap((t) => (withLabels ? [`${t}_label`, `${t}_prob`] : [`${t}_prob`]))
    .join(',');
}

/** Lines per part of predictionsCsvParts (≈ 1–2 MB of text for two tasks). */
export const PREDICTION_ROWS_PER_PART = 65536;

/**
 * Predictions as CSV text in parts (header first, then blocks of whole lines), ready for
 * `new Blob(parts)` or a stream: every task's probability, and its label when `labels` is given.
 * @param labels per task, length N each (0/1); null for rows scored without labels
 * @param probs per task, length N each (sigmoid outputs)
 */
export function predictionsCsvParts(
  taskNames: string[],
  labels: ArrayLike<number>[] | null,
  probs: ArrayLike<number>[],
  rowsPerPart = PREDICTION_ROWS_PER_PART,
): string[] {
  const numTasks = taskNames.length;
  if ((labels !== null && labels.length !== numTasks) || probs.length !== numTasks) {
    throw new Error(
      `predictionsCsv: ${numTasks} tasks but ${labels?.length ?? 0} label and ${probs.length} prob columns`,
    );
  }
  const n = numTasks > 0 ? probs[0].length : 0;
  for (let t = 0; t < numTasks; t++) {
    if ((labels !== null && labels[t].length !== n) || probs[t].length !== n) {
      throw new Error(
        `predictionsCsv: task "${taskNames[t]}" has ${labels?.[t].length ?? n} labels and ${probs[t].length} probs, expected ${n}`,
      );
    }
  }
  const parts = [predictionsHeader(taskNames, labels !== null) + '\n'];
  const width = labels !== null ? 2 : 1;
  const cells: string[] = new Array<string>(width * numTasks);
  for (let a = 0; a < n; a += rowsPerPart) {
    const b = Math.min(n, a + rowsPerPart);
    const lines: string[] = new Array<string>(b - a);
    for (let i = a; i < b; i++) {
      for (let t = 0; t < numTasks; t++) {
        if (labels !== null) {
          cells[2 * t] = String(labels[t][i]);
          cells[2 * t + 1] = formatProb(probs[t][i]);
        } else cells[t] = formatProb(probs[t][i]);
      }
      lines[i - a] = cells.join(',');
    }
    parts.push(lines.join('\n') + '\n');
  }
  return parts;
}

/**
 * Predictions as one CSV text (header + one line per row, in the given order); see
 * predictionsCsvParts.
 */
export function predictionsCsv(
  taskNames: string[],
  labels: ArrayLike<number>[] | null,
  probs: ArrayLike<number>[],
): string {
  return predictionsCsvParts(taskNames, labels, probs).join('');
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
