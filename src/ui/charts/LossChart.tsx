/** Live training loss per task (mean log loss between progress updates), one line per task. */
import {
  CartesianGrid,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { LiveSeries } from '../state/types';
import { ChartFrame } from './ChartFrame';
import { taskColor } from './colors';
import { decimate } from './decimate';
import { MAX_DRAWN_POINTS } from './LiveAucChart';
import { epochTicks, fmtX, summariseLatest, xEnd } from './chartData';
import { lossDomain, niceTicks, tickDecimals } from './scale';

interface Props {
  series: LiveSeries;
  height?: number;
}

export function LossChart({ series, height = 240 }: Props) {
  const { taskNames } = series;
  const lines = series.loss.map((l) => decimate(l, MAX_DRAWN_POINTS));
  const empty = lines.every((l) => l.length === 0);
  const xMax = xEnd(series.loss);
  const domain = lossDomain(lines.flatMap((l) => l.map((p) => p.value)));
  const yTicks = niceTicks(domain);
  const digits = tickDecimals(yTicks);
  const legend = taskNames.map((t, i) => ({ label: `${t} · train loss`, color: taskColor(i) }));
  return (
    <ChartFrame
      title="Training loss per task"
      what="loss chart"
      legend={legend}
      empty={empty}
      caption="Mean log loss (sigmoid cross-entropy) of each task's training batches; lower is better."
    >
      <div
        role="img"
        aria-label={`Training loss per task: ${summariseLatest(taskNames, series.loss, 'loss')}`}
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
              label={{ value: 'loss', angle: -90, position: 'insideLeft', fill: '#1d232a' }}
            />
            <Tooltip
              formatter={(v) => (typeof v === 'number' ? v.toFixed(4) : String(v))}
              labelFormatter={(x) => `epoch ${typeof x === 'number' ? fmtX(x) : String(x)}`}
            />
            {lines.map((pts, i) => (
              <Line
                key={taskNames[i]}
                data={pts}
                dataKey="value"
                name={`${taskNames[i]} loss`}
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
}
