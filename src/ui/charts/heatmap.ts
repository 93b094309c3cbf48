/** The gate heatmap as data: cells with colour, text and exact-zero flags. Pure (tested in Node). */
import type { GateLayout } from '../state/types';
import { blues, textOn } from './scale';

export interface HeatCell {
  row: number;
  col: number;
  /** Gate weight; NaN when missing. */
  value: number;
  /** Exactly 0: an expert this gate cannot reach (PLE: another task's private expert). */
  unreachable: boolean;
  fill: string;
  textColor: string;
  /** Shown in the cell and the table: "0.42", or "—" for unreachable. */
  text: string;
}

export interface HeatLevel {
  level: number;
  gates: string[];
  experts: string[];
  cells: HeatCell[];
}

/**
 * Colour scale maximum: the largest weight over all levels rounded up to a tenth (at least 0.1),
 * so 1/E-ish weights of many experts still show contrast while values stay comparable across levels.
 */
export function heatScaleMax(weights: readonly (readonly (readonly number[])[])[]): number {
  let m = 0;
  for (const level of weights) for (const row of level) for (const v of row) if (v > m) m = v;
  return Math.min(1, Math.max(0.1, Math.ceil(m * 10 - 1e-9) / 10));
}

export function formatWeight(v: number): string {
  return Number.isFinite(v) ? v.toFixed(2) : 'n/a';
}

/** Cells of every level; `weights[level][gate][expert]` may be shorter than the layout (→ NaN). */
export function heatLevels(
  layout: readonly GateLayout[],
  weights: readonly (readonly (readonly number[])[])[],
  scaleMax = heatScaleMax(weights),
): HeatLevel[] {
  return layout.map((l, li) => {
    const cells: HeatCell[] = [];
    l.gates.forEach((_, r) => {
      l.experts.forEach((_, c) => {
        const raw = weights[li]?.[r]?.[c];
        const value = typeof raw === 'number' ? raw : NaN;
        const unreachable = value === 0;
        const t = value / scaleMax;
        cells.push({
          row: r,
          col: c,
          value,
          unreachable,
          fill: unreachable ? '#e4e7ea' : Number.isFinite(value) ? blues(t) : '#ffffff',
          textColor: unreachable ? '#5a6570' : textOn(t),
          text: unreachable ? '—' : formatWeight(value),
        });
      });
    });
    return { level: l.level, gates: [...l.gates], experts: [...l.experts], cells };
  });
}
