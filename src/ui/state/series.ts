/**
 * Live training series: bounded per-task point lists fed by the worker's progress and epoch
 * events. Streaming lists keep at most MAX_LIVE_POINTS points: when full, every other point is
 * dropped (the curve keeps its shape at half the resolution), so a long run stays smooth.
 */
import type { EpochEvent, ProgressEvent } from '../../engine/train/types';
import { MAX_LIVE_POINTS, type LiveSeries, type SeriesPoint } from './types';

export function emptySeries(taskNames: readonly string[]): LiveSeries {
  const lists = (): SeriesPoint[][] => taskNames.map(() => []);
  return { taskNames: [...taskNames], trainAuc: lists(), loss: lists(), valAuc: lists() };
}

/** Appends `p` (new array); halves the list first when it is full. */
export function appendBounded(
  list: readonly SeriesPoint[],
  p: SeriesPoint,
  max = MAX_LIVE_POINTS,
): SeriesPoint[] {
  const base = list.length >= max ? list.filter((_, i) => i % 2 === 1) : list;
  return [...base, p];
}

/** x in epochs for a progress event: epoch − 1 + step / stepsPerEpoch. */
export function progressX(e: ProgressEvent): number {
  return e.epoch - 1 + e.step / Math.max(1, e.stepsPerEpoch);
}

/** Adds a progress event's streaming train AUC (finite values only) and losses. */
export function addProgress(s: LiveSeries, e: ProgressEvent): LiveSeries {
  const x = progressX(e);
  const add = (lists: SeriesPoint[][], values: readonly number[]): SeriesPoint[][] =>
    lists.map((l, t) => {
      const v = values[t];
      return v === undefined || !Number.isFinite(v) ? l : appendBounded(l, { x, value: v });
    });
  return { ...s, trainAuc: add(s.trainAuc, e.trainAuc), loss: add(s.loss, e.loss) };
}

/** Adds an epoch's validation AUC per task (NaN AUC of a one-class split is skipped). */
export function addEpoch(s: LiveSeries, e: EpochEvent): LiveSeries {
  if (e.val === undefined) return s;
  const tasks = e.val.tasks;
  return {
    ...s,
    valAuc: s.valAuc.map((l, t) => {
      const v = tasks[t]?.auc;
      return v === undefined || !Number.isFinite(v) ? l : [...l, { x: e.epoch, value: v }];
    }),
  };
}
