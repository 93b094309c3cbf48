/**
 * Live AUC per task: streaming train AUC (dashed, recent window) and validation AUC after each
 * epoch (solid, dots) on one epoch axis. The AUC axis is auto-ranged to the data.
 */
import { useI18n } from '../i18n';
import { memo, useCallback, useId, useState } from 'react';
import type { LiveSeries } from '../state/types';
import { ChartFrame } from './ChartFrame';
import { taskColor } from './colors';
import { decimate } from './decimate';
import { SvgLineChart, type ChartLine } from './SvgLineChart';
import { aucDomain, niceTicks, tickDecimals } from './scale';
import { epochTicks, fmtX, summariseLatest, xEnd } from './chartData';
import { AUC_LABEL, fixedFormatter, stableNumbers } from './axisProps';

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

/**
 * Memoised: re-renders only when its series (or title/height) changes. Drawn by SvgLineChart
 * (see there why not recharts).
 */
export const LiveAucChart = memo(function LiveAucChart({ series, height = 280, title }: Props) {
  const { taskNames } = series;
  const toggleId = useId();
  const { t: tr } = useI18n();
  const tipTitle = useCallback((x: number) => tr('chart.tip.epoch', { epoch: fmtX(x) }), [tr]);
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
  const xDomain = stableNumbers<[number, number]>([0, xMax]);
  const xTicks = stableNumbers(epochTicks(xMax) ?? niceTicks([0, xMax]));
  const empty = values.length === 0;
  const legend = taskNames.flatMap((t, i) => [
    { label: tr('chart.auc.legendVal', { task: t }), color: taskColor(i) },
    ...(showTrain
      ? [{ label: tr('chart.auc.legendTrain', { task: t }), color: taskColor(i), dashed: true }]
      : []),
  ]);
  const lines: ChartLine[] = [
    ...train.map((points, i) => ({
      id: `train-${taskNames[i]}`,
      points,
      color: taskColor(i),
      width: 1.6,
      dashed: true,
      opacity: 0.85,
      label: tr('chart.line.train', { task: taskNames[i] }),
    })),
    ...val.map((points, i) => ({
      id: `val-${taskNames[i]}`,
      points,
      color: taskColor(i),
      width: 3,
      dotRadius: 4,
      label: tr('chart.line.val', { task: taskNames[i] }),
    })),
  ];
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
        <SvgLineChart
          lines={lines}
          height={height}
          xDomain={xDomain}
          xTicks={xTicks}
          xFormat={fmtX}
          xLabel={tr('chart.axis.epoch')}
          yDomain={domain}
          yTicks={yTicks}
          yFormat={fixedFormatter(digits)}
          yLabel={AUC_LABEL}
          tipTitle={tipTitle}
        />
      </div>
    </ChartFrame>
  );
});
