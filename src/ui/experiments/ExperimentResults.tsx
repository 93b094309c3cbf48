/**
 * An experiment's outcome: the summary table (mean ± std over seeds; the tutorial's published
 * numbers beside ours), the experiment's chart, and the per-task gain against single-task
 * (seesaw view) when the baseline ran. Tables and charts save as PNG.
 */
import { useId, useState } from 'react';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { ChartFrame } from '../charts/ChartFrame';
import { runColor, taskColor } from '../charts/colors';
import { fileSlug } from '../export/download';
import { SavePngButton } from '../export/SavePngButton';
import { renderTablePng, type CanvasTable } from '../export/tableCanvas';
import { useI18n } from '../i18n';
import type { ExperimentOutcome } from '../../worker/protocol';
import {
  cellOf,
  CORRELATION_METRICS,
  correlationPoints,
  type CorrelationMetric,
  fmtStat,
  gainPoints,
  outcomeTasks,
  sweepPoints,
  tutorialPoints,
} from './results';

const MODEL_ORDER = ['single_task', 'share_bottom', 'mmoe', 'ple'];
const fmt4 = (v: unknown) => (typeof v === 'number' ? v.toFixed(4) : String(v));

export function ExperimentResults({ outcome }: { outcome: ExperimentOutcome }) {
  const { t } = useI18n();
  const modelLabel = (m: string) => t(`exp.model.${m}`);
  const cellLabel = (k: string, v: string | number) =>
    ['correlation', 'experts', 'gateLayers'].includes(k) ? t(`exp.cell.${k}`, { v }) : `${k} ${v}`;
  const tasks = outcomeTasks(outcome);
  const showPublished = outcome.published !== undefined;

  const headers = [
    t('exp.table.model'),
    ...(outcome.kind === 'tutorial' ? [] : [t('exp.table.cell')]),
    t('exp.table.params'),
    t('exp.table.seeds'),
    t('exp.table.bestEpoch'),
    ...tasks.map((task) => t('exp.table.testAuc', { task })),
    ...(showPublished ? tasks.map((task) => t('exp.table.published', { task })) : []),
  ];
  const rows = outcome.summary.map((r) => [
    modelLabel(r.model),
    ...(outcome.kind === 'tutorial' ? [] : [cellOf(r.group, cellLabel)]),
    Math.round(r.parameterCount.mean).toLocaleString('en-US'),
    String(r.runs),
    fmtStat(r.bestEpoch, 1),
    ...r.tasks.map((x) => fmtStat(x.testAuc)),
    ...(showPublished
      ? tasks.map((task) => {
          const v = outcome.published?.rows[r.model]?.[task];
          return v === undefined ? '—' : v.toFixed(3);
        })
      : []),
  ]);
  const title = t(`exp.kind.${outcome.kind}`);
  const table: CanvasTable = {
    title: t('exp.table.title', { title }),
    headers,
    align: headers.map((_, i) => (i === 0 ? 'left' : 'right')),
    rows,
  };

  return (
    <div className="experiment-results">
      <div className="chart-head">
        <h3 id="experiment-table-title">{table.title}</h3>
        <SavePngButton
          what={t('exp.table.what')}
          filename={`${fileSlug(table.title)}.png`}
          render={() => renderTablePng(table)}
        />
      </div>
      <div className="table-scroll">
        <table aria-labelledby="experiment-table-title">
          <thead>
            <tr>
              {headers.map((h) => (
                <th key={h} scope="col">
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row, i) => (
              <tr key={outcome.summary[i].key}>
                {row.map((cell, c) => (
                  <td key={headers[c]} className={c === 0 ? undefined : 'num'}>
                    {cell}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {showPublished && <p className="muted">{t('exp.published.note')}</p>}
      <OutcomeChart outcome={outcome} tasks={tasks} modelLabel={modelLabel} />
      {outcome.gains.length > 0 && (
        <ChartFrame
          title={t('exp.gains.title')}
          what={t('exp.gains.what')}
          legend={tasks.map((task, i) => ({ label: task, color: taskColor(i), swatch: true }))}
          caption={t('exp.gains.caption')}
        >
          <ResponsiveContainer width="100%" height={280}>
            <BarChart
              data={gainPoints(outcome.gains, modelLabel, cellLabel)}
              margin={{ left: 8, right: 16 }}
            >
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="row" />
              <YAxis tickFormatter={fmt4} width={64} />
              <Tooltip formatter={fmt4} />
              <ReferenceLine y={0} stroke="#5a6570" />
              {tasks.map((task, i) => (
                <Bar key={task} dataKey={task} fill={taskColor(i)} isAnimationActive={false} />
              ))}
            </BarChart>
          </ResponsiveContainer>
        </ChartFrame>
      )}
    </div>
  );
}

function OutcomeChart({
  outcome,
  tasks,
  modelLabel,
}: {
  outcome: ExperimentOutcome;
  tasks: string[];
  modelLabel: (m: string) => string;
}) {
  const { t } = useI18n();
  if (outcome.kind === 'tutorial') {
    const legend = tasks.flatMap((task, i) => [
      { label: task, color: taskColor(i), swatch: true },
      ...(outcome.published
        ? [{ label: `${task} (${t('exp.published')})`, color: `${taskColor(i)}80`, swatch: true }]
        : []),
    ]);
    return (
      <ChartFrame
        title={t('exp.chart.tutorial')}
        what={t('exp.chart.what')}
        legend={legend}
        caption={t('exp.chart.tutorial.caption')}
      >
        <ResponsiveContainer width="100%" height={300}>
          <BarChart data={tutorialPoints(outcome, modelLabel)} margin={{ left: 8, right: 16 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="model" />
            <YAxis domain={['auto', 'auto']} tickFormatter={fmt4} width={64} />
            <Tooltip formatter={fmt4} />
            {tasks.flatMap((task, i) => [
              <Bar key={task} dataKey={task} fill={taskColor(i)} isAnimationActive={false} />,
              ...(outcome.published
                ? [
                    <Bar
                      key={`${task}-pub`}
                      dataKey={`${task} (published)`}
                      name={`${task} (${t('exp.published')})`}
                      fill={`${taskColor(i)}80`}
                      isAnimationActive={false}
                    />,
                  ]
                : []),
            ])}
          </BarChart>
        </ResponsiveContainer>
      </ChartFrame>
    );
  }
  if (outcome.kind === 'correlation') {
    return <CorrelationChart outcome={outcome} modelLabel={modelLabel} />;
  }
  const { points, depths } = sweepPoints(outcome.summary);
  return (
    <ChartFrame
      title={t('exp.chart.sweep')}
      what={t('exp.chart.what')}
      legend={depths.map((g, i) => ({
        label: t('exp.legend.gateLayers', { n: g }),
        color: runColor(i),
      }))}
      caption={t('exp.chart.sweep.caption')}
    >
      <ResponsiveContainer width="100%" height={300}>
        <LineChart data={points} margin={{ left: 8, right: 16 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis
            dataKey="experts"
            type="category"
            label={{ value: t('exp.axis.experts'), position: 'insideBottomRight', offset: -4 }}
          />
          <YAxis domain={['auto', 'auto']} tickFormatter={fmt4} width={64} />
          <Tooltip formatter={fmt4} />
          {depths.map((g, i) => (
            <Line
              key={g}
              dataKey={`g${g}`}
              name={t('exp.legend.gateLayers', { n: g })}
              stroke={runColor(i)}
              strokeWidth={2}
              dot
              isAnimationActive={false}
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </ChartFrame>
  );
}

/**
 * Task correlation: mean test log loss (default) or AUC against ρ, one line per model. The
 * metric is a choice on the chart; its title (and so the PNG) names it.
 */
function CorrelationChart({
  outcome,
  modelLabel,
}: {
  outcome: ExperimentOutcome;
  modelLabel: (m: string) => string;
}) {
  const { t } = useI18n();
  const [metric, setMetric] = useState<CorrelationMetric>('logloss');
  const selectId = useId();
  const models = MODEL_ORDER.filter((m) => outcome.summary.some((r) => r.model === m));
  return (
    <ChartFrame
      title={t(`exp.chart.correlation.${metric}`)}
      what={t('exp.chart.what')}
      legend={models.map((m, i) => ({ label: modelLabel(m), color: runColor(i) }))}
      caption={t(`exp.chart.correlation.${metric}.caption`)}
      actions={
        <span className="field inline">
          <label htmlFor={selectId} title={t('exp.metric.tooltip')}>
            {t('exp.metric.label')}
          </label>{' '}
          <select
            id={selectId}
            value={metric}
            title={t('exp.metric.tooltip')}
            onChange={(e) => setMetric(e.target.value as CorrelationMetric)}
          >
            {CORRELATION_METRICS.map((m) => (
              <option key={m} value={m}>
                {t(`exp.metric.${m}`)}
              </option>
            ))}
          </select>
        </span>
      }
    >
      <ResponsiveContainer width="100%" height={300}>
        <LineChart
          data={correlationPoints(outcome.summary, metric)}
          margin={{ left: 8, right: 16 }}
        >
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis
            dataKey="correlation"
            type="number"
            domain={[0, 1]}
            label={{
              value: t('exp.axis.correlation'),
              position: 'insideBottomRight',
              offset: -4,
            }}
          />
          <YAxis
            domain={['auto', 'auto']}
            tickFormatter={fmt4}
            width={64}
            label={{ value: t(`exp.metric.${metric}`), angle: -90, position: 'insideLeft' }}
          />
          <Tooltip formatter={fmt4} />
          {models.map((m, i) => (
            <Line
              key={m}
              dataKey={m}
              name={modelLabel(m)}
              stroke={runColor(i)}
              strokeWidth={2}
              dot
              isAnimationActive={false}
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </ChartFrame>
  );
}
