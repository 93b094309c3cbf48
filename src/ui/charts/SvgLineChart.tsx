/**
 * A small line chart drawn as plain SVG (axes, grid, ticks, lines, dots), for the charts that
 * update while training: the live AUC and loss curves and the board's overlay, which gains a
 * curve at the end of every run.
 *
 * Why not recharts here: recharts 3 keeps every chart in a redux store; a new data array or axis
 * domain re-runs its selector graph and re-renders the chart synchronously (useSyncExternalStore),
 * so startTransition cannot split it. Chrome traces of a training run showed each such update as
 * one main-thread task of 30–80 ms CPU (90–150 ms wall next to the training worker), the
 * board overlay's mount at the end of a run as 100–190 ms. This component is a plain React leaf:
 * an update re-renders a few dozen SVG elements (a few ms). Recharts stays for the static
 * charts (the experiments panel). Hovering the plot shows the nearest values (like recharts'
 * tooltip); the hover state is the chart's own, so it never re-renders the page.
 */
import { memo, useEffect, useId, useRef, useState, type PointerEvent } from 'react';
import type { SeriesPoint } from '../state/types';
import { TICK_STYLE } from './axisProps';

export interface ChartLine {
  /** Stable React key, e.g. "train-completion". */
  id: string;
  points: readonly SeriesPoint[];
  color: string;
  width: number;
  /** A dashed line (streaming train values). */
  dashed?: boolean;
  opacity?: number;
  /** Radius of a dot on every point (validation AUC per epoch); none when absent. */
  dotRadius?: number;
  /** Name in the hover readout, e.g. "completion validation" (the id when absent). */
  label?: string;
}

/** The dash pattern of streaming lines (the legend draws the same). */
export const DASH = '5 4';

/** A linear map of `domain` onto [r0, r1] (r1 < r0 for a y axis: SVG's y grows downwards). */
export function linearScale(
  [d0, d1]: readonly [number, number],
  r0: number,
  r1: number,
): (v: number) => number {
  const k = d1 === d0 ? 0 : (r1 - r0) / (d1 - d0);
  return (v) => r0 + (v - d0) * k;
}

/** SVG path data through the points ("M x,y L x,y …"), skipping non-finite positions. */
export function linePath(
  points: readonly SeriesPoint[],
  sx: (v: number) => number,
  sy: (v: number) => number,
): string {
  const parts: string[] = [];
  for (const p of points) {
    const x = sx(p.x);
    const y = sy(p.value);
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    parts.push(`${parts.length === 0 ? 'M' : 'L'}${x.toFixed(1)},${y.toFixed(1)}`);
  }
  return parts.join('');
}

/**
 * The point of `points` (sorted by x) whose x is closest to `x`; undefined for no points.
 * Binary search: a hover must stay cheap on long lines. Pure (tested in Node).
 */
export function nearestPoint(points: readonly SeriesPoint[], x: number): SeriesPoint | undefined {
  if (points.length === 0) return undefined;
  let lo = 0;
  let hi = points.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (points[mid].x <= x) lo = mid;
    else hi = mid;
  }
  return Math.abs(points[lo].x - x) <= Math.abs(points[hi].x - x) ? points[lo] : points[hi];
}

/**
 * Width of an element, following resizes (0 until the first observation). Only a ResizeObserver,
 * no getBoundingClientRect on mount: that forced a layout of the whole page inside the commit
 * that adds a board row (the end of every run).
 */
