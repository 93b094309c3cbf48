/**
 * Comparison board: every finished run as a row (model, settings, parameters, best validation
 * epoch, test AUC per task, time), checkboxes to overlay runs' validation AUC curves, and
 * exports: CSV, Markdown, JSON, and the table as a PNG drawn on a canvas.
 */
import { useI18n } from '../i18n';
import { memo, useCallback, useId, useLayoutEffect, useRef } from 'react';
import type { RunRecord, SeriesPoint } from '../state/types';
import { ChartFrame } from '../charts/ChartFrame';
import { runColor, taskColor } from '../charts/colors';
import { decimate } from '../charts/decimate';
import { MAX_DRAWN_POINTS } from '../charts/LiveAucChart';
import { aucDomain, niceTicks, tickDecimals } from '../charts/scale';
import { fixedFormatter, stableNumbers } from '../charts/axisProps';
import { epochTicks, fmtX } from '../charts/chartData';
import { SvgLineChart } from '../charts/SvgLineChart';
import { downloadText } from '../export/download';
import { SavePngButton } from '../export/SavePngButton';
import { renderTablePng } from '../export/tableCanvas';
import {
  bestRows,
  boardTable,
  boardTasks,
  boardToCsv,
  boardToJson,
  boardToMarkdown,
  displayCell,
} from './export';
import '../charts/visuals.css';

export interface ComparisonBoardProps {
  runs: readonly RunRecord[];
  /** Ids of the runs whose curves are overlaid. */
  selected: readonly string[];
  onSelect: (ids: string[]) => void;
  /** Optional: removes one run from the board. */
  onRemove?: (id: string) => void;
}

/** Validation AUC of `task` per epoch for one run (x = epoch); undefined AUCs are left out. */
export function runCurve(run: RunRecord, task: string): SeriesPoint[] {
  const i = run.taskNames.indexOf(task);
  if (i < 0) return [];
  return (run.valAucCurves[i] ?? [])
    .map((value, e) => ({ x: e + 1, value }))
    .filter((p) => Number.isFinite(p.value));
}

function OverlayChart({
  runs,
  task,
  taskIndex,
  colorOf,
}: {
  runs: readonly RunRecord[];
  task: string;
  taskIndex: number;
  colorOf: (id: string) => string;
}) {
  const { t: tr } = useI18n();
  const curves = runs.map((r) => decimate(runCurve(r, task), MAX_DRAWN_POINTS));
  const domain = stableNumbers(aucDomain(curves.flatMap((c) => c.map((p) => p.value))));
  const ticks = stableNumbers(niceTicks(domain));
  const digits = tickDecimals(ticks);
  const maxEpoch = Math.max(1, ...curves.map((c) => (c.length > 0 ? c[c.length - 1].x : 1)));
  const xDomain = stableNumbers<[number, number]>([1, Math.max(2, maxEpoch)]);
  const legend = runs.map((r) => ({ label: `${r.id} · ${r.modelLabel}`, color: colorOf(r.id) }));
  return (
    <ChartFrame
      title={tr('board.overlay.title', { task })}
      what={tr('board.overlay.what', { task })}
      legend={legend}
      empty={runs.length === 0}
    >
      <div
        role="img"
        aria-label={tr('board.overlay.label', { task, runs: runs.map((r) => r.id).join(', ') })}
        style={{ borderTop: `3px solid ${taskColor(taskIndex)}` }}
      >
        {/* Plain SVG, not recharts: this chart gains a curve at the end of every run, and a
            recharts mount there was the page's longest main-thread task (see SvgLineChart). */}
        <SvgLineChart
          lines={runs.map((r, i) => ({
            id: r.id,
            points: curves[i],
            color: colorOf(r.id),
            width: 2.5,
            dotRadius: 3.5,
            label: `${r.id} ${r.modelLabel}`,
          }))}
          height={240}
          xDomain={xDomain}
          xTicks={stableNumbers(epochTicks(xDomain[1]) ?? niceTicks(xDomain))}
          xFormat={fmtX}
          xLabel={tr('chart.axis.epoch')}
          yDomain={domain}
          yTicks={ticks}
          yFormat={fixedFormatter(digits)}
          tipTitle={(x) => tr('board.overlay.epoch', { epoch: String(x) })}
        />
      </div>
    </ChartFrame>
  );
}

const stamp = () => new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');

/**
 * The board re-renders only when its runs or selection change, not on every render of the page
 * (the parent passes new callback functions each time: the latest ones are called through a ref).
 */
export function ComparisonBoard(props: ComparisonBoardProps) {
  const latest = useRef(props);
  useLayoutEffect(() => {
    latest.current = props;
  });
  const onSelect = useCallback((ids: string[]) => latest.current.onSelect(ids), []);
  const onRemove = useCallback((id: string) => latest.current.onRemove?.(id), []);
  return (
    <BoardBody
      runs={props.runs}
      selected={props.selected}
      onSelect={onSelect}
      onRemove={props.onRemove === undefined ? undefined : onRemove}
    />
  );
}

