/**
 * Live AUC per task: streaming train AUC (dashed, recent window) and validation AUC after each
 * epoch (solid, dots) on one epoch axis. The AUC axis is auto-ranged to the data.
 */
import { useI18n } from '../i18n';
import {
  CartesianGrid,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { memo, useId, useMemo, useState } from 'react';
import type { LiveSeries } from '../state/types';
import { ChartFrame } from './ChartFrame';
import { taskColor } from './colors';
import { decimate } from './decimate';
import { aucDomain, niceTicks, tickDecimals } from './scale';
import { epochTicks, fmtX, summariseLatest, xEnd } from './chartData';
import {
  ALL_TICKS,
  AUC_LABEL,
  CHART_MARGIN,
  epochAxisLabel,
  TICK_STYLE,
  fixedFormatter,
  fmtValue,
  stableNumbers,
} from './axisProps';

/**
 * Points drawn per streaming line; the store may keep more, the SVG never gets more. 120 points
 * over a ~700 px wide plot look the same as more, and keep a chart update cheap.
 */
export const MAX_DRAWN_POINTS = 120;

interface Props {
  series: LiveSeries;
  height?: number;
  title?: string;
}

/** Memoised: re-renders only when its series (or title/height) changes. */
export const LiveAucChart = memo(function LiveAucChart({ series, height = 280, title }: Props) {
  const { taskNames } = series;
  const toggleId = useId();
  const { t: tr } = useI18n();
  const epochTip = useMemo(
    () => (x: unknown) =>
      tr('chart.tip.epoch', { epoch: typeof x === 'number' ? fmtX(x) : String(x) }),
    [tr],
  );
  // Hiding the streaming lines re-ranges the axis onto the validation curves.
  const [showTrain, setShowTrain] = useState(true);
  const train = showTrain ? series.trainAuc.map((l) => decimate(l, MAX_DRAWN_POINTS)) : [];
  // One point per epoch is small, but a 1000-epoch run should not draw 1000 dots.
  const val = series.valAuc.map((l) => decimate(l, MAX_DRAWN_POINTS));
  const values = [...train, ...val].flatMap((l) => l.map((p) => p.value));
  const domain = stableNumbers(aucDomain(values));
  const yTicks = stableNumbers(niceTicks(domain));
  const digits = tickDecimals(yTicks);
  const xMax = xEnd([...series.trainAuc, ...val]);
  const xDomain = stableNumbers([0, xMax]);
  const xTicks = stableNumbers(epochTicks(xMax));
  const empty = values.length === 0;
  const legend = taskNames.flatMap((t, i) => [
    { label: tr('chart.auc.legendVal', { task: t }), color: taskColor(i) },
    ...(showTrain
      ? [{ label: tr('chart.auc.legendTrain', { task: t }), color: taskColor(i), dashed: true }]
      : []),
  ]);
  const chartTitle = title ?? tr('chart.auc.title');
  return (
    <ChartFrame
      title={chartTitle}
      what={tr('chart.auc.what')}
      legend={legend}
      empty={empty}
      actions={
        <label htmlFor={toggleId} className="inline" title={tr('chart.auc.toggle.tooltip')}>
          <input
            id={toggleId}
            type="checkbox"
            title={tr('chart.auc.toggle.tooltip')}
            checked={showTrain}
            onChange={(e) => setShowTrain(e.target.checked)}
          />
          {tr('chart.auc.toggle')}
        </label>
      }
      caption={tr('chart.auc.caption')}
    >
      <div
        role="img"
        aria-label={`${chartTitle}: ${summariseLatest(taskNames, series.valAuc, tr('chart.auc.valAuc'), tr)}`}
      >
        <ResponsiveContainer width="100%" height={height}>
          <LineChart margin={CHART_MARGIN}>
            <CartesianGrid stroke="#d5dbe1" strokeDasharray="3 3" />
            <XAxis
              dataKey="x"
              type="number"
              domain={xDomain}
              ticks={xTicks}
              interval={ALL_TICKS}
              tickFormatter={fmtX}
              allowDuplicatedCategory={false}
              tick={TICK_STYLE}
              label={epochAxisLabel(tr('chart.axis.epoch'))}
            />
            <YAxis
              type="number"
              domain={domain}
              ticks={yTicks}
              interval={ALL_TICKS}
              allowDataOverflow
              tickFormatter={fixedFormatter(digits)}
              tick={TICK_STYLE}
              width={58}
              label={AUC_LABEL}
            />
            <Tooltip formatter={fmtValue} labelFormatter={epochTip} />
            {train.map((pts, i) => (
              <Line
                key={`train-${taskNames[i]}`}
                data={pts}
                dataKey="value"
                name={tr('chart.line.train', { task: taskNames[i] })}
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
                name={tr('chart.line.val', { task: taskNames[i] })}
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
});
