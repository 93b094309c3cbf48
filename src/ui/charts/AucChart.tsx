/** Validation AUC per epoch, one line per task (recharts). */
import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { EpochEvent } from '../../engine/train/types';

import { TASK_COLORS } from './colors';

export { TASK_COLORS };

interface Props {
  tasks: string[];
  epochs: EpochEvent[];
}

export function AucChart({ tasks, epochs }: Props) {
  // One point per epoch: {epoch, <task>: auc}; a NaN AUC (one-class split) is left as a gap.
  const points = epochs.map((e) => {
    const p: Record<string, number | null> = { epoch: e.epoch };
    tasks.forEach((t, i) => {
      const auc = e.val?.tasks[i]?.auc;
      p[t] = auc !== undefined && Number.isFinite(auc) ? auc : null;
    });
    return p;
  });
  return (
    <figure className="chart" aria-label="Validation AUC per epoch chart">
      <ResponsiveContainer width="100%" height={260}>
        <LineChart data={points} margin={{ top: 8, right: 24, bottom: 8, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis
            dataKey="epoch"
            type="number"
            domain={[1, 'dataMax']}
            allowDecimals={false}
            label={{ value: 'epoch', position: 'insideBottomRight', offset: -4 }}
          />
          <YAxis domain={['auto', 'auto']} tickFormatter={(v: number) => v.toFixed(3)} width={56} />
          <Tooltip formatter={(v) => (typeof v === 'number' ? v.toFixed(4) : String(v))} />
          <Legend />
          {tasks.map((t, i) => (
            <Line
              key={t}
              type="monotone"
              dataKey={t}
              name={`${t} (val AUC)`}
              stroke={TASK_COLORS[i % TASK_COLORS.length]}
              strokeWidth={2}
              dot
              isAnimationActive={false}
              connectNulls={false}
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
      <figcaption>Validation AUC per epoch, one line per task.</figcaption>
    </figure>
  );
}
