/**
 * The first page: built-in data, model + backend choice, training in the worker, validation AUC
 * per epoch, and a backend check. All tfjs work happens in the worker (see ../worker).
 */
import { useCallback, useEffect, useState } from 'react';
import type { BackendPreference } from '../engine/backendNames';
import type { ModelName } from '../engine/models/types';
import type { EpochEvent, ProgressEvent, TrainResult } from '../engine/train/types';
import type { DataSummary, ReadyMessage } from '../worker/protocol';
import { AucChart } from './charts/AucChart';
import { ErrorAlert, NumberField, SelectField } from './components/fields';
import {
  describeBackend,
  errorMessage,
  formatInt,
  formatMetric,
  formatPercent,
  parseNumberField,
} from './format';
import { BackendCheckPanel } from './panels/BackendCheckPanel';
import { EpochTable } from './panels/EpochTable';
import { WorkerClient, WorkerError } from './workerClient';

const BACKEND_OPTIONS: readonly { value: BackendPreference; label: string }[] = [
  { value: 'auto', label: 'Auto (fastest available)' },
  { value: 'webgpu', label: 'WebGPU' },
  { value: 'webgl', label: 'WebGL' },
  { value: 'wasm', label: 'WASM' },
  { value: 'cpu', label: 'CPU (plain JS)' },
];

/** What the worker is doing for the page right now. */
type Phase = 'starting' | 'switching' | 'loading' | 'idle' | 'training' | 'stopping' | 'checking';

/** Built-in data: 80/10/10 split, seeded; standardised features. */
const DATA_PREP = { split: { val: 0.1, test: 0.1 }, splitSeed: 1, scaling: 'standard' } as const;

function describeError(e: unknown): string {
  if (e instanceof WorkerError && e.line !== undefined) {
    return `${e.message} (line ${e.line}${e.column ? `, column ${e.column}` : ''})`;
  }
  return errorMessage(e);
}

