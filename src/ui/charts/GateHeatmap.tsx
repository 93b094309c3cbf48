/**
 * Gate weights as a heatmap, one per level (PLE has several): rows are gates (one per task, plus
 * PLE's shared gate on levels before the last), columns are experts, colour = mean weight of the
 * latest batch with the value written in the cell. Exact zeros (experts a gate cannot reach) are
 * hatched grey with "—". A table with the same numbers is the text alternative.
 */
import { useI18n } from '../i18n';
import { memo, useId, useRef } from 'react';
import type { GateLayout } from '../state/types';
import { fileSlug } from '../export/download';
import { renderChartPng } from '../export/png';
import { SavePngButton } from '../export/SavePngButton';
import { SHARED_COLOR, taskColor } from './colors';
import { heatLevels, heatScaleMax, type HeatLevel } from './heatmap';
import { blues } from './scale';
import './visuals.css';

interface Props {
  layout: GateLayout[];
  /** Mean gate weights [level][gate][expert], same shapes as layout. */
  weights: number[][][];
  taskNames: string[];
  /** e.g. "epoch 2, step 40" — when the weights were taken. */
  when?: string;
}

const CELL_W = 66;
const CELL_H = 40;
/** Rough glyph widths of the label fonts (system-ui, bold 13 px / 12 px) for layout. */
const ROW_CHAR_W = 8;
const COL_CHAR_W = 7.2;

/** Rough width in glyphs: CJK characters are about twice as wide as Latin ones. */
const glyphs = (s: string) => s.length + (s.match(/[\u3000-\u9fff\uff00-\uffef]/g)?.length ?? 0);

/**
 * Label geometry of one level: row-label width, and whether column labels must be rotated.
 * `gateLabels` and `expertLabels` are the drawn (translated) labels.
 */
export function heatGeometry(gateLabels: string[], expertLabels: string[]) {
  const rowLabelW = 16 + ROW_CHAR_W * Math.max(...gateLabels.map(glyphs));
  const longest = COL_CHAR_W * Math.max(...expertLabels.map(glyphs));
  const rotate = longest > CELL_W - 6;
  // Rotated by −35°: a label rises by sin·length and runs right by cos·length past its cell.
  const colLabelH = rotate ? 14 + longest * 0.58 : 22;
  const right = rotate ? Math.max(8, longest * 0.82 - CELL_W / 2) : 8;
  return { rowLabelW, colLabelH, rotate, right };
}

type Tr = ReturnType<typeof useI18n>['t'];
/** Gate and expert names come from the engine in English ('shared', 'expert 2', 'like 1'). */
const gateName = (g: string, t: Tr) =>
  g === 'shared' ? t('gates.sharedGate') : t('gates.taskGate', { task: g });
/** heatmap.ts writes 'n/a' for a weight not received yet. */
const cellText = (text: string, t: Tr) => (text === 'n/a' ? t('gates.na') : text);
function expertName(e: string, t: Tr): string {
  const m = /^(expert|shared) (\d+)$/.exec(e);
  return m === null ? e : t(m[1] === 'expert' ? 'gates.expertN' : 'gates.sharedN', { n: m[2] });
}

/** Colour of a row/column label: its task's colour, or grey for shared parts. */
function labelColor(label: string, taskNames: string[]): string {
  const i = taskNames.findIndex((t) => label === t || label.startsWith(`${t} `));
  return i >= 0 ? taskColor(i) : SHARED_COLOR;
}

