/**
 * The comparison board as data: one table model (columns + cells) shared by the page's table,
 * the PNG drawing and the CSV / Markdown / JSON exports. Pure functions, tested in Node.
 */
import { BACKEND_LABELS, type BackendName } from '../../engine/backendNames';
import type { ModelSettings, RunRecord } from '../state/types';
import { english, type Translate } from '../i18n/english';

export type Cell = string | number | null;

export interface BoardColumn {
  key: string;
  header: string;
  /** Numbers line up on the right. */
  align: 'left' | 'right';
  /** Display digits for numbers (CSV keeps full precision). */
  digits?: number;
  /** Set on test-AUC columns: index into the union of task names. */
  task?: string;
}

export interface BoardTable {
  columns: BoardColumn[];
  /** rows[r][c] for runs[r] and columns[c]; null = not available (e.g. no test split). */
  rows: Cell[][];
}

/** Task names of all runs, in order of first appearance (runs on different data may differ). */
export function boardTasks(runs: readonly RunRecord[]): string[] {
  const out: string[] = [];
  for (const r of runs) for (const t of r.taskNames) if (!out.includes(t)) out.push(t);
  return out;
}

export type { Translate };

/** "4 experts × 32 · gate linear · tower 16": the settings that matter for `s.model`. */
export function describeSettings(s: ModelSettings, t: Translate = english): string {
  const widths = (w: number[]) => (w.length === 0 ? t('board.set.none') : w.join('-'));
  const tower = t('board.set.tower', { w: widths(s.towerHidden) });
  const gate =
    s.gateHidden.length === 0
      ? t('board.set.gateLinear')
      : t('board.set.gateHidden', { w: widths(s.gateHidden) });
  switch (s.model) {
    case 'single_task':
      return t('board.set.singleTask', { w: widths(s.bottomHidden), tower });
    case 'share_bottom':
      return t('board.set.shareBottom', { w: widths(s.bottomHidden), tower });
    case 'mmoe':
      return t('board.set.mmoe', { experts: s.numExperts, w: widths(s.expertHidden), gate, tower });
    case 'ple':
      return t(s.levels === 1 ? 'board.set.ple.one' : 'board.set.ple.many', {
        levels: s.levels,
        shared: s.numExperts,
        perTask: s.expertsPerTask,
        w: widths(s.expertHidden),
        gate,
        tower,
      });
  }
}

/**
 * Data labels are stored in English with the run (and in board JSON files); the page shows the
 * built-in generators' labels in the page's language. Other labels (file names) stay as they are.
 */
export function localDataLabel(label: string, t: Translate): string {
  const video = /^short-video generator \(([\d,]+) rows, seed (\d+)\)$/.exec(label);
  if (video !== null) return t('board.data.shortVideo', { rows: video[1], seed: video[2] });
  const corr = /^MMoE correlation generator \(ρ = ([\d.]+), ([\d,]+) rows\)$/.exec(label);
  if (corr !== null) return t('board.data.correlated', { rho: corr[1], rows: corr[2] });
  return label;
}

const HUMAN_STATUS: ReadonlySet<string> = new Set(['completed', 'stopped', 'early-stopped']);

/** The model's name in the page's language; registry models without a key keep their label. */
function modelName(r: RunRecord, t: Translate): string {
  const key = `exp.model.${r.model}`;
  const name = t(key);
  return name === key ? r.modelLabel : name;
}

/**
 * The board's table: one row per run, test AUC per task as its own column. Without `t`: the
 * machine-readable form (English headers, raw backend and status: CSV). With `t`: what a person
 * reads (page, PNG, Markdown) in that language.
 */
export function boardTable(runs: readonly RunRecord[], t?: Translate): BoardTable {
  const tasks = boardTasks(runs);
  const tr = t ?? english;
  const col = (key: string, align: 'left' | 'right', digits?: number): BoardColumn => ({
    key,
    header: tr(`board.col.${key}`),
    align,
    ...(digits === undefined ? {} : { digits }),
  });
  // Results first (as in PaddleRec's comparison table), then what produced them.
  const columns: BoardColumn[] = [
    col('run', 'left'),
    col('model', 'left'),
    ...tasks.map((task): BoardColumn => ({
      key: `test_auc_${task}`,
      header: tr('board.col.testAuc', { task }),
      align: 'right',
      digits: 4,
      task,
    })),
    col('bestEpoch', 'right', 0),
    col('parameters', 'right', 0),
    col('time', 'right', 1),
    col('settings', 'left'),
    col('training', 'left'),
    col('samplesPerSec', 'right', 0),
    col('backend', 'left'),
    col('data', 'left'),
    col('status', 'left'),
  ];
  const rows = runs.map((r): Cell[] => {
    const c = r.trainConfig;
    const testAuc = tasks.map((name) => {
      const i = r.taskNames.indexOf(name);
      const auc = i >= 0 && r.test !== null ? r.test[i]?.auc : undefined;
      return auc !== undefined && Number.isFinite(auc) ? auc : null;
    });
    const human = t !== undefined;
    return [
      r.id,
      human ? modelName(r, t) : r.modelLabel,
      ...testAuc,
      r.bestEpoch,
      r.parameterCount,
      r.elapsedMs / 1000,
      describeSettings(r.modelConfig, tr),
      tr('board.set.training', {
        epochs: c.epochs,
        batch: c.batchSize,
        lr: c.learningRate,
        seed: c.seed,
      }),
      r.samplesPerSec,
      human ? (BACKEND_LABELS[r.backend as BackendName] ?? r.backend) : r.backend,
      human ? localDataLabel(r.dataLabel, t) : r.dataLabel,
      human && HUMAN_STATUS.has(r.status) ? t(`board.status.${r.status}`) : r.status,
    ];
  });
  return { columns, rows };
}