export function App() {
  const [client, setClient] = useState<WorkerClient | null>(null);
  const [phase, setPhase] = useState<Phase>('starting');
  const [error, setError] = useState<string | null>(null);

  const [backendPref, setBackendPref] = useState<BackendPreference>('auto');
  const [ready, setReady] = useState<ReadyMessage | null>(null);

  const [rows, setRows] = useState('20000');
  const [dataSeed, setDataSeed] = useState('42');
  const [summary, setSummary] = useState<DataSummary | null>(null);

  const [model, setModel] = useState<ModelName>('mmoe');
  const [epochs, setEpochs] = useState('3');
  const [batchSize, setBatchSize] = useState('128');
  const [learningRate, setLearningRate] = useState('0.001');
  const [seed, setSeed] = useState('1');

  const [progress, setProgress] = useState<ProgressEvent | null>(null);
  const [epochLog, setEpochLog] = useState<EpochEvent[]>([]);
  const [result, setResult] = useState<TrainResult | null>(null);
  const [totalEpochs, setTotalEpochs] = useState(0);

  const loadData = useCallback(async (c: WorkerClient, rowsRaw: string, seedRaw: string) => {
    setPhase('loading');
    setSummary(null);
    try {
      const n = parseNumberField('Rows', rowsRaw, { min: 100, max: 1_000_000, integer: true });
      const s = parseNumberField('Data seed', seedRaw, { min: 1, max: 2 ** 31 - 1, integer: true });
      const r = await c.call({
        type: 'data',
        source: { kind: 'builtin', generator: 'short_video', rows: n, seed: s },
        prep: DATA_PREP,
      });
      setSummary(r.summary);
    } catch (e) {
      setError(describeError(e));
    } finally {
      setPhase('idle');
    }
  }, []);

  // One worker for the page's lifetime: initialise the backend, then load the built-in data.
  useEffect(() => {
    const c = new WorkerClient();
    let disposed = false;
    c.onUnhandledError = (e) => {
      if (!disposed) setError(describeError(e));
    };
    void (async () => {
      try {
        const r = await c.call({ type: 'init', backend: 'auto' });
        if (disposed) return;
        setReady(r);
        setClient(c);
        setModel((m) => (r.models.some((x) => x.name === m) ? m : (r.models[0]?.name ?? m)));
        await loadData(c, '20000', '42');
      } catch (e) {
        if (!disposed) {
          setError(describeError(e));
          setPhase('idle');
        }
      }
    })();
    return () => {
      disposed = true;
      c.dispose();
    };
  }, [loadData]);

  const changeBackend = async (pref: BackendPreference) => {
    if (client === null) return;
    setBackendPref(pref);
    setPhase('switching');
    try {
      setReady(await client.call({ type: 'init', backend: pref }));
    } catch (e) {
      setError(describeError(e));
    } finally {
      setPhase('idle');
    }
  };

  const train = async () => {
    if (client === null) return;
    let config;
    try {
      config = {
        epochs: parseNumberField('Epochs', epochs, { min: 1, max: 1000, integer: true }),
        batchSize: parseNumberField('Batch size', batchSize, { min: 1, max: 65536, integer: true }),
        learningRate: parseNumberField('Learning rate', learningRate, { min: 1e-6, max: 10 }),
        seed: parseNumberField('Seed', seed, { min: 1, max: 2 ** 31 - 1, integer: true }),
      };
    } catch (e) {
      setError(errorMessage(e));
      return;
    }
    setError(null);
    setProgress(null);
    setEpochLog([]);
    setResult(null);
    setTotalEpochs(config.epochs);
    setPhase('training');
    try {
      const done = await client.call(
        { type: 'train', modelConfig: { model, seed: config.seed }, trainConfig: config },
        (m) => {
          if (m.type === 'progress') setProgress(m.event);
          else if (m.type === 'epoch') setEpochLog((prev) => [...prev, m.event]);
        },
      );
      setResult(done.result);
    } catch (e) {
      setError(describeError(e));
    } finally {
      setPhase('idle');
    }
  };

  const stop = () => {
    client?.control('stop');
    setPhase('stopping');
  };

  const busy = phase !== 'idle';
  const tasks = summary?.tasks ?? [];
  const modelOptions = (ready?.models ?? []).map((m) => ({ value: m.name, label: m.label }));
  const modelInfo = ready?.models.find((m) => m.name === model);

  return (
    <div className="app">
      <header>
        <h1>Multi-task recommendation playground</h1>
        <p className="backend-line" aria-live="polite">
          {ready === null ? (
            'Starting the training worker…'
          ) : phase === 'switching' ? (
            `Switching backend to ${BACKEND_OPTIONS.find((o) => o.value === backendPref)?.label ?? backendPref}…`
          ) : (
            <>
              <strong>Backend: {describeBackend(ready.backend, ready.wasmThreads)}</strong>
              <span className="muted">
                {' '}
                · cross-origin isolated: {ready.crossOriginIsolated ? 'yes' : 'no'}
              </span>
            </>
          )}
        </p>
        {ready?.notice !== undefined && phase !== 'switching' && (
          <p className="notice" role="note">
            {ready.notice}
          </p>
        )}
      </header>

      <ErrorAlert message={error} onDismiss={() => setError(null)} />

      <main>
        <section aria-labelledby="data-title" className="panel">
          <h2 id="data-title">Data: built-in short-video generator</h2>
          <form
            className="row"
            onSubmit={(e) => {
              e.preventDefault();
              if (client !== null) void loadData(client, rows, dataSeed);
            }}
          >
            <NumberField
              label="Rows"
              value={rows}
              onChange={setRows}
              min={100}
              step={1000}
              disabled={busy}
            />
            <NumberField
              label="Data seed"
              value={dataSeed}
              onChange={setDataSeed}
              min={1}
              step={1}
              disabled={busy}
            />
            <button type="submit" disabled={busy || client === null}>
              Generate data
            </button>
          </form>
          <p role="status" className="status">
            {phase === 'loading' && summary === null
              ? 'Loading data…'
              : summary === null
                ? ''
                : `${formatInt(summary.rows)} rows · ${summary.features} features · tasks: ${summary.tasks
                    .map((t, i) => `${t} (${formatPercent(summary.positiveRates[i])} positive)`)
                    .join(', ')} · split ${formatInt(summary.split.train)} / ${formatInt(
                    summary.split.val,
                  )} / ${formatInt(summary.split.test)} (train / val / test)`}
          </p>
        </section>

        <section aria-labelledby="train-title" className="panel">
          <h2 id="train-title">Model and training</h2>
          <div className="row">
            <SelectField
              label="Model"
              value={model}
              options={modelOptions}
              onChange={setModel}
              disabled={busy || modelOptions.length === 0}
              description={modelInfo?.description}
            />
            <SelectField
              label="Backend"
              value={backendPref}
              options={BACKEND_OPTIONS}
              onChange={(v) => void changeBackend(v)}
              disabled={busy}
            />
          </div>
          <div className="row">
            <NumberField
              label="Epochs"
              value={epochs}
              onChange={setEpochs}
              min={1}
              step={1}
              disabled={busy}
            />
            <NumberField
              label="Batch size"
              value={batchSize}
              onChange={setBatchSize}
              min={1}
              step={1}
              disabled={busy}
            />
            <NumberField
              label="Learning rate"
              value={learningRate}
              onChange={setLearningRate}
              min={0}
              step="any"
              disabled={busy}
            />
            <NumberField
              label="Seed"
              value={seed}
              onChange={setSeed}
              min={1}
              step={1}
              disabled={busy}
            />
          </div>
          <div className="row">
            <button type="button" onClick={() => void train()} disabled={busy || summary === null}>
              Train
            </button>
            <button type="button" onClick={stop} disabled={phase !== 'training'}>
              Stop
            </button>
          </div>
          <p role="status" className="status" aria-live="polite">
            {trainingStatus(phase, progress, totalEpochs, result)}
          </p>
        </section>

        <section aria-labelledby="results-title" className="panel">
          <h2 id="results-title">Validation AUC</h2>
          {epochLog.length === 0 ? (
            <p className="muted">Train a model to see one line per task here.</p>
          ) : (
            <>
              <AucChart tasks={tasks} epochs={epochLog} />
              <EpochTable
                tasks={tasks}
                epochs={epochLog}
                test={result?.test}
                bestEpoch={result?.bestEpoch}
              />
            </>
          )}
        </section>

        <BackendCheckPanel
          client={client}
          models={ready?.models ?? []}
          busy={busy && phase !== 'checking'}
          onRunningChange={(r) => setPhase(r ? 'checking' : 'idle')}
        />
      </main>
    </div>
  );
}

function trainingStatus(
  phase: Phase,
  p: ProgressEvent | null,
  totalEpochs: number,
  result: TrainResult | null,
): string {
  if (phase === 'stopping') return 'Stopping…';
  if (phase === 'training') {
    if (p === null) return 'Starting training…';
    return `Epoch ${p.epoch}/${totalEpochs} · step ${p.step}/${p.stepsPerEpoch} · ${formatInt(
      p.samplesPerSec,
    )} samples/s · loss ${p.loss.map((l) => formatMetric(l)).join(' / ')}`;
  }
  if (result !== null) {
    const verb = result.status === 'stopped' ? 'Stopped' : 'Done';
    return `${verb} after ${result.epochs.length} epoch(s): best epoch ${result.bestEpoch} · ${formatInt(
      result.samplesPerSec,
    )} samples/s · ${(result.elapsedMs / 1000).toFixed(1)} s`;
  }
  return '';
}