const BoardBody = memo(function BoardBody({
  runs,
  selected,
  onSelect,
  onRemove,
}: ComparisonBoardProps) {
  const { t: tr } = useI18n();
  const captionId = useId();
  const table = boardTable(runs, tr);
  const best = bestRows(table);
  const tasks = boardTasks(runs);
  // A run keeps its colour while others are added: colour by position on the board.
  const colorOf = (id: string) => runColor(runs.findIndex((r) => r.id === id));
  const chosen = runs.filter((r) => selected.includes(r.id));
  const empty = runs.length === 0;
  const toggle = (id: string, on: boolean) =>
    onSelect(on ? [...selected.filter((s) => s !== id), id] : selected.filter((s) => s !== id));
  const allOn = !empty && runs.every((r) => selected.includes(r.id));
  const runCol = 0;

  return (
    <div className="board">
      <div className="board-toolbar" role="group" aria-label={tr('board.toolbar')}>
        <button
          type="button"
          className="secondary"
          disabled={empty}
          title={tr('board.csv.tooltip')}
          onClick={() => downloadText(boardToCsv(runs), `runs-${stamp()}.csv`, 'text/csv')}
        >
          {tr('board.csv')}
        </button>
        <button
          type="button"
          className="secondary"
          disabled={empty}
          title={tr('board.md.tooltip')}
          onClick={() =>
            downloadText(boardToMarkdown(runs, tr), `runs-${stamp()}.md`, 'text/markdown')
          }
        >
          {tr('board.md')}
        </button>
        <button
          type="button"
          className="secondary"
          disabled={empty}
          title={tr('board.json.tooltip')}
          onClick={() =>
            downloadText(boardToJson(runs), `runs-${stamp()}.json`, 'application/json')
          }
        >
          {tr('board.json')}
        </button>
        <SavePngButton
          what={tr('board.what')}
          filename="comparison-board.png"
          disabled={empty}
          render={() =>
            renderTablePng({
              title: tr('board.png.title'),
              headers: table.columns.map((c) => c.header),
              align: table.columns.map((c) => c.align),
              rows: table.rows.map((row) =>
                row.map((cell, c) => displayCell(cell, table.columns[c])),
              ),
              bold: table.rows.map((_, r) => best.map((b) => b === r)),
              headerColors: table.columns.map((c) =>
                c.task === undefined ? undefined : taskColor(tasks.indexOf(c.task)),
              ),
            })
          }
        />
      </div>
      {empty ? (
        <p className="muted">{tr('board.empty')}</p>
      ) : (
        <>
          <div className="board-scroll">
            <table className="board" aria-describedby={captionId}>
              <caption id={captionId} className="visually-hidden">
                {tr('board.caption')}
              </caption>
              <thead>
                <tr>
                  <th scope="col">
                    <label title={tr('board.overlayAll.tooltip')}>
                      <input
                        type="checkbox"
                        checked={allOn}
                        onChange={(e) => onSelect(e.target.checked ? runs.map((r) => r.id) : [])}
                      />{' '}
                      {tr('board.overlayAll')}
                    </label>
                  </th>
                  {table.columns.slice(1).map((c) => (
                    <th
                      key={c.key}
                      scope="col"
                      className={c.align === 'right' ? 'num' : undefined}
                      style={
                        c.task === undefined
                          ? undefined
                          : { color: taskColor(tasks.indexOf(c.task)) }
                      }
                    >
                      {c.header}
                    </th>
                  ))}
                  {onRemove && <th scope="col">{tr('board.remove')}</th>}
                </tr>
              </thead>
              <tbody>
                {runs.map((r, ri) => {
                  const on = selected.includes(r.id);
                  return (
                    <tr key={r.id} className={on ? 'selected' : undefined}>
                      <th scope="row">
                        <label title={tr('board.overlay.tooltip', { id: r.id })}>
                          <input
                            type="checkbox"
                            checked={on}
                            onChange={(e) => toggle(r.id, e.target.checked)}
                          />{' '}
                          <span className="run-swatch" style={{ background: colorOf(r.id) }} />
                          {String(table.rows[ri][runCol])}
                        </label>
                      </th>
                      {table.rows[ri].slice(1).map((cell, ci) => {
                        const col = table.columns[ci + 1];
                        const cls = [
                          col.align === 'right' ? 'num' : '',
                          col.key === 'settings' ? 'settings' : '',
                          best[ci + 1] === ri ? 'best' : '',
                        ]
                          .filter(Boolean)
                          .join(' ');
                        return (
                          <td key={col.key} className={cls || undefined}>
                            {displayCell(cell, col)}
                          </td>
                        );
                      })}
                      {onRemove && (
                        <td>
                          <button
                            type="button"
                            className="link"
                            title={tr('board.remove.tooltip', { id: r.id })}
                            onClick={() => onRemove(r.id)}
                          >
                            {tr('board.remove')}
                            <span className="visually-hidden"> {r.id}</span>
                          </button>
                        </td>
                      )}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <p className="muted">{tr('board.note')}</p>
          {chosen.length === 0 ? (
            <p className="muted">{tr('board.tick')}</p>
          ) : (
            <div className="overlay-grid">
              {tasks.map((t, i) => (
                <OverlayChart
                  key={t}
                  runs={chosen.filter((r) => r.taskNames.includes(t))}
                  task={t}
                  taskIndex={i}
                  colorOf={colorOf}
                />
              ))}
            </div>
          )}
        </>
      )}
    </div>
  );
});