/** A cell as shown on the page, in Markdown and on the PNG: numbers rounded, missing = '—'. */
export function displayCell(cell: Cell, col: BoardColumn): string {
  if (cell === null) return '—';
  if (typeof cell === 'number') {
    if (!Number.isFinite(cell)) return '—';
    const d = col.digits ?? 4;
    return d === 0 ? Math.round(cell).toLocaleString('en-US') : cell.toFixed(d);
  }
  return cell;
}

/** Row index of the best (highest) value in each test-AUC column, or -1 when none. */
export function bestRows(table: BoardTable): number[] {
  return table.columns.map((c, ci) => {
    if (c.task === undefined) return -1;
    let best = -1;
    table.rows.forEach((row, ri) => {
      const v = row[ci];
      if (typeof v === 'number' && (best < 0 || v > (table.rows[best][ci] as number))) best = ri;
    });
    return best;
  });
}

/** RFC 4180 field: quoted when it holds a comma, quote, CR or LF; quotes doubled. */
export function csvField(cell: Cell): string {
  if (cell === null) return '';
  const s = typeof cell === 'number' ? (Number.isFinite(cell) ? String(cell) : '') : cell;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** CSV with a header row; numbers at full precision; CRLF line ends (RFC 4180). */
export function boardToCsv(runs: readonly RunRecord[]): string {
  const { columns, rows } = boardTable(runs);
  const lines = [columns.map((c) => csvField(c.header)), ...rows.map((r) => r.map(csvField))];
  return lines.map((l) => l.join(',')).join('\r\n') + '\r\n';
}

function mdEscape(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** GitHub-flavoured Markdown table; the best test AUC of each task is bold. */
export function boardToMarkdown(runs: readonly RunRecord[], t: Translate = english): string {
  const table = boardTable(runs, t);
  const best = bestRows(table);
  const head = `| ${table.columns.map((c) => mdEscape(c.header)).join(' | ')} |`;
  const rule = `| ${table.columns.map((c) => (c.align === 'right' ? '---:' : '---')).join(' | ')} |`;
  const body = table.rows.map((row, ri) => {
    const cells = row.map((cell, ci) => {
      const s = mdEscape(displayCell(cell, table.columns[ci]));
      return best[ci] === ri ? `**${s}**` : s;
    });
    return `| ${cells.join(' | ')} |`;
  });
  return [head, rule, ...body].join('\n') + '\n';
}

export const BOARD_JSON_FORMAT = 'mtl-playground-board';

/**
 * JSON of every run (all settings, curves and metrics). JSON has no NaN, so undefined AUCs are
 * written as null and read back as NaN by parseBoardJson.
 */
export function boardToJson(runs: readonly RunRecord[]): string {
  return JSON.stringify({ format: BOARD_JSON_FORMAT, version: 1, runs }, null, 2) + '\n';
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const num = (v: unknown): number => (typeof v === 'number' ? v : NaN);

/** Reads boardToJson's output back. @throws Error naming what is wrong. */
export function parseBoardJson(text: string): RunRecord[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new Error(`Not a board JSON file: ${e instanceof Error ? e.message : String(e)}`, {
      cause: e,
    });
  }
  if (!isObj(data) || data.format !== BOARD_JSON_FORMAT || !Array.isArray(data.runs)) {
    throw new Error(
      `Not a board JSON file: expected {"format": "${BOARD_JSON_FORMAT}", "runs": [...]}`,
    );
  }
  if (data.version !== 1) throw new Error(`Unsupported board JSON version ${String(data.version)}`);
  return data.runs.map((r: unknown, i: number): RunRecord => {
    if (
      !isObj(r) ||
      typeof r.id !== 'string' ||
      typeof r.model !== 'string' ||
      !Array.isArray(r.taskNames) ||
      !Array.isArray(r.valAucCurves) ||
      !isObj(r.modelConfig) ||
      !isObj(r.trainConfig)
    ) {
      throw new Error(`Board JSON: run ${i + 1} is missing fields`);
    }
    const run = r as unknown as RunRecord;
    return {
      ...run,
      valAucCurves: run.valAucCurves.map((c) => c.map(num)),
      test:
        run.test === null
          ? null
          : run.test.map((m) => ({ auc: num(m.auc), logloss: num(m.logloss) })),
    };
  });
}
