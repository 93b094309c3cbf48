/**
 * What the page shows when the training worker dies (an uncaught error, running out of memory):
 * an alert that says so and a "Restart engine" button that spawns a fresh worker.
 */
import { useCallback, useState } from 'react';
import { useI18n } from '../i18n';

export interface EngineHealth {
  /** Bumped by `restart`: the worker's effect depends on it, so a new value respawns the worker. */
  generation: number;
  /** Why the worker stopped; null while it is healthy. */
  crash: string | null;
  reportCrash: (reason: string) => void;
  restart: () => void;
}

/**
 * Crash state and the respawn counter for the page's one training worker. `onRestart` clears the
 * page's state that belonged to the dead worker (session, model, backend line).
 */
export function useEngineHealth(onRestart: () => void): EngineHealth {
  const [generation, setGeneration] = useState(0);
  const [crash, setCrash] = useState<string | null>(null);
  const reportCrash = useCallback((reason: string) => setCrash(reason), []);
  const restart = useCallback(() => {
    setCrash(null);
    onRestart();
    setGeneration((g) => g + 1);
  }, [onRestart]);
  return { generation, crash, reportCrash, restart };
}

export function EngineCrashAlert({ health }: { health: EngineHealth }) {
  const { t } = useI18n();
  if (health.crash === null) return null;
  return (
    <div className="alert engine-crash" role="alert">
      <p>
        <strong>{t('engine.crashed', { reason: health.crash })}</strong>
      </p>
      <p>{t('engine.crashedHint')}</p>
      <button type="button" onClick={health.restart} title={t('engine.restartTooltip')}>
        {t('engine.restart')}
      </button>
    </div>
  );
}
