/**
 * Classroom experiments (issue 4): reproduce the tutorial, the MMoE paper's task-correlation
 * experiment and an experts × gate-layers sweep, each from a few controls; the worker runs the
 * plan (src/worker/handlers/experiments.ts) and the panel ends in a table and a chart, both
 * saveable as PNG. The setup (with the store) lives in the page URL, so a link reproduces it.
 */
import { lazy, Suspense, useEffect, useRef, useState } from 'react';
import type { RunResult } from '../../engine/experiments/runner';
import type { ExperimentOutcome } from '../../worker/protocol';
import { CheckboxField, NumberInput, SelectField, TextField } from '../components/fields';
import {
  formatNumberList,
  parseNumberList,
  presetFor,
  type ExperimentKind,
  type ExperimentSetup,
} from '../experiments/setup';
import { localRunLabel } from '../experiments/results';
import { readPageUrl } from '../experiments/urlSync';

// The results view is the page's only recharts user: loaded when the first results arrive, so
// recharts is not parsed and evaluated in the page-load task (≈ 1 MB of the main bundle).
const ExperimentResults = lazy(() =>
  import('../experiments/ExperimentResults').then((m) => ({ default: m.ExperimentResults })),
);
import { errorMessage } from '../format';
import { useI18n } from '../i18n';
import { useExperiment } from '../state/context';
import { decodeUrlState, encodeUrlState, type UrlNotice } from '../state/url';
import type { WorkerClient } from '../workerClient';

interface Props {
  client: WorkerClient | null;
  /** Loaded data's task names (the tutorial runs on it); empty before any. */
  tasks: string[];
  /** Something else uses the worker: the Run button waits. */
  busy: boolean;
  onRunningChange: (running: boolean) => void;
}

interface Progress {
  index: number;
  total: number;
  label: string;
  parameterCount: number;
  epoch: number;
  step: number;
  stepsPerEpoch: number;
}

/** A comma-separated list of numbers, committed only when every entry is valid. */
function ListField(props: {
  label: string;
  tooltip: string;
  value: number[];
  valid: (v: number[]) => boolean;
  onCommit: (v: number[]) => void;
  disabled: boolean;
  invalidHint: string;
}) {
  const [draft, setDraft] = useState<{ text: string; value: number[] } | null>(null);
  const text =
    draft !== null && draft.value === props.value ? draft.text : formatNumberList(props.value);
  const parsed = parseNumberList(text);
  const ok = parsed !== null && props.valid(parsed);
  return (
    <div className={ok ? undefined : 'field invalid'}>
      <TextField
        label={props.label}
        tooltip={props.tooltip}
        value={text}
        disabled={props.disabled}
        onChange={(t) => {
          const v = parseNumberList(t);
          if (v !== null && props.valid(v)) {
            setDraft({ text: t, value: v });
            props.onCommit(v);
          } else {
            setDraft({ text: t, value: props.value });
          }
        }}
      />
      {!ok && (
        <p className="hint" role="status">
          {props.invalidHint}
        </p>
      )}
    </div>
  );
}

function noticeText(n: UrlNotice, t: (k: string, v?: Record<string, string | number>) => string) {
  switch (n.kind) {
    case 'garbled':
      return t('exp.url.garbled');
    case 'version':
      return t('exp.url.version', { version: n.version });
    case 'partial':
      return t('exp.url.partial', { fields: n.fields.join(', ') });
  }
}

