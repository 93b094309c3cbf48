/**
 * Pure shaping of an experiment's outcome for the table and the charts (no React, no tfjs):
 * table rows with mean ± std, chart points per experiment kind.
 */
import type { Gain, Stat, SummaryRow } from '../../engine/experiments/runner';
import type { ExperimentOutcome } from '../../worker/protocol';

/** "0.9512 ± 0.0031" (no ± with one seed); "—" when undefined. */
export function fmtStat(s: Stat | undefined, digits = 4): string {
  if (s === undefined || !Number.isFinite(s.mean)) return '—';
  return s.std === null
    ? s.mean.toFixed(digits)
    : `${s.mean.toFixed(digits)} ± ${s.std.toFixed(digits)}`;
}

/** Mean test AUC over the row's tasks (NaN tasks skipped). */
export function meanTestAuc(row: SummaryRow): number {
  const v = row.tasks.map((t) => t.testAuc.mean).filter((x) => Number.isFinite(x));
  return v.length === 0 ? NaN : v.reduce((a, b) => a + b, 0) / v.length;
}

/** Task names of the outcome (the first run's). */
export const outcomeTasks = (o: ExperimentOutcome): string[] => o.summary[0]?.taskNames ?? [];

export type ChartPoint = Record<string, number | string | null>;

const finiteOrNull = (v: number): number | null => (Number.isFinite(v) ? v : null);

/** Mean test log loss over the row's tasks (NaN tasks skipped). */
export function meanTestLogloss(row: SummaryRow): number {
  const v = row.tasks.map((t) => t.testLogloss.mean).filter((x) => Number.isFinite(x));
  return v.length === 0 ? NaN : v.reduce((a, b) => a + b, 0) / v.length;
}

/**
 * What the correlation chart plots. Log loss is the default, as in the MMoE paper (which reports
 * the loss); the labels are noisy draws, so both metrics have a floor (the true probabilities'
 * score, about 0.57 log loss / 0.77 AUC) that does not move with ρ.
 */
export type CorrelationMetric = 'logloss' | 'auc';
export const CORRELATION_METRICS: readonly CorrelationMetric[] = ['logloss', 'auc'];

/** Correlation experiment: one point per ρ (ascending), one key per model (mean over tasks). */
export function correlationPoints(
  rows: readonly SummaryRow[],
  metric: CorrelationMetric = 'auc',
): ChartPoint[] {
  const byRho = new Map<number, ChartPoint>();
  for (const r of rows) {
    const rho = Number(r.group.correlation);
    const p = byRho.get(rho) ?? { correlation: rho };
    p[r.model] = finiteOrNull(metric === 'auc' ? meanTestAuc(r) : meanTestLogloss(r));
    byRho.set(rho, p);
  }
  return [...byRho.entries()].sort((a, b) => a[0] - b[0]).map(([, p]) => p);
}

/** Sweep: one point per number of experts, one key per gate depth (`g0`, `g1`…). */
export function sweepPoints(rows: readonly SummaryRow[]): {
  points: ChartPoint[];
  depths: number[];
} {
  const byExperts = new Map<number, ChartPoint>();
  const depths = new Set<number>();
  for (const r of rows) {
    const e = Number(r.group.experts);
    const g = Number(r.group.gateLayers);
    depths.add(g);
    const p = byExperts.get(e) ?? { experts: e };
    p[`g${g}`] = finiteOrNull(meanTestAuc(r));
    byExperts.set(e, p);
  }
  return {
    points: [...byExperts.entries()].sort((a, b) => a[0] - b[0]).map(([, p]) => p),
    depths: [...depths].sort((a, b) => a - b),
  };
}

/** Tutorial: one bar group per model, our test AUC and the published one per task. */
export function tutorialPoints(
  o: ExperimentOutcome,
  modelLabel: (m: string) => string,
): ChartPoint[] {
  return o.summary.map((r) => {
    const p: ChartPoint = { model: modelLabel(r.model) };
    for (const t of r.tasks) {
      p[t.task] = finiteOrNull(t.testAuc.mean);
      const pub = o.published?.rows[r.model]?.[t.task];
      p[`${t.task} (published)`] = pub ?? null;
    }
    return p;
  });
}

/** Words for a grid cell's key and value, e.g. ('experts', 4) → '4 experts'. */
export type CellLabel = (key: string, value: string | number) => string;

const plainCell: CellLabel = (k, v) => `${k} ${v}`;

/** The cell of a row without the model, e.g. "ρ 0.5" or "4 experts · 1 gate layers". */
export function cellOf(group: Gain['group'], label: CellLabel = plainCell): string {
  return Object.entries(group)
    .filter(([k]) => k !== 'model')
    .map(([k, v]) => label(k, v))
    .join(' · ');
}

/** Gains: one bar group per model (and cell), Δ test AUC per task. */
export function gainPoints(
  gains: readonly Gain[],
  modelLabel: (m: string) => string,
  cellLabel?: CellLabel,
): ChartPoint[] {
  return gains.map((g) => {
    const cell = cellOf(g.group, cellLabel);
    const p: ChartPoint = {
      row: cell === '' ? modelLabel(g.model) : `${modelLabel(g.model)} · ${cell}`,
    };
    for (const t of g.tasks) p[t.task] = finiteOrNull(t.delta);
    return p;
  });
}

/**
 * A plan's run label (engine/experiments/plans.ts writes English: 'Single-task · ρ 0.5 · seed 2',
 * 'MMoE · 4 experts · 1 gate layers · seed 1') in the page's language.
 */
export function localRunLabel(
  label: string,
  t: (key: string, vars?: Record<string, string | number>) => string,
): string {
  return label
    .split(' · ')
    .map((part) => {
      const seed = /^seed (\d+)$/.exec(part);
      if (seed !== null) return t('exp.run.seed', { n: seed[1] });
      const experts = /^(\d+) experts$/.exec(part);
      if (experts !== null) return t('exp.cell.experts', { v: experts[1] });
      const gates = /^(\d+) gate layers$/.exec(part);
      if (gates !== null) return t('exp.cell.gateLayers', { v: gates[1] });
      if (part === 'Single-task') return t('exp.model.single_task');
      return part;
    })
    .join(' · ');
}