function useWidth<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState(0);
  useEffect(() => {
    const el = ref.current;
    if (el === null) return;
    const ro = new ResizeObserver((entries) => {
      const w = entries[entries.length - 1]?.contentRect.width;
      if (w !== undefined) setWidth(Math.floor(w));
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return { ref, width };
}

export interface SvgLineChartProps {
  lines: readonly ChartLine[];
  height: number;
  xDomain: readonly [number, number];
  xTicks: readonly number[];
  xFormat: (v: number) => string;
  xLabel: string;
  yDomain: readonly [number, number];
  yTicks: readonly number[];
  yFormat: (v: number) => string;
  /** Rotated label left of the y axis, e.g. "AUC"; none when absent. */
  yLabel?: string;
  /** Heading of the hover readout for an x value, e.g. "epoch 1.25". */
  tipTitle: (x: number) => string;
  /** Values in the hover readout (four decimals when absent). */
  tipFormat?: (v: number) => string;
}

/** Lines whose nearest point is within this many pixels of the hovered x join the readout. */
const HOVER_PX = 14;
const tip4 = (v: number) => v.toFixed(4);

const MARGIN = { top: 8, right: 24, bottom: 8, left: 8 };
/** Room for the y tick labels (and the rotated y label) and for the x tick labels + x label. */
const Y_AXIS_W = 58;
const X_AXIS_H = 44;
const TICK_LEN = 6;
const GRID = '#d5dbe1';
const AXIS = '#666';

/** Memoised: re-renders when a prop changes (the callers pass value-stable domains and ticks). */
export const SvgLineChart = memo(function SvgLineChart(p: SvgLineChartProps) {
  const { ref, width } = useWidth<HTMLDivElement>();
  const clipId = `chart-clip-${useId().replace(/[^a-zA-Z0-9_-]/g, '')}`;
  // Hovered x in data units (a pointer-only extra: the values are also in the caller's label).
  const [hoverX, setHoverX] = useState<number | null>(null);
  const left = MARGIN.left + Y_AXIS_W;
  const top = MARGIN.top;
  const plotW = Math.max(0, width - left - MARGIN.right);
  const plotH = Math.max(0, p.height - top - MARGIN.bottom - X_AXIS_H);
  const sx = linearScale(p.xDomain, left, left + plotW);
  const sy = linearScale(p.yDomain, top + plotH, top);
  const bottom = top + plotH;
  const inX = (v: number) => v >= p.xDomain[0] - 1e-9 && v <= p.xDomain[1] + 1e-9;
  const inY = (v: number) => v >= p.yDomain[0] - 1e-9 && v <= p.yDomain[1] + 1e-9;
  const xTicks = p.xTicks.filter(inX);
  const yTicks = p.yTicks.filter(inY);
  const hover = hoverX === null ? null : hoverReadout(p.lines, hoverX, sx);
  const onPointerMove = (e: PointerEvent<SVGSVGElement>) => {
    const px = e.clientX - e.currentTarget.getBoundingClientRect().left;
    const inPlot = plotW > 0 && px >= left && px <= left + plotW;
    setHoverX(inPlot ? p.xDomain[0] + ((px - left) / plotW) * (p.xDomain[1] - p.xDomain[0]) : null);
  };
  const fmtTip = p.tipFormat ?? tip4;
  return (
    <div ref={ref} className="svg-chart" style={{ height: p.height }}>
      {plotW > 0 && plotH > 0 && (
        <svg
          data-export="png"
          width={width}
          height={p.height}
          aria-hidden="true"
          onPointerMove={onPointerMove}
          onPointerLeave={() => setHoverX(null)}
        >
          <clipPath id={clipId}>
            {/* A little room so dots on the plot's edge are not cut in half. */}
            <rect x={left - 6} y={top - 6} width={plotW + 12} height={plotH + 12} />
          </clipPath>
          <g className="chart-grid" stroke={GRID} strokeDasharray="3 3">
            {xTicks.map((v) => (
              <line key={`x${v}`} x1={sx(v)} x2={sx(v)} y1={top} y2={bottom} />
            ))}
            {yTicks.map((v) => (
              <line key={`y${v}`} x1={left} x2={left + plotW} y1={sy(v)} y2={sy(v)} />
            ))}
          </g>
          <g className="chart-axis" stroke={AXIS}>
            <line x1={left} x2={left + plotW} y1={bottom} y2={bottom} />
            <line x1={left} x2={left} y1={top} y2={bottom} />
            {xTicks.map((v) => (
              <line key={`x${v}`} x1={sx(v)} x2={sx(v)} y1={bottom} y2={bottom + TICK_LEN} />
            ))}
            {yTicks.map((v) => (
              <line key={`y${v}`} x1={left - TICK_LEN} x2={left} y1={sy(v)} y2={sy(v)} />
            ))}
          </g>
          <g className="chart-tick-labels" fill={TICK_STYLE.fill} fontSize={TICK_STYLE.fontSize}>
            {xTicks.map((v) => (
              <text key={`x${v}`} x={sx(v)} y={bottom + TICK_LEN + 14} textAnchor="middle">
                {p.xFormat(v)}
              </text>
            ))}
            {yTicks.map((v) => (
              <text
                key={`y${v}`}
                x={left - TICK_LEN - 3}
                y={sy(v)}
                textAnchor="end"
                dominantBaseline="central"
              >
                {p.yFormat(v)}
              </text>
            ))}
            <text x={left + plotW / 2} y={p.height - MARGIN.bottom - 2} textAnchor="middle">
              {p.xLabel}
            </text>
            {p.yLabel !== undefined && (
              <text
                transform={`translate(${MARGIN.left + 8},${top + plotH / 2}) rotate(-90)`}
                textAnchor="middle"
                dominantBaseline="central"
              >
                {p.yLabel}
              </text>
            )}
          </g>
          <g clipPath={`url(#${clipId})`}>
            {p.lines.map((l) => (
              <g key={l.id}>
                <path
                  className="chart-line"
                  d={linePath(l.points, sx, sy)}
                  fill="none"
                  stroke={l.color}
                  strokeWidth={l.width}
                  strokeOpacity={l.opacity}
                  strokeDasharray={l.dashed === true ? DASH : undefined}
                  strokeLinejoin="round"
                  strokeLinecap="round"
                />
                {l.dotRadius !== undefined && (
                  <g className="chart-line-dots">
                    {l.points.map((pt) => (
                      <circle
                        key={pt.x}
                        cx={sx(pt.x).toFixed(1)}
                        cy={sy(pt.value).toFixed(1)}
                        r={l.dotRadius}
                        fill={l.color}
                      />
                    ))}
                  </g>
                )}
              </g>
            ))}
          </g>
          {hover !== null && (
            <g className="chart-hover" pointerEvents="none">
              <line x1={sx(hover.x)} x2={sx(hover.x)} y1={top} y2={bottom} stroke="#8a949e" />
              {hover.rows.map((r) => (
                <circle
                  key={r.id}
                  cx={sx(r.x)}
                  cy={sy(r.value)}
                  r={4.5}
                  fill="#fff"
                  stroke={r.color}
                  strokeWidth={2}
                />
              ))}
            </g>
          )}
        </svg>
      )}
      {hover !== null && (
        <div
          className="chart-tip"
          aria-hidden="true"
          style={
            sx(hover.x) > left + plotW / 2
              ? { right: width - sx(hover.x) + 12, top }
              : { left: sx(hover.x) + 12, top }
          }
        >
          <div className="chart-tip-title">{p.tipTitle(hover.x)}</div>
          {hover.rows.map((r) => (
            <div key={r.id} style={{ color: r.color }}>
              {r.label}: {fmtTip(r.value)}
            </div>
          ))}
        </div>
      )}
    </div>
  );
});

/**
 * The hover readout at data x `x`: the x of the closest point of any line, and each line's point
 * there (lines with no point within HOVER_PX pixels are left out).
 */
function hoverReadout(lines: readonly ChartLine[], x: number, sx: (v: number) => number) {
  let best: number | null = null;
  for (const l of lines) {
    const q = nearestPoint(l.points, x);
    if (q !== undefined && (best === null || Math.abs(q.x - x) < Math.abs(best - x))) best = q.x;
  }
  if (best === null) return null;
  const at = best;
  const rows = lines.flatMap((l) => {
    const q = nearestPoint(l.points, at);
    if (q === undefined || Math.abs(sx(q.x) - sx(at)) > HOVER_PX) return [];
    return [{ id: l.id, label: l.label ?? l.id, color: l.color, x: q.x, value: q.value }];
  });
  return { x: at, rows };
}
