/** Axis and text helpers shared by the live charts. Pure (tested in Node). */
import type { SeriesPoint } from '../state/types';
import { english } from '../i18n/english';

/** "1" for whole epochs, "1.25" for streaming positions. */
export const fmtX = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(2));

/** Whole epochs as ticks when there are few, otherwise recharts' own. */
export function epochTicks(maxX: number): number[] | undefined {
  const last = Math.max(1, Math.ceil(maxX));
  if (last > 20) return undefined;
  return Array.from({ length: last + 1 }, (_, i) => i);
}

export function maxX(lines: SeriesPoint[][]): number {
  let m = 0;
  for (const l of lines) for (const p of l) if (p.x > m) m = p.x;
  return m;
}

/** The x-axis end: the next whole epoch (at least 1), so epoch ticks never fall off the axis. */
export function xEnd(lines: SeriesPoint[][]): number {
  return Math.max(1, Math.ceil(maxX(lines) - 1e-9));
}

/** "latest AUC: completion 0.8123 at epoch 3, like …" — the newest value per task, for screen readers. */
export function summariseLatest(
  taskNames: string[],
  lines: SeriesPoint[][],
  what: string,
  t: (key: string, vars: Record<string, string>) => string = english,
): string {
  const parts = taskNames.flatMap((task, i) => {
    const l = lines[i] ?? [];
    const p = l[l.length - 1];
    return p === undefined
      ? []
      : [t('chart.latest.item', { task, value: p.value.toFixed(4), epoch: fmtX(p.x) })];
  });
  return parts.length === 0
    ? t('chart.latest.none', { what })
    : t('chart.latest', { what, items: parts.join(', ') });
}
