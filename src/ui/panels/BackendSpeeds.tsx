/**
 * "Backend speeds" and why Auto runs where it does. Auto starts at once on the backend known to
 * be fastest for this kind of device (the worker's probe: a GPU → WebGPU/WebGL, none → WASM). In
 * the background a second, short-lived worker trains a few MMoE steps on every backend; the
 * fastest measured is then used by Auto for the next run (the page applies it). Measuring in a
 * worker of its own means Train never waits for the calibration, and a run never lands on a slow
 * backend because a calibration happened to be running; it measures only while the page is idle
 * (between two backends it waits for a run to end). The user overrides with the select.
 */
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { BACKEND_LABELS, type BackendName } from '../../engine/backendNames';
import type { AccelKind } from '../../engine/backend';
import type { BackendSpeed, ReadyMessage } from '../../worker/protocol';
import { describeBackend } from '../format';
import { useI18n, type I18n } from '../i18n';
import { WorkerClient } from '../workerClient';

/** Every backend; few steps keep the whole calibration short. */
const CANDIDATES: BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];
const STEPS = 3;
const BATCH = 32;
/** Idle time before a measurement starts: a Train clicked right away is not slowed by it. */
const SETTLE_MS = 1000;

export function BackendSpeeds({
  client,
  idle,
  ready,
  auto,
  calibrated,
  onFastest,
}: {
  /** The training worker: a new one (engine restart) is measured again. */
  client: WorkerClient | null;
  /**
   * The page is not loading, training or checking: measuring then competes with nothing. On a
   * 2-core machine a measurement next to a run would slow the run and skew the measurement.
   */
  idle: boolean;
  /** What the training worker runs on now. */
  ready: ReadyMessage | null;
  /** The Backend select says "Auto". */
  auto: boolean;
  /** The fastest backend measured so far (the page's copy, kept for the next run). */
  calibrated: BackendName | null;
  /** Called once per measurement with the fastest backend. */
  onFastest: (backend: BackendName) => void;
}) {
  const { t } = useI18n();
  const [speeds, setSpeeds] = useState<{ client: WorkerClient; list: BackendSpeed[] } | null>(null);
  const [fastest, setFastest] = useState<BackendName | null>(null);
  // The first "ready" with the device probe: later explicit inits (the calibrated choice) have none.
  const [probe, setProbe] = useState<ReadyMessage['auto'] | null>(null);
  if (ready?.auto !== undefined && ready.auto !== probe) setProbe(ready.auto);
  // The latest callback: the measurement runs once per worker, the page's state moves on.
  const onFastestRef = useRef(onFastest);
  const idleRef = useRef(idle);
  const wakeRef = useRef<(() => void) | null>(null);
  useLayoutEffect(() => {
    onFastestRef.current = onFastest;
    idleRef.current = idle;
    if (idle) {
      wakeRef.current?.();
      wakeRef.current = null;
    }
  });

  useEffect(() => {
    if (client === null) return;
    let stale = false;
    let meter: WorkerClient | null = null;
    /**
     * Resolves once the page has been idle for SETTLE_MS (a Train clicked at once goes first);
     * at once when it is idle and `first` is false (between two backends of a quiet page).
     */
    const settled = async (first: boolean): Promise<void> => {
      if (!first && idleRef.current) return;
      for (;;) {
        if (!idleRef.current) {
          await new Promise<void>((resolve) => {
            wakeRef.current = resolve;
          });
        }
        if (stale) return;
        await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
        if (stale || idleRef.current) return;
      }
    };
    void (async () => {
      const list: BackendSpeed[] = [];
      try {
        for (const backend of CANDIDATES) {
          // Between two backends, wait while a run (or a data load, a check) is going on.
          await settled(list.length === 0);
          if (stale) return;
          // Its own worker: the training worker stays free for Train meanwhile.
          meter ??= new WorkerClient();
          const r = await meter.call({
            type: 'calibrate',
            backends: [backend],
            steps: STEPS,
            batchSize: BATCH,
          });
          list.push(...r.speeds);
          if (stale) return;
          setSpeeds({ client, list: [...list] });
        }
      } catch {
        // The page moved on (engine restart, unmount): the next worker measures again.
        return;
      } finally {
        // Its tfjs backends, WebGL context and WASM threads go with it.
        meter?.dispose();
      }
      if (stale) return;
      const best = list
        .filter((x) => x.samplesPerSec !== null)
        .reduce<BackendSpeed | null>(
          (a, b) => (a === null || (b.samplesPerSec ?? 0) > (a.samplesPerSec ?? 0) ? b : a),
          null,
        );
      setFastest(best?.backend ?? null);
      if (best !== null) onFastestRef.current(best.backend);
    })();
    return () => {
      stale = true;
      meter?.dispose();
      // Lets a loop waiting for idle see that it is stale.
      wakeRef.current?.();
      wakeRef.current = null;
    };
  }, [client]);

  const current = speeds !== null && speeds.client === client ? speeds.list : null;
  const done = current !== null && current.length === CANDIDATES.length;
  return (
    <>
      <p className="muted backend-speeds" title={t('speeds.tooltip')} aria-live="polite">
        <strong>{t('speeds.title')}:</strong>{' '}
        {current === null
          ? t('speeds.measuring')
          : current
              .map(
                (s) =>
                  `${BACKEND_LABELS[s.backend]} ${
                    s.samplesPerSec === null
                      ? t('speeds.unavailable')
                      : t('speeds.unit', { value: s.samplesPerSec.toLocaleString('en') })
                  }`,
              )
              .join(' · ') +
            (!done ? ' …' : '') +
            (done && fastest !== null
              ? ` — ${t('speeds.chosen', { backend: BACKEND_LABELS[fastest] })}`
              : '')}
      </p>
      {auto && ready !== null && (
        <p className="muted auto-choice" aria-live="polite">
          {autoLine(t, ready, calibrated, probe)}
        </p>
      )}
    </>
  );
}

/** "Auto: WASM for now — no GPU found …" / "Auto: WASM, the fastest in the speed check." */
export function autoLine(
  t: I18n['t'],
  ready: ReadyMessage,
  calibrated: BackendName | null,
  probe: ReadyMessage['auto'] | null,
): string {
  const backend = describeBackend(ready.backend, ready.wasmThreads, t);
  if (calibrated !== null) {
    return calibrated === ready.backend
      ? t('auto.calibrated', { backend })
      : t('auto.nextRun', { fastest: BACKEND_LABELS[calibrated], backend });
  }
  if (probe == null) return t('auto.measuring', { backend });
  const kind = (k: AccelKind) => t(`auto.kind.${k}`);
  const why = t(`auto.why.${probe.reason}`, {
    webgpu: kind(probe.probe.webgpu),
    webgl: kind(probe.probe.webgl),
  });
  return t('auto.interim', { backend, why });
}
