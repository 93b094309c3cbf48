/**
 * The playground page: data → model → training (live AUC, loss, gates) → comparison board →
 * predictions. The experiment's settings live in one serialisable store (./state); all tfjs work
 * happens in the worker (../worker), which the page drives through WorkerClient.
 */
import {
  useCallback,
  useEffect,
  useLayoutEffect,
  useRef,
  useState,
  startTransition,
  type DragEvent,
} from 'react';
import type { BackendName, BackendPreference } from '../engine/backendNames';
import { previewCsv, type CsvPreview } from '../engine/data/preview';
import type { TrainConfig, TrainResult } from '../engine/train/types';
import type {
  DataSource,
  DataSummary,
  ModelRequest,
  PredictInput,
  PredictResult,
  ReadyMessage,
  SessionPosition,
  WorkerMessage,
} from '../worker/protocol';
import { ComparisonBoard } from './board/ComparisonBoard';
import { GateHeatmap } from './charts/GateHeatmap';
import { LiveAucChart } from './charts/LiveAucChart';
import { LossChart } from './charts/LossChart';
import { ErrorAlert } from './components/fields';
import { EngineCrashAlert, useEngineHealth } from './engineHealth/EngineCrashAlert';
import { describeBackend, fallbackNotice, errorMessage } from './format';
import { BackendCheckPanel } from './panels/BackendCheckPanel';
import { BackendSpeeds } from './panels/BackendSpeeds';
import {
  DataPanel,
  type CsvFiles,
  type DataErrorInfo,
  type DataProgressInfo,
} from './panels/DataPanel';
import { EpochTable } from './panels/EpochTable';
import { ModelPanel } from './panels/ModelPanel';
import { PredictPanel } from './panels/PredictPanel';
import { BACKEND_OPTIONS, TrainingPanel, type Phase } from './panels/TrainingPanel';
import { ExperimentProvider, useExperiment } from './state/context';
import { ExperimentsPanel } from './panels/ExperimentsPanel';
import { HeaderControls } from './experiments/HeaderControls';
import { readPageUrl } from './experiments/urlSync';
import { LanguageProvider, useI18n } from './i18n';
import { usePersistWorkspace } from './state/persist';
import { ModelsPanel } from './panels/ModelsPanel';
import { describeDataChoice } from './state/experiment';
import { LiveStore, useLiveSnapshot } from './state/live';
import type { ExperimentState, GateLayout, RunRecord } from './state/types';
import { WorkerClient, WorkerError } from './workerClient';

function describeError(e: unknown): string {
  if (e instanceof WorkerError && e.line !== undefined) {
    return `${e.message} (line ${e.line}${e.column ? `, column ${e.column}` : ''})`;
  }
  return errorMessage(e);
}

/** Assigns dropped files to train/val/test by name ("val"/"valid", "test"), the rest to train. */
export function assignDroppedFiles(files: readonly File[]): Partial<CsvFiles> {
  const out: Partial<CsvFiles> = {};
  for (const f of files) {
    const n = f.name.toLowerCase();
    if (/(^|[^a-z])(val|valid|validation)([^a-z]|$)/.test(n) && out.val === undefined) out.val = f;
    else if (/(^|[^a-z])test([^a-z]|$)/.test(n) && out.test === undefined) out.test = f;
    else if (out.train === undefined) out.train = f;
  }
  // A single dropped file is the training file, whatever its name.
  if (files.length === 1) return { train: files[0] };
  return out;
}

/** The request the worker needs from the store: model settings with the training seed. */
function modelRequest(s: ExperimentState): ModelRequest {
  return { ...s.model, seed: s.train.seed };
}

function trainConfig(s: ExperimentState): TrainConfig {
  return { ...s.train };
}

/** What the page knows about the worker's current model. */
interface SessionInfo {
  parameterCount: number;
  gateLayout: GateLayout[];
  position: SessionPosition | null;
  /** The settings it was built with (for the run record). */
  experiment: ExperimentState;
  startedAt: number;
}

export function App() {
  return (
    <LanguageProvider>
      <ExperimentProvider initial={readPageUrl().state.experiment}>
        <Playground />
      </ExperimentProvider>
    </LanguageProvider>
  );
}