function LevelSvg({
  level,
  taskNames,
  title,
  heading,
}: {
  level: HeatLevel;
  taskNames: string[];
  title: string;
  /** Drawn inside the SVG (so it is in the PNG too), e.g. "Level 1". */
  heading?: string;
}) {
  const { t } = useI18n();
  const patternId = useId().replace(/:/g, '');
  const {
    rowLabelW: ROW_LABEL_W,
    colLabelH: COL_LABEL_H,
    rotate,
    right,
  } = heatGeometry(
    level.gates.map((g) => gateName(g, t)),
    level.experts.map((e) => expertName(e, t)),
  );
  const w = ROW_LABEL_W + level.experts.length * CELL_W + right;
  const h = COL_LABEL_H + level.gates.length * CELL_H + 8;
  return (
    <svg
      data-export="png"
      width={w}
      height={h}
      viewBox={`0 0 ${w} ${h}`}
      role="img"
      aria-label={title}
      className="heatmap-svg"
      fontFamily="system-ui, sans-serif"
    >
      <defs>
        <pattern
          id={patternId}
          width="6"
          height="6"
          patternUnits="userSpaceOnUse"
          patternTransform="rotate(45)"
        >
          <rect width="6" height="6" fill="#e4e7ea" />
          <line x1="0" y1="0" x2="0" y2="6" stroke="#b7bec6" strokeWidth="2.5" />
        </pattern>
      </defs>
      {heading !== undefined && (
        <text x={0} y={16} fontSize="15" fontWeight={700} fill="#1d232a">
          {heading}
        </text>
      )}
      {level.experts.map((e, c) => (
        <text
          key={e}
          transform={
            rotate
              ? `translate(${ROW_LABEL_W + c * CELL_W + CELL_W / 2 - 4}, ${COL_LABEL_H - 8}) rotate(-35)`
              : `translate(${ROW_LABEL_W + c * CELL_W + CELL_W / 2}, ${COL_LABEL_H - 8})`
          }
          textAnchor={rotate ? 'start' : 'middle'}
          fontSize="12"
          fill={labelColor(e, taskNames)}
          fontWeight={600}
        >
          {expertName(e, t)}
        </text>
      ))}
      {level.gates.map((g, r) => (
        <text
          key={g}
          x={ROW_LABEL_W - 8}
          y={COL_LABEL_H + r * CELL_H + CELL_H / 2}
          textAnchor="end"
          dominantBaseline="middle"
          fontSize="13"
          fontWeight={600}
          fill={labelColor(g, taskNames)}
        >
          {gateName(g, t)}
        </text>
      ))}
      {level.cells.map((cell) => {
        const x = ROW_LABEL_W + cell.col * CELL_W;
        const y = COL_LABEL_H + cell.row * CELL_H;
        return (
          <g key={`${cell.row}-${cell.col}`}>
            <rect
              x={x + 1}
              y={y + 1}
              width={CELL_W - 2}
              height={CELL_H - 2}
              rx="3"
              fill={cell.unreachable ? `url(#${patternId})` : cell.fill}
              stroke="#ffffff"
            >
              <title>
                {`${gateName(level.gates[cell.row], t)} → ${expertName(level.experts[cell.col], t)}: ${
                  cell.unreachable ? t('gates.unreachable') : cellText(cell.text, t)
                }`}
              </title>
            </rect>
            <text
              x={x + CELL_W / 2}
              y={y + CELL_H / 2}
              textAnchor="middle"
              dominantBaseline="central"
              fontSize="14"
              fontWeight={cell.unreachable ? 400 : 600}
              fill={cell.textColor}
              pointerEvents="none"
            >
              {cellText(cell.text, t)}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

/** Horizontal colour bar 0 … max. */
function ScaleBar({ max }: { max: number }) {
  const { t } = useI18n();
  const stops = Array.from({ length: 11 }, (_, i) => i / 10);
  return (
    <div className="heat-scale" aria-hidden="true">
      <span>0</span>
      <span className="heat-scale-bar">
        {stops.map((s) => (
          <span key={s} style={{ background: blues(s) }} />
        ))}
      </span>
      <span>{max.toFixed(1)}</span>
      <span className="heat-zero-swatch" />
      <span>— {t('gates.unreachable')}</span>
    </div>
  );
}

/** Memoised: re-renders only when its gates (or names) change. */
export const GateHeatmap = memo(function GateHeatmap({ layout, weights, taskNames, when }: Props) {
  const { t } = useI18n();
  const ref = useRef<HTMLElement>(null);
  const captionId = useId();
  const max = heatScaleMax(weights);
  const levels = heatLevels(layout, weights, max);
  const multi = levels.length > 1;
  const title = t('gates.title');
  if (layout.length === 0) {
    return <p className="muted">{t('gates.none')}</p>;
  }
  const hasData = weights.length > 0;
  return (
    <figure className="chart-frame" ref={ref} aria-describedby={captionId}>
      <div className="chart-head">
        <h3 className="chart-title">{title}</h3>
        <div className="chart-actions">
          <SavePngButton
            what={t('gates.what')}
            filename={`${fileSlug(title)}.png`}
            disabled={!hasData}
            render={() => {
              if (ref.current === null) return Promise.reject(new Error(t('gates.notShown')));
              return renderChartPng(ref.current, `${title}${when ? ` — ${when}` : ''}`, [
                {
                  label: t('gates.png.scale', { max: max.toFixed(1) }),
                  color: blues(0.8),
                  swatch: true,
                },
                { label: `— ${t('gates.unreachable')}`, color: '#c5ccd3', swatch: true },
              ]);
            }}
          />
        </div>
      </div>
      <ScaleBar max={max} />
      <div className="heat-levels">
        {levels.map((l) => {
          const name = multi ? t('gates.level', { n: l.level + 1 }) : t('gates.gates');
          return (
            <div key={l.level} className="heat-level">
              <LevelSvg
                level={l}
                taskNames={taskNames}
                heading={multi ? name : undefined}
                title={t(hasData ? 'gates.svgLabel' : 'gates.svgLabel.empty', {
                  title: multi ? `${title}, ${name}` : title,
                  gates: l.gates.length,
                  experts: l.experts.length,
                })}
              />
            </div>
          );
        })}
      </div>
      <figcaption id={captionId}>
        {t('gates.caption', { when: when ? `, ${when}` : '' })}
      </figcaption>
      <details className="heat-table">
        <summary>{t('gates.table')}</summary>
        {levels.map((l) => (
          <table key={l.level} className="numbers">
            <caption>{multi ? t('gates.level', { n: l.level + 1 }) : t('gates.weights')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('gates.gate')}</th>
                {l.experts.map((e) => (
                  <th key={e} scope="col">
                    {expertName(e, t)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {l.gates.map((g, r) => (
                <tr key={g}>
                  <th scope="row">{gateName(g, t)}</th>
                  {l.experts.map((e, c) => {
                    const cell = l.cells[r * l.experts.length + c];
                    return (
                      <td key={e}>
                        {cell.unreachable
                          ? `— (${t('gates.unreachable.short')})`
                          : cellText(cell.text, t)}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        ))}
      </details>
    </figure>
  );
});
