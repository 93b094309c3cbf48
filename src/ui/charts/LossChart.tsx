/** Live training loss per task (mean log loss between progress updates), one line per task. */
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
import { memo, useMemo } from 'react';
import type { LiveSeries } from '../state/types';
import { ChartFrame } from './ChartFrame';
import { taskColor } from './colors';
import { decimate } from './decimate';
import { MAX_DRAWN_POINTS } from './LiveAucChart';
import { epochTicks, fmtX, summariseLatest, xEnd } from './chartData';
import { lossDomain, niceTicks, tickDecimals } from './scale';
import {
  ALL_TICKS,
  CHART_MARGIN,
  epochAxisLabel,
  yLabel,
  TICK_STYLE,
  fixedFormatter,
  fmtValue,
  stableNumbers,
} from './axisProps';

interface Props {
  series: LiveSeries;
  height?: number;
}

/** Memoised: re-renders only when its series changes. */
export const LossChart = memo(function LossChart({ series, height = 240 }: Props) {
  const { taskNames } = series;
  const lines = series.loss.map((l) => decimate(l, MAX_DRAWN_POINTS));
  const { t: tr } = useI18n();
  const epochTip = useMemo(
    () => (x: unknown) =>
      tr('chart.tip.epoch', { epoch: typeof x === 'number' ? fmtX(x) : String(x) }),
    [tr],
  );
  const empty = lines.every((l) => l.length === 0);
  const xMax = xEnd(series.loss);
  const domain = stableNumbers(lossDomain(lines.flatMap((l) => l.map((p) => p.value))));
  const yTicks = stableNumbers(niceTicks(domain));
  const xDomain = stableNumbers([0, xMax]);
  const xTicks = stableNumbers(epochTicks(xMax));
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
              label={yLabel(tr('chart.axis.loss'))}
            />
            <Tooltip formatter={fmtValue} labelFormatter={epochTip} />
            {lines.map((pts, i) => (
              <Line
                key={taskNames[i]}
                data={pts}
                dataKey="value"
                name={tr('chart.line.loss', { task: taskNames[i] })}
                stroke={taskColor(i)}
                strokeWidth={2}
                dot={false}
                isAnimationActive={false}
              />
            ))}
          </LineChart>
        </ResponsiveContainer>
      </div>
    </ChartFrame>
  );
});
