/**
 * "Check backends": trains every registered model a few steps on CPU and on each chosen backend
 * (in the worker, from the same seeded init and batch) and compares the losses.
 */
import { useState } from 'react';
import { BACKEND_LABELS, type BackendName } from '../../engine/backendNames';
import type { ModelSummary } from '../../worker/protocol';
import {
  CHECK_BATCH_SIZE,
  CHECK_SEED,
  CHECK_STEPS,
  CHECK_TOLERANCE,
  judgeBackendCheck,
  type BackendCheckResult,
  type CheckRow,
} from '../backendCheck';
import { errorMessage, formatMetric, localiseError } from '../format';
import { useI18n } from '../i18n';
import type { WorkerClient } from '../workerClient';

const CANDIDATES: readonly BackendName[] = ['webgpu', 'webgl', 'wasm'];

interface Props {
  client: WorkerClient | null;
  models: ModelSummary[];
  /** Another job (training, loading) holds the worker. */
  busy: boolean;
  onRunningChange: (running: boolean) => void;
}

export function BackendCheckPanel({ client, models, busy, onRunningChange }: Props) {
  const { t } = useI18n();
  const [selected, setSelected] = useState<ReadonlySet<BackendName>>(new Set(CANDIDATES));
  const [rows, setRows] = useState<CheckRow[] | null>(null);
  const [running, setRunning] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const toggle = (b: BackendName) =>
    setSelected((prev) => {
      const next = new Set(prev);
      if (next.has(b)) next.delete(b);
      else next.add(b);
      return next;
    });

  const run = async () => {
    if (client === null) return;
    setRows(null);
    setError(null);
    onRunningChange(true);
    try {
      const ask = (backend: BackendName) => {
        setRunning(t('check.checking', { backend: BACKEND_LABELS[backend] }));
        return client.call({
          type: 'backendCheck',
          backend,
          models: models.map((m) => m.name),
          steps: CHECK_STEPS,
          batchSize: CHECK_BATCH_SIZE,
          seed: CHECK_SEED,
        });
      };
      const cpu = await ask('cpu');
      const others: BackendCheckResult[] = [];
      for (const b of CANDIDATES.filter((c) => selected.has(c))) {
        others.push(await ask(b));
        setRows(judgeBackendCheck(cpu, others));
      }
      setRows(judgeBackendCheck(cpu, others));
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setRunning(null);
      onRunningChange(false);
    }
  };

  const judged = rows?.filter((r) => r.status !== 'reference') ?? [];
  const failed = judged.filter((r) => r.status === 'fail' || r.status === 'error');
  const passed = judged.filter((r) => r.status === 'pass');
  const labelOf = (name: string) => {
    const key = `exp.model.${name}`;
    const v = t(key);
    return v !== key ? v : (models.find((m) => m.name === name)?.label ?? name);
  };

  return (
    <section aria-labelledby="check-title" className="panel">
      <h2 id="check-title">{t('check.title')}</h2>
      <p className="hint">
        {t('check.about', {
          steps: CHECK_STEPS,
          batch: CHECK_BATCH_SIZE,
          seed: CHECK_SEED,
          tolerance: CHECK_TOLERANCE.toExponential(0),
        })}
      </p>
      <fieldset>
        <legend>{t('check.backends')}</legend>
        {CANDIDATES.map((b) => (
          <label key={b} className="inline" title={t('check.backend.tooltip')}>
            <input
              type="checkbox"
              checked={selected.has(b)}
              disabled={running !== null}
              onChange={() => toggle(b)}
            />
            {BACKEND_LABELS[b]}
          </label>
        ))}
      </fieldset>
      <button
        type="button"
        onClick={() => void run()}
        disabled={client === null || busy || running !== null || models.length === 0}
        title={t('check.run.tooltip')}
      >
        {t('check.run')}
      </button>
      <p role="status" className="status">
        {running ??
          (rows === null
            ? ''
            : failed.length > 0
              ? t('check.failed', { failed: failed.length, total: judged.length })
              : t(judged.length > passed.length ? 'check.passedSome' : 'check.passed', {
                  passed: passed.length,
                  total: judged.length,
                }))}
      </p>
      {error !== null && (
        <div className="alert" role="alert">
          {localiseError(error, t)}
        </div>
      )}
      {rows !== null && (
        <table className="numbers">
          <caption>{t('check.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('check.col.model')}</th>
              <th scope="col">{t('check.col.backend')}</th>
              <th scope="col">{t('check.col.losses', { steps: CHECK_STEPS })}</th>
              <th scope="col">{t('check.col.delta')}</th>
              <th scope="col">{t('check.col.result')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={`${r.model}-${r.backend}`} className={r.status}>
                <th scope="row">{labelOf(r.model)}</th>
                <td>{BACKEND_LABELS[r.backend]}</td>
                <td className="losses">{r.losses.map((l) => formatMetric(l, 5)).join(' ')}</td>
                <td>{r.maxRelDelta === undefined ? '' : r.maxRelDelta.toExponential(2)}</td>
                <td title={r.detail}>
                  {t(`check.status.${r.status}`)}
                  {r.detail !== undefined && r.status !== 'reference'
                    ? `: ${r.detail === 'no CPU reference for this model' ? t('check.noReference') : r.detail}`
                    : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
