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
      <h2 id="train-title">3 · Training</h2>
      <div className="row">
        <SelectField
          label="Backend"
          value={state.backend}
          options={BACKEND_OPTIONS}
          onChange={props.onBackend}
          disabled={!idle}
          tooltip="Where the maths runs. Auto tries WebGPU, then WebGL, then WASM, then plain-JS CPU; the one in use is shown here and at the top."
          description={
            props.ready === null
              ? 'Starting…'
              : `In use: ${describeBackend(props.ready.backend, props.ready.wasmThreads)}`
          }
        />
        <NumberInput
          label="Learning rate"
          value={t.learningRate}
          onCommit={(learningRate) => setTrain({ learningRate })}
          min={1e-6}
          max={1}
          disabled={settingsLocked}
          tooltip="Adam's step size: larger learns faster but can overshoot or diverge (try 0.001–0.01)."
        />
        <NumberInput
          label="Batch size"
          value={t.batchSize}
          onCommit={(batchSize) => setTrain({ batchSize })}
          min={1}
          max={65536}
          integer
          disabled={settingsLocked}
          tooltip="Rows per training step. Larger batches are faster per row but take fewer steps per epoch."
        />
        <NumberInput
          label="Epochs"
          value={t.epochs}
          onCommit={(epochs) => setTrain({ epochs })}
          min={1}
          max={1000}
          integer
          disabled={settingsLocked}
          tooltip="Passes over the training rows. The best epoch (on validation) is kept."
        />
        <NumberInput
          label="Seed"
          value={t.seed}
          onCommit={(seed) => setTrain({ seed })}
          min={1}
          max={2 ** 31 - 1}
          integer
          disabled={settingsLocked}
          tooltip="Seeds the initial weights and the batch order: same seed and backend give the same curves."
        />
      </div>
      <div className="row buttons" role="group" aria-label="Training controls">
        <button
          type="button"
          onClick={props.onTrain}
          disabled={!idle || !props.hasData}
          title={
            resumable
              ? 'Train on from the stepped position to the last epoch.'
              : 'Build a fresh model and train it for the chosen epochs.'
          }
        >
          Train
        </button>
        <button
          type="button"
          onClick={props.onPause}
          disabled={phase !== 'training'}
          title="Pause after the current step; Step and Predict work while paused."
        >
          Pause
        </button>
        <button
          type="button"
          onClick={props.onResume}
          disabled={phase !== 'paused'}
          title="Continue the paused training."
        >
          Resume
        </button>
        <button
          type="button"
          onClick={props.onStop}
          disabled={phase !== 'training' && phase !== 'paused' && phase !== 'stepping'}
          title="End the run after the current step; the best epoch so far is kept and tested."
        >
          Stop
        </button>
        <button
          type="button"
          onClick={props.onReset}
          disabled={!(idle || phase === 'paused') || props.position === null}
          title="Throw the model away (free its memory) and clear the charts; the settings stay."
        >
          Reset
        </button>
        <button
          type="button"
          onClick={() => props.onStep('batch')}
          disabled={!canStep}
          title="Slow motion: train exactly one batch and show what changed."
        >
          Step
        </button>
        <button
          type="button"
          onClick={() => props.onStep('epoch')}
          disabled={!canStep}
          title="Train the rest of the current epoch, validate, and stop."
        >
          Step epoch
        </button>
      </div>
      <TrainingStatus {...props} />
    </section>
  );
}

/** The status line: subscribes to the live store, so only it re-renders on progress. */
function TrainingStatus(props: Props) {
  const { progress } = useLiveSnapshot(props.live);
  return (
    <p role="status" className="status" aria-live="polite">
      {trainingStatus(props, progress)}
    </p>
  );
}

function trainingStatus(p: Props, progress: ProgressEvent | null): string {
  const { phase, position, result } = p;
  if (phase === 'stopping') return 'Stopping…';
  if (phase === 'resetting') return 'Resetting…';
  const where = (e: ProgressEvent): string =>
    `Epoch ${e.epoch} · step ${e.step}/${e.stepsPerEpoch} · ${formatInt(e.samplesPerSec)} samples/s · loss ${e.loss
      .map((l) => formatMetric(l))
      .join(' / ')}`;
  if (phase === 'training' || phase === 'stepping' || phase === 'paused') {
    const prefix = phase === 'paused' ? 'Paused · ' : phase === 'stepping' ? 'Stepping · ' : '';
    return progress === null ? `${prefix}Starting training…` : prefix + where(progress);
  }
  if (result !== null) {
    const verb = result.status === 'stopped' ? 'Stopped' : 'Done';
    return `${verb} after ${result.epochs.length} epoch(s): best epoch ${result.bestEpoch} · ${formatInt(
      result.samplesPerSec,
    )} samples/s · ${(result.elapsedMs / 1000).toFixed(1)} s`;
  }
  if (position !== null && progress !== null) return `Stepped · ${where(progress)}`;
  return '';
}
