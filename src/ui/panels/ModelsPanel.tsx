/**
 * Models and workspace panel (issue 5): save the trained model (download model.json +
 * weights.bin and keep the pair in IndexedDB), "My models", load saved or uploaded model files,
 * batch predictions with every task's probability, the PaddleRec config export, and project
 * files (runs + settings + saved models). The worker does every tfjs step; this page only asks.
 */
import { useCallback, useEffect, useId, useState, type Dispatch, type SetStateAction } from 'react';
import { paddleRecConfig } from '../../engine/io/paddlerec';
import type { WarmStartMode, WarmStartReport } from '../../engine/train/warmStart';
import type {
  LifecycleAnswer,
  LifecycleOp,
  ModelFiles,
  ModelSlot,
  SavedModelEntry,
} from '../../worker/protocol';
import { FileField, TextField } from '../components/fields';
import { downloadBlob, downloadText, fileSlug } from '../export/download';
import { errorMessage, localiseError } from '../format';
import { useI18n } from '../i18n';
import type { ExperimentAction } from '../state/experiment';
import { base64ToBytes, parseProject, projectToText, reId } from '../state/persist';
import type { ExperimentState, RunRecord } from '../state/types';
import type { WorkerClient } from '../workerClient';

interface Props {
  client: WorkerClient | null;
  /** The session has a model that is not training right now. */
  canUseSession: boolean;
  experiment: ExperimentState;
  dispatch: Dispatch<ExperimentAction>;
  runs: RunRecord[];
  setRuns: Dispatch<SetStateAction<RunRecord[]>>;
  /** Sizes of the loaded data (for the PaddleRec config); undefined before data is loaded. */
  numFeatures?: number;
  numTasks?: number;
  /** Nothing is loading or training (a warm-started run may begin). */
  idle: boolean;
  /** Starts a fresh training run like the Train button; resolves when it ends. */
  onTrain: () => Promise<void>;
}

const WARM_MODES: WarmStartMode[] = ['cold', 'embeddings', 'embeddings+experts', 'all-matching'];

/** Report lines: loaded (partial marked), new, skipped — each a list of variable names. */
function reportLines(
  r: WarmStartReport,
  t: (k: string, v?: Record<string, string | number>) => string,
) {
  const names = (xs: { name: string }[]) =>
    xs.length === 0 ? '—' : xs.map((x) => x.name).join(', ');
  return [
    t('lc.warm.loaded', {
      n: r.loaded.length,
      names:
        r.loaded.length === 0
          ? '—'
          : r.loaded
              .map((x) => (x.partial ? `${x.name} (${t('lc.warm.partial')})` : x.name))
              .join(', '),
    }),
    t('lc.warm.new', { n: r.new.length, names: names(r.new) }),
    t('lc.warm.skipped', { n: r.skipped.length, names: names(r.skipped) }),
  ];
}

/** The answer of one lifecycle op, typed by the op. */
type Answer<O extends LifecycleOp['op']> = Extract<LifecycleAnswer, { op: O }>;

async function ask<O extends LifecycleOp['op']>(
  client: WorkerClient,
  op: Extract<LifecycleOp, { op: O }>,
): Promise<Answer<O>> {
  const r = await client.call({ type: 'lifecycle', ...op } as Parameters<WorkerClient['call']>[0]);
  return (r as { answer: LifecycleAnswer }).answer as Answer<O>;
}

function downloadModel(files: ModelFiles): void {
  downloadText(files.jsonText, 'model.json', 'application/json');
  downloadBlob(new Blob([files.weights], { type: 'application/octet-stream' }), 'weights.bin');
}