export function ExperimentsPanel({ client, tasks, busy, onRunningChange }: Props) {
  const { t } = useI18n();
  const { state, dispatch } = useExperiment();
  const [setup, setSetup] = useState<ExperimentSetup>(() => readPageUrl().state.setup);
  const [notice, setNotice] = useState<UrlNotice | null>(() => readPageUrl().notice);
  const [running, setRunning] = useState(false);
  const [progress, setProgress] = useState<Progress | null>(null);
  const [done, setDone] = useState<RunResult[]>([]);
  const [outcome, setOutcome] = useState<ExperimentOutcome | null>(null);
  const [error, setError] = useState<string | null>(null);

  // The address bar follows the setup (replaceState: no history entry per keystroke).
  const hash = encodeUrlState({ experiment: state, setup });
  const lastHash = useRef(hash);
  useEffect(() => {
    lastHash.current = hash;
    if (globalThis.location.hash !== hash) history.replaceState(null, '', hash);
  }, [hash]);

  // A link pasted into this tab (same page, new hash) replaces the setup.
  useEffect(() => {
    const onHash = () => {
      if (globalThis.location.hash === lastHash.current) return;
      const d = decodeUrlState(globalThis.location.hash);
      setNotice(d.notice);
      if (!d.fromUrl) return;
      dispatch({ type: 'replace', state: d.state.experiment });
      setSetup(d.state.setup);
    };
    globalThis.addEventListener('hashchange', onHash);
    return () => globalThis.removeEventListener('hashchange', onHash);
  }, [dispatch]);

  const patch = (p: Partial<ExperimentSetup>) => setSetup((s) => ({ ...s, ...p }));
  const disabled = running;

  const run = async () => {
    if (client === null) return;
    setRunning(true);
    onRunningChange(true);
    setError(null);
    setOutcome(null);
    setDone([]);
    setProgress(null);
    try {
      const r = await client.call({ type: 'experiment', setup }, (m) => {
        switch (m.type) {
          case 'experimentRunStart':
            setProgress({
              index: m.index,
              total: m.total,
              label: m.label,
              parameterCount: m.parameterCount,
              epoch: 0,
              step: 0,
              stepsPerEpoch: 0,
            });
            return;
          case 'experimentProgress':
            setProgress((p) =>
              p === null
                ? p
                : { ...p, epoch: m.epoch, step: m.step, stepsPerEpoch: m.stepsPerEpoch },
            );
            return;
          case 'experimentRunDone':
            setDone((d) => [...d, m.result]);
            return;
          default:
            return;
        }
      });
      setOutcome(r.outcome);
    } catch (e) {
      const message = errorMessage(e);
      // The worker's one known refusal has its own text; others keep the engine's detail.
      setError(
        message === 'Load data in the Data panel first.'
          ? t('exp.needData')
          : t('exp.failed', { message }),
      );
    } finally {
      setRunning(false);
      setProgress(null);
      onRunningChange(false);
    }
  };

  const kindOptions: { value: ExperimentKind; label: string }[] = [
    { value: 'tutorial', label: t('exp.kind.tutorial') },
    { value: 'correlation', label: t('exp.kind.correlation') },
    { value: 'sweep', label: t('exp.kind.sweep') },
  ];
  const isInt = (lo: number, hi: number) => (v: number[]) =>
    v.length > 0 && v.every((x) => Number.isInteger(x) && x >= lo && x <= hi);

  return (
    <section aria-labelledby="experiments-title" className="panel experiments-panel">
      <h2 id="experiments-title">{t('exp.title')}</h2>
      <p className="muted">{t('exp.intro')}</p>
      {notice !== null && (
        <p className="notice" role="status">
          {noticeText(notice, t)}{' '}
          <button type="button" className="secondary" onClick={() => setNotice(null)}>
            {t('exp.url.dismiss')}
          </button>
        </p>
      )}
      <div className="row">
        <SelectField
          label={t('exp.kind.label')}
          tooltip={t('exp.kind.tooltip')}
          value={setup.kind}
          options={kindOptions}
          onChange={(k) => setSetup((s) => presetFor(k, s))}
          disabled={disabled}
          description={t(`exp.kind.${setup.kind}.about`)}
        />
        <NumberInput
          label={t('exp.seeds.label')}
          tooltip={t('exp.seeds.tooltip')}
          value={setup.seeds}
          onCommit={(v) => patch({ seeds: v })}
          min={1}
          max={20}
          integer
          disabled={disabled}
        />
        <NumberInput
          label={t('exp.epochs.label')}
          tooltip={t('exp.epochs.tooltip')}
          value={setup.epochs}
          onCommit={(v) => patch({ epochs: v })}
          min={1}
          max={1000}
          integer
          disabled={disabled}
        />
        <NumberInput
          label={t('exp.batch.label')}
          tooltip={t('exp.batch.tooltip')}
          value={setup.batchSize}
          onCommit={(v) => patch({ batchSize: v })}
          min={1}
          max={65536}
          integer
          disabled={disabled}
        />
        <NumberInput
          label={t('exp.lr.label')}
          tooltip={t('exp.lr.tooltip')}
          value={setup.learningRate}
          onCommit={(v) => patch({ learningRate: v })}
          min={0.000001}
          max={1}
          disabled={disabled}
        />
        {setup.kind !== 'correlation' && (
          <CheckboxField
            label={t('exp.equal.label')}
            tooltip={t('exp.equal.tooltip')}
            checked={setup.equalParams}
            onChange={(v) => patch({ equalParams: v })}
            disabled={disabled}
          />
        )}
        {(setup.equalParams || setup.kind === 'correlation') && setup.kind !== 'sweep' && (
          <NumberInput
            label={t('exp.target.label')}
            tooltip={t('exp.target.tooltip')}
            value={setup.paramTarget}
            onCommit={(v) => patch({ paramTarget: v })}
            min={0}
            max={100_000_000}
            integer
            disabled={disabled}
          />
        )}
        <SelectField
          label={t('exp.weighting.label')}
          tooltip={t('exp.weighting.tooltip')}
          value={setup.taskWeighting}
          options={[
            { value: 'fixed', label: t('exp.weighting.fixed') },
            { value: 'uncertainty', label: t('exp.weighting.uncertainty') },
          ]}
          onChange={(v) => patch({ taskWeighting: v })}
          disabled={disabled}
        />
        {setup.taskWeighting === 'fixed' && (
          <ListField
            label={t('exp.lossWeights.label')}
            tooltip={t('exp.lossWeights.tooltip')}
            value={setup.lossWeights}
            valid={(v) => v.every((x) => x >= 0)}
            onCommit={(v) => patch({ lossWeights: v })}
            disabled={disabled}
            invalidHint={t('exp.lossWeights.invalid')}
          />
        )}
        {setup.kind === 'correlation' && (
          <>
            <ListField
              label={t('exp.correlations.label')}
              tooltip={t('exp.correlations.tooltip')}
              value={setup.correlations}
              valid={(v) => v.length > 0 && v.every((x) => x >= 0 && x <= 1)}
              onCommit={(v) => patch({ correlations: v })}
              disabled={disabled}
              invalidHint={t('exp.correlations.invalid')}
            />
            <CheckboxField
              label={t('exp.baseline.label')}
              tooltip={t('exp.baseline.tooltip')}
              checked={setup.withBaseline}
              onChange={(v) => patch({ withBaseline: v })}
              disabled={disabled}
            />
          </>
        )}
        {setup.kind === 'sweep' && (
          <>
            <SelectField
              label={t('exp.sweepModel.label')}
              tooltip={t('exp.sweepModel.tooltip')}
              value={setup.sweepModel}
              options={[
                { value: 'mmoe', label: 'MMoE' },
                { value: 'ple', label: 'PLE' },
              ]}
              onChange={(v) => patch({ sweepModel: v })}
              disabled={disabled}
            />
            <ListField
              label={t('exp.experts.label')}
              tooltip={t('exp.experts.tooltip')}
              value={setup.experts}
              valid={isInt(1, 64)}
              onCommit={(v) => patch({ experts: v })}
              disabled={disabled}
              invalidHint={t('exp.experts.invalid')}
            />
            <ListField
              label={t('exp.gateLayers.label')}
              tooltip={t('exp.gateLayers.tooltip')}
              value={setup.gateLayers}
              valid={isInt(0, 3)}
              onCommit={(v) => patch({ gateLayers: v })}
              disabled={disabled}
              invalidHint={t('exp.gateLayers.invalid')}
            />
            <SelectField
              label={t('exp.sweepData.label')}
              tooltip={t('exp.sweepData.tooltip')}
              value={setup.sweepData}
              options={[
                { value: 'generated', label: t('exp.sweepData.generated') },
                { value: 'loaded', label: t('exp.sweepData.loaded') },
              ]}
              onChange={(v) => patch({ sweepData: v })}
              disabled={disabled}
            />
          </>
        )}
        {(setup.kind === 'correlation' ||
          (setup.kind === 'sweep' && setup.sweepData === 'generated')) && (
          <NumberInput
            label={t('exp.rows.label')}
            tooltip={t('exp.rows.tooltip')}
            value={setup.rows}
            onCommit={(v) => patch({ rows: v })}
            min={100}
            max={1_000_000}
            integer
            disabled={disabled}
          />
        )}
      </div>
      {setup.kind === 'tutorial' && tasks.length > 0 && (
        <p className="muted">{t('exp.tutorial.data', { tasks: tasks.join(', ') })}</p>
      )}
      <div className="button-row">
        <button
          type="button"
          onClick={() => void run()}
          disabled={client === null || busy || running}
          title={t('exp.run.tooltip')}
        >
          {t('exp.run')}
        </button>
        <button
          type="button"
          className="secondary"
          onClick={() => client?.control('experimentStop')}
          disabled={!running}
          title={t('exp.stop.tooltip')}
        >
          {t('exp.stop')}
        </button>
      </div>
      <p aria-live="polite" className="experiment-status">
        {running && progress !== null
          ? t('exp.status.running', {
              index: progress.index + 1,
              total: progress.total,
              label: localRunLabel(progress.label, t),
              params: progress.parameterCount.toLocaleString('en-US'),
              epoch: progress.epoch,
              step: progress.step,
              steps: progress.stepsPerEpoch,
            })
          : running
            ? t('exp.status.starting')
            : outcome !== null
              ? t(outcome.aborted ? 'exp.status.stopped' : 'exp.status.done', {
                  runs: outcome.results.length,
                })
              : ''}
      </p>
      {error !== null && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {running && done.length > 0 && (
        <ul className="experiment-finished" aria-label={t('exp.finished.label')}>
          {done.map((r) => (
            <li key={r.runId}>
              {t('exp.finished.item', {
                label: localRunLabel(r.label, t),
                params: r.parameterCount.toLocaleString('en-US'),
                epoch: r.bestEpoch,
                auc: (r.test?.tasks ?? [])
                  .map((x, i) => `${r.taskNames[i]} ${x.auc.toFixed(4)}`)
                  .join(', '),
              })}
            </li>
          ))}
        </ul>
      )}
      {outcome !== null && outcome.results.length > 0 && (
        <Suspense fallback={<p role="status">{t('common.loading')}</p>}>
          <ExperimentResults outcome={outcome} />
        </Suspense>
      )}
    </section>
  );
}