function Playground() {
  const { state, dispatch } = useExperiment();
  const { t } = useI18n();
  const [client, setClient] = useState<WorkerClient | null>(null);
  const [phase, setPhaseNow] = useState<Phase>('starting');
  // Phase changes re-render most of the page: as transitions, React renders them in small
  // slices, so the main thread never runs one long task (the page stays responsive).
  const setPhase = useCallback((p: Phase) => startTransition(() => setPhaseNow(p)), []);
  const [error, setError] = useState<string | null>(null);
  const [ready, setReady] = useState<ReadyMessage | null>(null);
  // Auto's calibrated backend (BackendSpeeds): used from the next fresh run on.
  const [calibrated, setCalibrated] = useState<BackendName | null>(null);

  // Data.
  const [files, setFiles] = useState<CsvFiles>({ train: null, val: null, test: null });
  const [preview, setPreview] = useState<CsvPreview | null>(null);
  const [dataProgress, setDataProgress] = useState<DataProgressInfo | null>(null);
  const [dataError, setDataError] = useState<DataErrorInfo | null>(null);
  const [summary, setSummary] = useState<DataSummary | null>(null);
  const [dataLabel, setDataLabel] = useState('');

  // Model description (live parameter count).
  const [paramCount, setParamCount] = useState<number | null>(null);
  const [paramError, setParamError] = useState<string | null>(null);

  // Training session and live series.
  const [session, setSession] = useState<SessionInfo | null>(null);
  // Curves, gates and progress live outside React state (see state/live.ts).
  const [live] = useState(() => new LiveStore());
  const [result, setResult] = useState<TrainResult | null>(null);
  // Worker crash → alert + "Restart engine": a new generation respawns the worker below.
  const health = useEngineHealth(
    useCallback(() => {
      setClient(null);
      setReady(null);
      setSession(null);
      setResult(null);
      setPhase('starting');
    }, [setPhase]),
  );
  const { generation: engineGeneration, reportCrash } = health;
  const [runs, setRuns] = useState<RunRecord[]>([]);
  usePersistWorkspace(state, dispatch, runs, setRuns);
  const [selectedRuns, setSelectedRuns] = useState<string[]>([]);
  const runCounter = useRef(0);
  // The latest values for callbacks that outlive a render.
  const stateRef = useRef(state);
  const sessionRef = useRef(session);
  useLayoutEffect(() => {
    stateRef.current = state;
    sessionRef.current = session;
  });

  const loadData = useCallback(
    async (c: WorkerClient, s: ExperimentState, csvFiles: CsvFiles, pv: CsvPreview | null) => {
      setPhase('loading');
      setSummary(null);
      setDataError(null);
      setDataProgress(null);
      setSession(null);
      setResult(null);
      let source: DataSource;
      const d = s.data;
      if (d.source === 'csv') {
        // No file yet (e.g. a kept CSV choice after a reload): nothing to load, not stuck loading.
        if (csvFiles.train === null) {
          setPhase('idle');
          return;
        }
        const labelNames = d.labelNames.map(
          (n, i) =>
            n.trim() || (pv?.hasHeader === true ? pv.columns[i] : undefined) || `task_${i + 1}`,
        );
        source = {
          kind: 'csv',
          file: csvFiles.train,
          valFile: csvFiles.val ?? undefined,
          testFile: csvFiles.test ?? undefined,
          options: {
            labelColumns: d.labelCount,
            labelNames,
            skipBadRows: d.skipBadRows,
            // Declared in the data panel; only names this file has (a choice kept from another).
            categoricalColumns: (d.categoricalColumns ?? []).filter(
              (c) => pv?.hasHeader === true && pv.columns.includes(c),
            ),
          },
        };
      } else {
        source = {
          kind: 'builtin',
          generator: d.source,
          rows: d.rows,
          seed: d.dataSeed,
          correlation: d.correlation,
          withShare: d.withShare === true,
          withIds: d.withIds === true,
        };
      }
      const names: Record<string, string> = {};
      if (csvFiles.train) names.train = csvFiles.train.name;
      if (csvFiles.val) names.val = csvFiles.val.name;
      if (csvFiles.test) names.test = csvFiles.test.name;
      try {
        const r = await c.call(
          {
            type: 'data',
            source,
            prep: { split: d.split, splitSeed: d.splitSeed, scaling: d.scaling },
          },
          (m) => {
            if (m.type === 'dataProgress') {
              setDataProgress({
                file: m.file,
                fileName: names[m.file] ?? 'data',
                rows: m.rows,
                bytes: m.bytes,
                totalBytes: m.totalBytes,
                elapsedMs: m.elapsedMs,
              });
            }
          },
        );
        setSummary(r.summary);
        setDataLabel(describeDataChoice(d, csvFiles.train?.name ?? null));
        live.reset(r.summary.tasks);
      } catch (e) {
        if (e instanceof WorkerError) {
          setDataError({
            message: e.message,
            line: e.line,
            column: e.column,
            fileName: e.fileName,
          });
        } else {
          setDataError({ message: errorMessage(e) });
        }
      } finally {
        setPhase('idle');
      }
    },
    [live, setPhase],
  );

  // One worker for the page's lifetime: initialise the backend, then load the built-in data.
  useEffect(() => {
    // The first engine was started at page load (main.tsx); a restart spawns a fresh one.
    const c = new WorkerClient({ prestarted: true });
    let disposed = false;
    c.onUnhandledError = (e) => {
      if (!disposed) setError(describeError(e));
    };
    c.onCrash = (e) => {
      if (!disposed) reportCrash(describeError(e));
    };
    void (async () => {
      try {
        const r = await c.call({ type: 'init', backend: stateRef.current.backend });
        if (disposed) return;
        setReady(r);
        setClient(c);
        await loadData(c, stateRef.current, { train: null, val: null, test: null }, null);
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
  }, [loadData, setPhase, engineGeneration, reportCrash]);

  // Live parameter count: the worker builds the model for the loaded data, counts, disposes.
  const modelKey = JSON.stringify(state.model);
  useEffect(() => {
    if (client === null || summary === null) return;
    let stale = false;
    const timer = setTimeout(() => {
      setParamCount(null);
      client
        .call({ type: 'describeModel', modelConfig: modelRequest(stateRef.current) })
        .then((r) => {
          if (stale) return;
          setParamCount(r.description.parameterCount);
          setParamError(null);
        })
        .catch((e: unknown) => {
          if (!stale) setParamError(errorMessage(e));
        });
    }, 150);
    return () => {
      stale = true;
      clearTimeout(timer);
    };
  }, [client, summary, modelKey]);

  const onFiles = (patch: Partial<CsvFiles>) => {
    const next = { ...files, ...patch };
    setFiles(next);
    if (patch.train !== undefined) {
      setPreview(null);
      if (patch.train !== null) {
        const file = patch.train;
        void previewCsv(file).then((p) => {
          setPreview(p);
          // A header names the label columns.
          if (p.hasHeader) {
            dispatch({
              type: 'setData',
              patch: { labelNames: p.columns.slice(0, stateRef.current.data.labelCount) },
            });
          }
        });
      }
    }
  };

  const onDrop = (e: DragEvent<HTMLDivElement>) => {
    const dropped = [...e.dataTransfer.files];
    if (dropped.length === 0) return;
    e.preventDefault();
    if (phase !== 'idle') return;
    dispatch({ type: 'setData', patch: { source: 'csv' } });
    onFiles(assignDroppedFiles(dropped));
  };

  const changeBackend = async (pref: BackendPreference) => {
    if (client === null) return;
    dispatch({ type: 'setBackend', backend: pref });
    setPhase('switching');
    try {
      // A model's weights live on the backend that built it: drop it before switching.
      if (session !== null) {
        await client.call({ type: 'reset' });
        setSession(null);
        setResult(null);
        live.reset(live.getSnapshot().series.taskNames);
      }
      const backend = pref === 'auto' && calibrated !== null ? calibrated : pref;
      setReady(await client.call({ type: 'init', backend }));
    } catch (e) {
      setError(describeError(e));
    } finally {
      setPhase('idle');
    }
  };

  /**
   * Auto: a fresh run starts on the calibrated backend when it differs from the current one (the
   * calibration may have finished while a model was kept). The old model is dropped first: its
   * weights live on the old backend.
   */
  const applyCalibrated = async (c: WorkerClient): Promise<void> => {
    if (stateRef.current.backend !== 'auto' || calibrated === null) return;
    if (ready === null || ready.backend === calibrated) return;
    if (session !== null) {
      await c.call({ type: 'reset' });
      setSession(null);
    }
    setReady(await c.call({ type: 'init', backend: calibrated }));
  };

  /** Events of the training session (any request: train, step). */
  const onTrainEvent = useCallback(
    (m: WorkerMessage) => {
      switch (m.type) {
        case 'sessionStarted': {
          const experiment = stateRef.current;
          startTransition(() => {
            setSession({
              parameterCount: m.parameterCount,
              gateLayout: m.gateLayout,
              position: null,
              experiment,
              startedAt: Date.now(),
            });
            setResult(null);
          });
          live.reset(live.getSnapshot().series.taskNames, m.gateLayout);
          return;
        }
        case 'progress':
          live.addProgress(m.event);
          return;
        case 'epoch':
          live.addEpoch(m.event);
          return;
        default:
          return;
      }
    },
    [live],
  );

  const recordRun = (res: TrainResult, pos: SessionPosition) => {
    const s = sessionRef.current;
    const exp = s?.experiment ?? stateRef.current;
    const liveTasks = live.getSnapshot().series.taskNames;
    const taskNames = liveTasks.length > 0 ? liveTasks : (summary?.tasks ?? []);
    runCounter.current += 1;
    const id = `run-${runCounter.current}`;
    const record: RunRecord = {
      id,
      model: exp.model.model,
      modelLabel: ready?.models.find((m) => m.name === exp.model.model)?.label ?? exp.model.model,
      modelConfig: { ...exp.model, seed: exp.train.seed },
      trainConfig: { ...exp.train },
      dataLabel,
      taskNames,
      parameterCount: pos.parameterCount,
      bestEpoch: res.bestEpoch,
      valAucCurves: taskNames.map((_, t) => res.epochs.map((e) => e.val?.tasks[t]?.auc ?? NaN)),
      test: res.test?.tasks ?? null,
      elapsedMs: res.elapsedMs,
      samplesPerSec: res.samplesPerSec,
      backend: ready?.backend ?? 'cpu',
      seed: exp.train.seed,
      status: res.status,
      finishedAt: Date.now(),
    };
    setRuns((prev) => [...prev, record]);
    setSelectedRuns((prev) => [...prev, id]);
  };

  /** Train; `finishStepped` finishes a session whose epochs were all stepped through. */
  const train = async (finishStepped = false) => {
    if (client === null) return;
    setError(null);
    // A session built by Step continues (same model and settings) instead of starting afresh.
    const stepped =
      session !== null && session.position !== null && !session.position.allEpochsDone;
    const cont = finishStepped || (stepped && result === null);
    const s = (cont ? sessionRef.current?.experiment : undefined) ?? stateRef.current;
    if (!cont) setResult(null);
    setPhase('training');
    try {
      if (!cont) await applyCalibrated(client);
      const done = await client.call(
        {
          type: 'train',
          modelConfig: modelRequest(s),
          trainConfig: trainConfig(s),
          continueSession: cont,
        },
        onTrainEvent,
      );
      live.flush();
      setResult(done.result);
      setSession((prev) => (prev === null ? prev : { ...prev, position: done.position }));
      recordRun(done.result, done.position);
    } catch (e) {
      setError(describeError(e));
      setSession(null);
    } finally {
      setPhase('idle');
    }
  };

  const step = async (mode: 'batch' | 'epoch') => {
    if (client === null) return;
    const wasPaused = phase === 'paused';
    setError(null);
    setPhase('stepping');
    let finishNow = false;
    try {
      // A step that starts a new model is a fresh run too.
      if (!wasPaused && (session === null || result !== null)) await applyCalibrated(client);
      const s =
        (session !== null && result === null ? session.experiment : null) ?? stateRef.current;
      const r = await client.call(
        { type: 'step', mode, modelConfig: modelRequest(s), trainConfig: trainConfig(s) },
        onTrainEvent,
      );
      live.addProgress(r.event);
      live.flush();
      setSession((prev) => (prev === null ? prev : { ...prev, position: r.position }));
      finishNow = !wasPaused && r.position.allEpochsDone;
    } catch (e) {
      setError(describeError(e));
    } finally {
      setPhase(wasPaused ? 'paused' : 'idle');
    }
    // Every epoch was stepped through: finish the run (best weights, test metrics, board row).
    if (finishNow) await train(true);
  };

  const reset = async () => {
    if (client === null) return;
    setPhase('resetting');
    try {
      await client.call({ type: 'reset' });
    } catch (e) {
      setError(describeError(e));
    } finally {
      setSession(null);
      live.reset(live.getSnapshot().series.taskNames);
      setResult(null);
      setPhase('idle');
    }
  };

  const predict = async (input: PredictInput): Promise<PredictResult> => {
    if (client === null) throw new Error(t('app.workerNotReady'));
    const r = await client.call({ type: 'predict', input });
    return r.result;
  };

  const busy = phase !== 'idle';
  const tasks = summary?.tasks ?? [];
  const hasModel = session !== null;

  return (
    <div
      className="app"
      onDragOver={(e) => {
        if (e.dataTransfer.types.includes('Files')) e.preventDefault();
      }}
      onDrop={onDrop}
    >
      <header>
        <h1>{t('app.title')}</h1>
        <HeaderControls />
        <p className="backend-line" aria-live="polite">
          {ready === null ? (
            t('app.starting')
          ) : phase === 'switching' ? (
            t('app.switching', {
              backend: BACKEND_OPTIONS.some((o) => o.value === state.backend)
                ? t(`train.backend.${state.backend}`)
                : state.backend,
            })
          ) : (
            <>
              <strong>
                {t('app.backend', {
                  backend: describeBackend(ready.backend, ready.wasmThreads, t),
                })}
              </strong>
              <span className="muted">
                {' '}
                · {t(ready.crossOriginIsolated ? 'app.isolated.yes' : 'app.isolated.no')}
              </span>
            </>
          )}
        </p>
        {ready?.notice !== undefined && phase !== 'switching' && (
          <p className="notice" role="note">
            {fallbackNotice(ready.attempts, t) ?? ready.notice}
          </p>
        )}
      </header>

      <ErrorAlert message={error} onDismiss={() => setError(null)} />
      <EngineCrashAlert health={health} />

      <main>
        <DataPanel
          files={files}
          onFiles={onFiles}
          preview={preview}
          busy={busy || client === null}
          loading={phase === 'loading'}
          progress={dataProgress}
          summary={summary}
          error={dataError}
          onLoad={() => {
            if (client !== null) void loadData(client, state, files, preview);
          }}
        />

        <section aria-labelledby="model-title" className="panel">
          <h2 id="model-title">{t('app.model.title')}</h2>
          <ModelPanel
            settings={state.model}
            onChange={(next) => dispatch({ type: 'setModelSettings', settings: next })}
            taskNames={tasks.length > 0 ? tasks : state.data.labelNames}
            numFeatures={summary?.features}
            parameterCount={paramCount}
            parameterError={paramError}
            models={ready?.models}
            disabled={busy || (hasModel && result === null)}
          />
        </section>

        <TrainingPanel
          phase={phase}
          ready={ready}
          hasData={summary !== null && client !== null}
          position={session?.position ?? null}
          live={live}
          result={result}
          onBackend={(b) => void changeBackend(b)}
          onTrain={() => void train()}
          onPause={() => {
            client?.control('pause');
            setPhase('paused');
          }}
          onResume={() => {
            client?.control('resume');
            setPhase('training');
          }}
          onStop={() => {
            client?.control('stop');
            setPhase('stopping');
          }}
          onReset={() => void reset()}
          onStep={(mode) => void step(mode)}
        />
        <BackendSpeeds
          client={client}
          idle={phase === 'idle' || phase === 'paused'}
          ready={phase === 'switching' ? null : ready}
          auto={state.backend === 'auto'}
          calibrated={calibrated}
          onFastest={(b) => {
            setCalibrated(b);
            // "Auto" = the fastest measured backend; never under a session or a running job
            // (those switch at the next fresh run: applyCalibrated).
            if (client === null || state.backend !== 'auto' || phase !== 'idle') return;
            if (session !== null || ready?.backend === b) return;
            client
              .call({ type: 'init', backend: b })
              .then(setReady, (e: unknown) => setError(describeError(e)));
          }}
        />

        <LiveSection live={live} result={result} />

        <section aria-labelledby="board-title" className="panel">
          <h2 id="board-title">{t('app.board.title')}</h2>
          <ComparisonBoard
            runs={runs}
            selected={selectedRuns}
            onSelect={setSelectedRuns}
            onRemove={(id) => {
              setRuns((prev) => prev.filter((r) => r.id !== id));
              setSelectedRuns((prev) => prev.filter((x) => x !== id));
            }}
          />
        </section>

        <PredictPanel
          testRows={summary?.split.test ?? 0}
          canPredict={hasModel && (phase === 'idle' || phase === 'paused')}
          onPredict={predict}
        />

        <ModelsPanel
          client={client}
          canUseSession={hasModel && (phase === 'idle' || phase === 'paused')}
          experiment={state}
          dispatch={dispatch}
          runs={runs}
          setRuns={setRuns}
          numFeatures={summary?.features}
          numTasks={summary?.tasks.length}
          idle={phase === 'idle'}
          onTrain={() => train()}
        />

        <BackendCheckPanel
          client={client}
          models={ready?.models ?? []}
          busy={busy && phase !== 'checking'}
          onRunningChange={(r) => setPhase(r ? 'checking' : 'idle')}
        />

        <ExperimentsPanel
          client={client}
          tasks={tasks}
          busy={busy && phase !== 'checking'}
          onRunningChange={(r) => setPhase(r ? 'checking' : 'idle')}
        />
      </main>
    </div>
  );
}

/** Live curves, loss, gates and the epoch table: the only part that re-renders while training. */
function LiveSection({ live, result }: { live: LiveStore; result: TrainResult | null }) {
  // Only the task names and whether gates exist; each chart below subscribes on its own.
  const { series, gateLayout } = useLiveSnapshot(live);
  const { t } = useI18n();
  return (
    <section aria-labelledby="live-title" className="panel">
      <h2 id="live-title">{t('app.live.title')}</h2>
      {series.taskNames.length === 0 ? (
        <p className="muted">{t('app.live.empty')}</p>
      ) : (
        <>
          <LiveAuc live={live} />
          <LiveLoss live={live} />
          {gateLayout.length > 0 && <LiveGatesView live={live} />}
          <LiveEpochs live={live} result={result} />
        </>
      )}
    </section>
  );
}

/*
 * Each live view renders in its own slot of three publications, so one publication re-renders
 * one chart: three short main-thread tasks instead of one long one.
 */
const LIVE_SLOTS = 3;

function LiveAuc({ live }: { live: LiveStore }) {
  const { series } = useLiveSnapshot(live, 0, LIVE_SLOTS);
  return <LiveAucChart series={series} />;
}

function LiveLoss({ live }: { live: LiveStore }) {
  const { series } = useLiveSnapshot(live, 1, LIVE_SLOTS);
  return <LossChart series={series} />;
}

function LiveGatesView({ live }: { live: LiveStore }) {
  const { series, gates, gateLayout, progress } = useLiveSnapshot(live, 2, LIVE_SLOTS);
  const { t } = useI18n();
  const when =
    progress === null ? undefined : t('gates.when', { epoch: progress.epoch, step: progress.step });
  return (
    <GateHeatmap
      layout={gateLayout}
      weights={gates?.weights ?? []}
      taskNames={series.taskNames}
      when={when}
    />
  );
}

function LiveEpochs({ live, result }: { live: LiveStore; result: TrainResult | null }) {
  const { series, epochs } = useLiveSnapshot(live);
  if (epochs.length === 0) return null;
  return (
    <EpochTable
      tasks={series.taskNames}
      epochs={epochs}
      test={result?.test}
      bestEpoch={result?.bestEpoch}
    />
  );
}