export function ModelsPanel(props: Props) {
  const { client, canUseSession, experiment, runs } = props;
  const { t, lang } = useI18n();
  const locale = lang === 'zh' ? 'zh-CN' : 'en-US';
  const [name, setName] = useState('');
  const [entries, setEntries] = useState<SavedModelEntry[]>([]);
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [working, setWorking] = useState(false);
  const [jsonFile, setJsonFile] = useState<File | null>(null);
  const [weightsFile, setWeightsFile] = useState<File | null>(null);
  const [loaded, setLoaded] = useState<string | null>(null);
  const [slot, setSlot] = useState<ModelSlot>('session');
  const [csvFile, setCsvFile] = useState<File | null>(null);
  const [warmMode, setWarmMode] = useState<WarmStartMode>('embeddings+experts');
  const [report, setReport] = useState<WarmStartReport | null>(null);
  const slotId = useId();
  const warmId = useId();
  const projectId = useId();

  const refresh = useCallback(async () => {
    if (client === null) return;
    setEntries((await ask(client, { op: 'list' })).entries);
  }, [client]);

  useEffect(() => {
    if (client === null) return;
    let live = true;
    ask(client, { op: 'list' }).then(
      (a) => live && setEntries(a.entries),
      (e: unknown) => live && setError(errorMessage(e)),
    );
    return () => {
      live = false;
    };
  }, [client]);

  /** Runs one action with a busy flag; its message or error is shown under the panel. */
  const act = async (f: (c: WorkerClient) => Promise<string | null>) => {
    if (client === null) return;
    setWorking(true);
    setError(null);
    setMessage(null);
    try {
      setMessage(await f(client));
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setWorking(false);
    }
  };

  const defaultName = `${t(`exp.model.${experiment.model.model}`)} ${new Date().toLocaleString(locale)}`;

  const save = () =>
    act(async (c) => {
      const modelName = name.trim() || defaultName;
      const a = await ask(c, { op: 'save', name: modelName });
      downloadModel(a.files);
      await refresh();
      return t('lc.saved', { name: modelName });
    });

  const describeLoaded = (a: Answer<'load'>) =>
    t('lc.loaded', {
      name: a.name,
      model: a.model,
      tasks: a.taskNames.join(', '),
      features: a.numFeatures,
    });

  const loadEntry = (e: SavedModelEntry) =>
    act(async (c) => {
      const a = await ask(c, { op: 'load', key: e.key });
      setLoaded(a.name);
      setSlot('loaded');
      return describeLoaded(a);
    });

  const loadFiles = () =>
    act(async (c) => {
      if (jsonFile === null || weightsFile === null) return null;
      const files: ModelFiles = {
        jsonText: await jsonFile.text(),
        weights: await weightsFile.arrayBuffer(),
      };
      const a = await ask(c, { op: 'load', files });
      setLoaded(a.name);
      setSlot('loaded');
      return describeLoaded(a);
    });

  const score = () =>
    act(async (c) => {
      if (csvFile === null) return null;
      const a = await ask(c, { op: 'predictCsv', slot, file: csvFile });
      downloadText(a.csv, `predictions-${fileSlug(csvFile.name)}.csv`, 'text/csv');
      return t('lc.batch.done', {
        rows: a.rows.toLocaleString('en-US'),
        tasks: a.taskNames.join(', '),
      });
    });

  const warmTrain = () =>
    act(async (c) => {
      const mode = warmMode;
      const a = await ask(c, {
        op: 'warmStart',
        mode,
        modelConfig: { ...experiment.model, seed: experiment.train.seed },
      });
      setReport(a.report);
      const before = runs.length;
      await props.onTrain();
      // Used by the session the run built; disarm in case the run continued a stepped session.
      await ask(c, { op: 'warmStart', mode: 'off', modelConfig: { ...experiment.model } });
      // The board overlays runs: name the start so the class sees which converged faster.
      props.setRuns((prev) =>
        prev.length > before
          ? prev.map((r, i) =>
              i === prev.length - 1
                ? { ...r, modelLabel: `${r.modelLabel} · ${t('lc.warm.label', { mode })}` }
                : r,
            )
          : prev,
      );
      return t('lc.warm.done', { mode });
    });

  const exportPaddle = () => {
    setError(null);
    if (props.numFeatures === undefined || props.numTasks === undefined) {
      setError(t('lc.paddle.needData'));
      return;
    }
    try {
      const { train } = experiment;
      const yaml = paddleRecConfig({
        modelConfig: {
          ...experiment.model,
          numFeatures: props.numFeatures,
          numTasks: props.numTasks,
        },
        train: {
          batchSize: train.batchSize,
          epochs: train.epochs,
          learningRate: train.learningRate,
        },
      });
      downloadText(yaml, 'config_bigdata.yaml', 'application/yaml');
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  const exportProject = () =>
    act(async (c) => {
      const models = [];
      for (const e of entries) {
        const a = await ask(c, { op: 'get', key: e.key });
        models.push({ entry: a.entry, jsonText: a.files.jsonText, weights: a.files.weights });
      }
      const text = projectToText({ experiment, runs }, models);
      downloadText(text, 'mtl-project.json', 'application/json');
      return null;
    });

  const importProject = (file: File | null) => {
    if (file === null) return;
    void act(async (c) => {
      const project = parseProject(await file.text());
      for (const m of project.models) {
        const bytes = base64ToBytes(m.weightsBase64);
        await ask(c, {
          op: 'put',
          name: m.entry.name,
          files: { jsonText: m.jsonText, weights: bytes.buffer as ArrayBuffer },
        });
      }
      props.dispatch({ type: 'replace', state: project.workspace.experiment });
      props.setRuns(reId(project.workspace.runs, `imported-${Date.now().toString(36)}`));
      await refresh();
      return t('lc.project.imported', {
        runs: project.workspace.runs.length,
        models: project.models.length,
      });
    });
  };

  const disabled = client === null || working;
  return (
    <section aria-labelledby="models-title" className="panel">
      <h2 id="models-title">{t('lc.title')}</h2>

      <div className="row">
        <TextField
          label={t('lc.name')}
          tooltip={t('lc.name.tip')}
          value={name}
          placeholder={defaultName}
          onChange={setName}
          disabled={disabled}
        />
        <button
          type="button"
          onClick={() => void save()}
          disabled={disabled || !canUseSession}
          title={t('lc.save.tip')}
        >
          {t('lc.save')}
        </button>
      </div>

      <h3>{t('lc.mine')}</h3>
      {entries.length === 0 ? (
        <p className="muted">{t('lc.mine.none')}</p>
      ) : (
        <ul aria-label={t('lc.mine')}>
          {entries.map((e) => (
            <li key={e.key}>
              <span>
                {t('lc.entry', {
                  name: e.name,
                  model: e.model,
                  tasks: e.taskNames.join(', '),
                  params: e.parameterCount.toLocaleString('en-US'),
                  created: new Date(e.created).toLocaleString(locale),
                })}
              </span>{' '}
              <button
                type="button"
                disabled={disabled}
                title={t('lc.load.tip')}
                aria-label={t('lc.load', { name: e.name })}
                onClick={() => void loadEntry(e)}
              >
                {t('lc.load', { name: '' }).trim()}
              </button>{' '}
              <button
                type="button"
                disabled={disabled}
                title={t('lc.download.tip')}
                aria-label={t('lc.download', { name: e.name })}
                onClick={() =>
                  void act(async (c) => {
                    downloadModel((await ask(c, { op: 'get', key: e.key })).files);
                    return null;
                  })
                }
              >
                {t('lc.download', { name: '' }).trim()}
              </button>{' '}
              <button
                type="button"
                disabled={disabled}
                title={t('lc.delete.tip')}
                aria-label={t('lc.delete', { name: e.name })}
                onClick={() =>
                  void act(async (c) => {
                    await ask(c, { op: 'delete', key: e.key });
                    await refresh();
                    return null;
                  })
                }
              >
                {t('lc.delete', { name: '' }).trim()}
              </button>
            </li>
          ))}
        </ul>
      )}

      <div className="row">
        <FileField
          label={t('lc.files.json')}
          tooltip={t('lc.files.json.tip')}
          fileName={jsonFile?.name ?? null}
          onChange={setJsonFile}
          accept=".json,application/json"
          disabled={disabled}
        />
        <FileField
          label={t('lc.files.weights')}
          tooltip={t('lc.files.weights.tip')}
          fileName={weightsFile?.name ?? null}
          onChange={setWeightsFile}
          accept=".bin,application/octet-stream"
          disabled={disabled}
        />
        <button
          type="button"
          onClick={() => void loadFiles()}
          disabled={disabled || jsonFile === null || weightsFile === null}
          title={t('lc.files.load.tip')}
        >
          {t('lc.files.load')}
        </button>
      </div>

      <h3>{t('lc.batch')}</h3>
      <div className="row">
        <div className="field">
          <label htmlFor={slotId} title={t('lc.batch.model.tip')}>
            {t('lc.batch.model')}
          </label>
          <select
            id={slotId}
            value={slot}
            title={t('lc.batch.model.tip')}
            disabled={disabled}
            onChange={(e) => setSlot(e.target.value as ModelSlot)}
          >
            <option value="session">{t('lc.batch.session')}</option>
            <option value="loaded" disabled={loaded === null}>
              {loaded === null ? t('lc.batch.loaded') : `${t('lc.batch.loaded')}: ${loaded}`}
            </option>
          </select>
        </div>
        <FileField
          label={t('lc.batch.file')}
          tooltip={t('lc.batch.file.tip')}
          fileName={csvFile?.name ?? null}
          onChange={setCsvFile}
          disabled={disabled}
        />
        <button
          type="button"
          onClick={() => void score()}
          disabled={disabled || csvFile === null || (slot === 'session' && !canUseSession)}
          title={t('lc.batch.run.tip')}
        >
          {t('lc.batch.run')}
        </button>
      </div>

      <h3>{t('lc.warm')}</h3>
      <div className="row">
        <div className="field">
          <label htmlFor={warmId} title={t('lc.warm.mode.tip')}>
            {t('lc.warm.mode')}
          </label>
          <select
            id={warmId}
            value={warmMode}
            title={t('lc.warm.mode.tip')}
            disabled={disabled}
            onChange={(e) => setWarmMode(e.target.value as WarmStartMode)}
          >
            {WARM_MODES.map((m) => (
              <option key={m} value={m}>
                {t(`lc.warm.mode.${m}`)}
              </option>
            ))}
          </select>
        </div>
        <button
          type="button"
          onClick={() => void warmTrain()}
          disabled={disabled || loaded === null || !props.idle || props.numTasks === undefined}
          title={t('lc.warm.run.tip')}
        >
          {t('lc.warm.run')}
        </button>
      </div>
      {report !== null && (
        <ul aria-label={t('lc.warm.report')}>
          {reportLines(report, t).map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      )}

      <div className="row">
        <button type="button" onClick={exportPaddle} title={t('lc.paddle.tip')}>
          {t('lc.paddle')}
        </button>
        <button
          type="button"
          onClick={() => void exportProject()}
          disabled={disabled}
          title={t('lc.project.export.tip')}
        >
          {t('lc.project.export')}
        </button>
        <div className="field">
          <label htmlFor={projectId} title={t('lc.project.import.tip')}>
            {t('lc.project.import')}
          </label>
          <input
            id={projectId}
            type="file"
            accept=".json,application/json"
            title={t('lc.project.import.tip')}
            disabled={disabled}
            onChange={(e) => {
              importProject(e.target.files?.[0] ?? null);
              e.target.value = '';
            }}
          />
        </div>
      </div>

      {working && <p className="muted">{t('lc.busy')}</p>}
      {message !== null && (
        <p role="status" aria-live="polite">
          {message}
        </p>
      )}
      {error !== null && (
        <p className="alert" role="alert">
          {localiseError(error, t)}
        </p>
      )}
    </section>
  );
}
