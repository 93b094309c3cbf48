/**
 * Training panel: backend (auto, with the one in use shown), learning rate, batch size, epochs,
 * seed; Train / Pause / Resume / Stop / Reset, and Step (one batch) / Step epoch for slow-motion
 * teaching; a status line with epoch, step and samples/s. Training itself runs in the worker.
 */
import type { BackendPreference } from '../../engine/backendNames';
import type { ProgressEvent, TrainResult } from '../../engine/train/types';
import type { ReadyMessage, SessionPosition } from '../../worker/protocol';
import { NumberInput, SelectField } from '../components/fields';
import { describeBackend, formatInt, formatMetric } from '../format';
import { useI18n, type I18n } from '../i18n';
import { useExperiment } from '../state/context';
import { useLiveSnapshot, type LiveStore } from '../state/live';

/** What the worker is doing for the page right now. */
export type Phase =
  | 'starting'
  | 'switching'
  | 'loading'
  | 'idle'
  | 'training'
  | 'paused'
  | 'stepping'
  | 'stopping'
  | 'resetting'
  | 'checking';

export const BACKEND_OPTIONS: readonly { value: BackendPreference; label: string }[] = [
  { value: 'auto', label: 'Auto (fastest available)' },
  { value: 'webgpu', label: 'WebGPU' },
  { value: 'webgl', label: 'WebGL' },
  { value: 'wasm', label: 'WASM' },
  { value: 'cpu', label: 'CPU (plain JS)' },
];

interface Props {
  phase: Phase;
  ready: ReadyMessage | null;
  /** Data is loaded, so training can start. */
  hasData: boolean;
  /** The worker holds a model (trained, stepped or training). */
  position: SessionPosition | null;
  /** Live progress (epoch, step, samples/s), read by the status line only. */
  live: LiveStore;
  result: TrainResult | null;
  onBackend: (b: BackendPreference) => void;
  onTrain: () => void;
  onPause: () => void;
  onResume: () => void;
  onStop: () => void;
  onReset: () => void;
  onStep: (mode: 'batch' | 'epoch') => void;
}

