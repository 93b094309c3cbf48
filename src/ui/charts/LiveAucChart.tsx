/**
 * Live AUC per task: streaming train AUC (dashed, recent window) and validation AUC after each
 * epoch (solid, dots) on one epoch axis. The AUC axis is auto-ranged to the data.
 */
import {
  CartesianGrid,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { LiveSeries, SeriesPoint } from '../state/types';
import { ChartFrame } from './ChartFrame';
import { taskColor } from './colors';
import { decimate } from './decimate';
import { aucDomain, niceTicks, tickDecimals } from './scale';

/** Points drawn per streaming line; the store may keep more, the SVG never gets more. */
export const MAX_DRAWN_POINTS = 300;

interface Props {
  series: LiveSeries;
  /** Draw the streaming train AUC too (default true). */
  showTrain?: boolean;
  height?: number;
  title?: string;
}

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

const fmtX = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(2));

export function LiveAucChart({ series, showTrain = true, height = 280, title }: Props) {
  const { taskNames } = series;
  const train = showTrain ? series.trainAuc.map((l) => decimate(l, MAX_DRAWN_POINTS)) : [];
  const val = series.valAuc;
  const values = [...train, ...val].flatMap((l) => l.map((p) => p.value));
  const domain = aucDomain(values);
  const yTicks = niceTicks(domain);
  const digits = tickDecimals(yTicks);
  const xMax = Math.max(1, maxX([...train, ...val]));
  const empty = values.length === 0;
  const legend = taskNames.flatMap((t, i) => [
    { label: `${t} · validation`, color: taskColor(i) },
    ...(showTrain
      ? [{ label: `${t} · train (streaming)`, color: taskColor(i), dashed: true }]
      : []),
  ]);
  const chartTitle = title ?? 'AUC per task';
  return (
    <ChartFrame
      title={chartTitle}
      what="AUC chart"
      legend={legend}
      empty={empty}
      caption={
        <>
          Solid lines with dots: validation AUC after each epoch. Dashed: train AUC over the most
          recent training rows, updated while training. 0.5 = guessing, 1 = perfect ranking.
        </>
      }
    >
      <div
        role="img"
        aria-label={`${chartTitle}: ${summariseLatest(taskNames, series.valAuc, 'validation AUC')}`}
      >
        <ResponsiveContainer width="100%" height={height}>
          <LineChart margin={{ top: 8, right: 24, bottom: 22, left: 8 }}>
            <CartesianGrid stroke="#d5dbe1" strokeDasharray="3 3" />
            <XAxis
              dataKey="x"
              type="number"
              domain={[0, xMax]}
              ticks={epochTicks(xMax)}
              tickFormatter={fmtX}
              allowDuplicatedCategory={false}
              tick={{ fill: '#1d232a', fontSize: 13 }}
              label={{ value: 'epoch', position: 'insideBottom', offset: -14, fill: '#1d232a' }}
            />
            <YAxis
              type="number"
              domain={domain}
              ticks={yTicks}
              allowDataOverflow
              tickFormatter={(v: number) => v.toFixed(digits)}
              tick={{ fill: '#1d232a', fontSize: 13 }}
              width={58}
              label={{ value: 'AUC', angle: -90, position: 'insideLeft', fill: '#1d232a' }}
            />
            <Tooltip
              formatter={(v) => (typeof v === 'number' ? v.toFixed(4) : String(v))}
              labelFormatter={(x) => `epoch ${typeof x === 'number' ? fmtX(x) : String(x)}`}
            />
            {train.map((pts, i) => (
              <Line
                key={`train-${taskNames[i]}`}
                data={pts}
                dataKey="value"
                name={`${taskNames[i]} train`}
                stroke={taskColor(i)}
                strokeWidth={1.6}
                strokeDasharray="5 4"
                strokeOpacity={0.85}
                dot={false}
                activeDot={false}
                isAnimationActive={false}
              />
            ))}
            {val.map((pts, i) => (
              <Line
                key={`val-${taskNames[i]}`}
                data={pts}
                dataKey="value"
                name={`${taskNames[i]} validation`}
                stroke={taskColor(i)}
                strokeWidth={3}
                dot={{ r: 4, fill: taskColor(i), strokeWidth: 0 }}
                isAnimationActive={false}
              />
            ))}
          </LineChart>
        </ResponsiveContainer>
      </div>
    </ChartFrame>
  );
}

/** "completion 0.8123, like 0.7012 (epoch 3)" — the latest value per task, for screen readers. */
export function summariseLatest(taskNames: string[], lines: SeriesPoint[][], what: string): string {
  const parts = taskNames.flatMap((t, i) => {
    const l = lines[i] ?? [];
    const p = l[l.length - 1];
    return p === undefined ? [] : [`${t} ${p.value.toFixed(4)} at epoch ${fmtX(p.x)}`];
  });
  return parts.length === 0 ? `no ${what} yet` : `latest ${what}: ${parts.join(', ')}`;
}
