/**
 * "Backend speeds": at start (and after an engine restart) the worker trains a few MMoE steps on
 * every backend; the line shows samples/s per backend and the fastest, which the page uses while
 * the Backend select says "Auto". The user overrides it with that select.
 */
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { BACKEND_LABELS, type BackendName } from '../../engine/backendNames';
import type { BackendSpeed } from '../../worker/protocol';
import { useI18n } from '../i18n';
import type { WorkerClient } from '../workerClient';

/** Every backend, fastest first in a typical machine without a GPU; few steps keep it short. */
const CANDIDATES: BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];
const STEPS = 3;
const BATCH = 32;

export function BackendSpeeds({
  client,
  onFastest,
}: {
  client: WorkerClient | null;
  /** Called once per worker with the fastest backend measured. */
  onFastest: (backend: BackendName) => void;
}) {
  const { t } = useI18n();
  const [speeds, setSpeeds] = useState<{ client: WorkerClient; list: BackendSpeed[] } | null>(null);
  const [fastest, setFastest] = useState<BackendName | null>(null);
  // The latest callback: the measurement runs once per worker, the page's state moves on.
  const onFastestRef = useRef(onFastest);
  useLayoutEffect(() => {
    onFastestRef.current = onFastest;
  });

  useEffect(() => {
    if (client === null) return;
    let stale = false;
    // One request per backend: a Train clicked meanwhile is queued between two of them instead
    // of waiting for the whole calibration.
    void (async () => {
      const list: BackendSpeed[] = [];
      try {
        for (const backend of CANDIDATES) {
          const r = await client.call({
            type: 'calibrate',
            backends: [backend],
            steps: STEPS,
            batchSize: BATCH,
          });
          list.push(...r.speeds);
        }
      } catch {
        // The engine crashed or was replaced: the restarted one measures again.
        return;
      }
      if (stale) return;
      const best = list
        .filter((x) => x.samplesPerSec !== null)
        .reduce<BackendSpeed | null>(
          (a, b) => (a === null || (b.samplesPerSec ?? 0) > (a.samplesPerSec ?? 0) ? b : a),
          null,
        );
      setSpeeds({ client, list });
      setFastest(best?.backend ?? null);
      if (best !== null) onFastestRef.current(best.backend);
    })();
    return () => {
      stale = true;
    };
  }, [client]);

  const current = speeds !== null && speeds.client === client ? speeds.list : null;
  return (
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
          (fastest === null
            ? ''
            : ` — ${t('speeds.chosen', { backend: BACKEND_LABELS[fastest] })}`)}
    </p>
  );
}
