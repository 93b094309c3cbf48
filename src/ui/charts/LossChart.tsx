/** Live training loss per task (mean log loss between progress updates), one line per task. */
import { useI18n } from '../i18n';
import { memo, useCallback } from 'react';
import type { LiveSeries } from '../state/types';
import { ChartFrame } from './ChartFrame';
import { taskColor } from './colors';
import { decimate } from './decimate';
import { MAX_DRAWN_POINTS } from './LiveAucChart';
import { SvgLineChart } from './SvgLineChart';
import { epochTicks, fmtX, summariseLatest, xEnd } from './chartData';
import { lossDomain, niceTicks, tickDecimals } from './scale';
import { fixedFormatter, stableNumbers } from './axisProps';

interface Props {
  series: LiveSeries;
  height?: number;
}

/** Memoised: re-renders only when its series changes. Drawn by SvgLineChart. */
export const LossChart = memo(function LossChart({ series, height = 240 }: Props) {
  const { taskNames } = series;
  const lines = series.loss.map((l) => decimate(l, MAX_DRAWN_POINTS));
  const { t: tr } = useI18n();
  const tipTitle = useCallback((x: number) => tr('chart.tip.epoch', { epoch: fmtX(x) }), [tr]);
  const empty = lines.every((l) => l.length === 0);
  const xMax = xEnd(series.loss);
  const domain = stableNumbers(lossDomain(lines.flatMap((l) => l.map((p) => p.value))));
  const yTicks = stableNumbers(niceTicks(domain));
  const xDomain = stableNumbers<[number, number]>([0, xMax]);
  const xTicks = stableNumbers(epochTicks(xMax) ?? niceTicks([0, xMax]));
  const digits = tickDecimals(yTicks);
  const legend = taskNames.map((t, i) => ({
    label: tr('chart.loss.legend', { task: t }),
    color: taskColor(i),
  }));
  return (
    <ChartFrame
      title={tr('chart.loss.title')}
      what={tr('chart.loss.what')}
      legend={legend}
      empty={empty}
      caption={tr('chart.loss.caption')}
    >
      <div
        role="img"
        aria-label={`${tr('chart.loss.title')}: ${summariseLatest(taskNames, series.loss, tr('chart.axis.loss'), tr)}`}
      >
        <SvgLineChart
          lines={lines.map((points, i) => ({
            id: taskNames[i],
            points,
            color: taskColor(i),
            width: 2,
            label: tr('chart.line.loss', { task: taskNames[i] }),
          }))}
          height={height}
          xDomain={xDomain}
          xTicks={xTicks}
          xFormat={fmtX}
          xLabel={tr('chart.axis.epoch')}
          yDomain={domain}
          yTicks={yTicks}
          yFormat={fixedFormatter(digits)}
          yLabel={tr('chart.axis.loss')}
          tipTitle={tipTitle}
        />
      </div>
    </ChartFrame>
  );
});
