/**
 * Experiment tables as text: Markdown (docs, the CLI's table.md) and CSV (spreadsheets).
 * Pure: used by the CLI and usable by the page's exports.
 */
import type { ModelConfig } from '../models/types';
import { MODEL_LABELS, type PublishedTable } from './plans';
import type { Gain, Stat, SummaryRow } from './runner';

/** "0.9531" or "0.9531 ± 0.0012" (std only with 2+ seeds). */
export function fmtStat(s: Stat, digits = 4): string {
  if (!Number.isFinite(s.mean)) return 'n/a';
  return s.std === null
    ? s.mean.toFixed(digits)
    : `${s.mean.toFixed(digits)} ± ${s.std.toFixed(digits)}`;
}

/** The sizes a model reads, in words: 'bottom [117], towers [8]', '8 experts × [16], …'. */
export function describeSizes(c: ModelConfig): string {
  const l = (w: number[]): string => `[${w.join(', ')}]`;
  const gate = c.gateHidden.length > 0 ? `gate ${l(c.gateHidden)}` : 'linear gates';
  switch (c.model) {
    case 'single_task':
      return `per task ${l(c.bottomHidden)} then ${l(c.towerHidden)}`;
    case 'share_bottom':
      return `bottom ${l(c.bottomHidden)}, towers ${l(c.towerHidden)}`;
    case 'mmoe':
      return `${c.numExperts} experts × ${l(c.expertHidden)}, ${gate}, towers ${l(c.towerHidden)}`;
    case 'ple':
      return (
        `${c.levels} level(s) of ${c.numExperts} shared + ${c.expertsPerTask} per task experts × ` +
        `${l(c.expertHidden)}, ${gate}, towers ${l(c.towerHidden)}`
      );
  }
}

/** Group keys other than the model, e.g. "correlation 0.9, experts 4". */
function cellLabel(row: SummaryRow): string {
  return Object.entries(row.group)
    .filter(([k]) => k !== 'model')
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
}

/**
 * One line per summary row: model, grid cell, parameters, seeds, best epochs (chosen on
 * validation), test AUC per task (mean ± std over seeds), and the published AUC when given.
 */
export function summaryMarkdown(rows: readonly SummaryRow[], published?: PublishedTable): string {
  if (rows.length === 0) return '(no results)\n';
  const tasks = rows[0].taskNames;
  const hasCell = rows.some((r) => cellLabel(r) !== '');
  const pubTasks = published
    ? tasks.filter((t) => Object.values(published.rows).some((r) => r && t in r))
    : [];
  const head = [
    'model',
    ...(hasCell ? ['cell'] : []),
    'parameters',
    'seeds',
    'best epoch (val)',
    ...tasks.map((t) => `${t} test AUC`),
    ...pubTasks.map((t) => `${t} published`),
  ];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const r of rows) {
    const pub = published?.rows[r.model];
    const cells = [
      MODEL_LABELS[r.model],
      ...(hasCell ? [cellLabel(r)] : []),
      Math.round(r.parameterCount.mean).toLocaleString('en-US'),
      String(r.runs),
      r.bestEpoch.values.join(', '),
      ...r.tasks.map((t) => fmtStat(t.testAuc)),
      ...pubTasks.map((t) => (pub && t in pub ? pub[t].toFixed(3) : '—')),
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  let out = lines.join('\n') + '\n';
  if (published && pubTasks.length > 0) out += `\nPublished: ${published.source}\n`;
  return out;
}

/** Δ test AUC per task against the baseline, as Markdown. */
export function gainsMarkdown(gains: readonly Gain[]): string {
  if (gains.length === 0) return '(no baseline in the results)\n';
  const tasks = gains[0].tasks.map((t) => t.task);
  const head = ['model', 'cell', ...tasks.map((t) => `Δ ${t} AUC`)];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const g of gains) {
    const cell = Object.entries(g.group)
      .filter(([k]) => k !== 'model')
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    const d = g.tasks.map((t) => {
      if (!Number.isFinite(t.delta)) return 'n/a';
      // Sign of the rounded value: no "-0.0000" for a loss smaller than the shown precision.
      const r = Number(t.delta.toFixed(4));
      return `${r > 0 ? '+' : r < 0 ? '−' : '±'}${Math.abs(r).toFixed(4)}`;
    });
    lines.push(`| ${[MODEL_LABELS[g.model], cell || '—', ...d].join(' | ')} |`);
  }
  return lines.join('\n') + '\n';
}

const csvCell = (v: string | number | null): string => {
  if (v === null) return '';
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : v;
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** CSV: one line per row, group keys as columns, then mean/std/n of test and val AUC per task. */
export function summaryCsv(rows: readonly SummaryRow[]): string {
  if (rows.length === 0) return '';
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r.group)))];
  const tasks = rows[0].taskNames;
  const head = [
    ...keys,
    'runs',
    'parameters',
    'best_epochs',
    ...tasks.flatMap((t) => [
      `${t}_test_auc_mean`,
      `${t}_test_auc_std`,
      `${t}_val_auc_mean`,
      `${t}_test_logloss_mean`,
    ]),
  ];
  const lines = [head.map(csvCell).join(',')];
  for (const r of rows) {
    lines.push(
      [
        ...keys.map((k) => r.group[k] ?? null),
        r.runs,
        Math.round(r.parameterCount.mean),
        r.bestEpoch.values.join(' '),
        ...r.tasks.flatMap((t) => [
          t.testAuc.mean,
          t.testAuc.std,
          t.valAuc.mean,
          t.testLogloss.mean,
        ]),
      ]
        .map(csvCell)
        .join(','),
    );
  }
  return lines.join('\n') + '\n';
}