export function TrainingPanel(props: Props) {
  const { state, dispatch } = useExperiment();
  const { t: tr } = useI18n();
  const t = state.train;
  const { phase } = props;
  const idle = phase === 'idle';
  const settingsLocked = !idle || (props.position !== null && !props.position.allEpochsDone);
  const setTrain = (patch: Partial<typeof t>) => dispatch({ type: 'setTrain', patch });
  const canStep = props.hasData && (idle || phase === 'paused');
  const resumable =
    props.position !== null && !props.position.allEpochsDone && props.result === null;

  return (
    <section aria-labelledby="train-title" className="panel">
      <h2 id="train-title">{tr('train.title')}</h2>
      <div className="row">
        <SelectField
          label={tr('train.backend')}
          value={state.backend}
          options={BACKEND_OPTIONS.map((o) => ({ ...o, label: tr(`train.backend.${o.value}`) }))}
          onChange={props.onBackend}
          disabled={!idle}
          tooltip={tr('train.backend.tooltip')}
          description={
            props.ready === null
              ? tr('train.backend.starting')
              : tr('train.backend.inUse', {
                  backend: describeBackend(props.ready.backend, props.ready.wasmThreads, tr),
                })
          }
        />
        <NumberInput
          label={tr('train.lr')}
          value={t.learningRate}
          onCommit={(learningRate) => setTrain({ learningRate })}
          min={1e-6}
          max={1}
          disabled={settingsLocked}
          tooltip={tr('train.lr.tooltip')}
        />
        <NumberInput
          label={tr('train.batch')}
          value={t.batchSize}
          onCommit={(batchSize) => setTrain({ batchSize })}
          min={1}
          max={65536}
          integer
          disabled={settingsLocked}
          tooltip={tr('train.batch.tooltip')}
        />
        <NumberInput
          label={tr('train.epochs')}
          value={t.epochs}
          onCommit={(epochs) => setTrain({ epochs })}
          min={1}
          max={1000}
          integer
          disabled={settingsLocked}
          tooltip={tr('train.epochs.tooltip')}
        />
        <NumberInput
          label={tr('train.seed')}
          value={t.seed}
          onCommit={(seed) => setTrain({ seed })}
          min={1}
          max={2 ** 31 - 1}
          integer
          disabled={settingsLocked}
          tooltip={tr('train.seed.tooltip')}
        />
      </div>
      <div className="row buttons" role="group" aria-label={tr('train.controls')}>
        <button
          type="button"
          onClick={props.onTrain}
          disabled={!idle || !props.hasData}
          title={resumable ? tr('train.train.tooltipResume') : tr('train.train.tooltip')}
        >
          {tr('train.train')}
        </button>
        <button
          type="button"
          onClick={props.onPause}
          disabled={phase !== 'training'}
          title={tr('train.pause.tooltip')}
        >
          {tr('train.pause')}
        </button>
        <button
          type="button"
          onClick={props.onResume}
          disabled={phase !== 'paused'}
          title={tr('train.resume.tooltip')}
        >
          {tr('train.resume')}
        </button>
        <button
          type="button"
          onClick={props.onStop}
          disabled={phase !== 'training' && phase !== 'paused' && phase !== 'stepping'}
          title={tr('train.stop.tooltip')}
        >
          {tr('train.stop')}
        </button>
        <button
          type="button"
          onClick={props.onReset}
          disabled={!(idle || phase === 'paused') || props.position === null}
          title={tr('train.reset.tooltip')}
        >
          {tr('train.reset')}
        </button>
        <button
          type="button"
          onClick={() => props.onStep('batch')}
          disabled={!canStep}
          title={tr('train.step.tooltip')}
        >
          {tr('train.step')}
        </button>
        <button
          type="button"
          onClick={() => props.onStep('epoch')}
          disabled={!canStep}
          title={tr('train.stepEpoch.tooltip')}
        >
          {tr('train.stepEpoch')}
        </button>
      </div>
      <TrainingStatus {...props} />
    </section>
  );
}

/** The status line: subscribes to the live store, so only it re-renders on progress. */
function TrainingStatus(props: Props) {
  const { progress } = useLiveSnapshot(props.live);
  const { t } = useI18n();
  return (
    <p
      role="status"
      className="status"
      aria-live="polite"
      title={progress?.engine ? t('train.status.engine.tooltip') : undefined}
    >
      {trainingStatus(props, progress, t)}
    </p>
  );
}

function trainingStatus(p: Props, progress: ProgressEvent | null, t: I18n['t']): string {
  const { phase, position, result } = p;
  if (phase === 'stopping') return t('train.status.stopping');
  if (phase === 'resetting') return t('train.status.resetting');
  const where = (e: ProgressEvent): string =>
    t('train.status.where', {
      epoch: e.epoch,
      step: e.step,
      steps: e.stepsPerEpoch,
      speed: formatInt(e.samplesPerSec),
      loss: e.loss.map((l) => formatMetric(l)).join(' / '),
    }) + (e.engine ? t(`train.status.engine.${e.engine}`) : '');
  if (phase === 'training' || phase === 'stepping' || phase === 'paused') {
    const prefix =
      phase === 'paused'
        ? t('train.status.paused')
        : phase === 'stepping'
          ? t('train.status.stepping')
          : '';
    return progress === null ? prefix + t('train.status.starting') : prefix + where(progress);
  }
  if (result !== null) {
    return t(result.status === 'stopped' ? 'train.status.stopped' : 'train.status.done', {
      epochs: result.epochs.length,
      best: result.bestEpoch,
      speed: formatInt(result.samplesPerSec),
      seconds: (result.elapsedMs / 1000).toFixed(1),
    });
  }
  if (position !== null && progress !== null) return t('train.status.stepped') + where(progress);
  return '';
}
