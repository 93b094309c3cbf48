/**
 * Predict panel: pick a test row (or paste a CSV line) and see each task's probability with a
 * plain verdict, e.g. "will finish the video (0.93) · will not like it (0.07)". The worker runs
 * the model (the page has no tfjs).
 */
import { useId, useState } from 'react';
import type { PredictInput, PredictResult } from '../../worker/protocol';
import { NumberInput } from '../components/fields';
import { errorMessage, verdict } from '../format';

interface Props {
  /** Rows in the test split (0 = none). */
  testRows: number;
  /** A model exists and is not training right now. */
  canPredict: boolean;
  onPredict: (input: PredictInput) => Promise<PredictResult>;
}

export function PredictPanel({ testRows, canPredict, onPredict }: Props) {
  const [mode, setMode] = useState<'testRow' | 'csvRow'>('testRow');
  const [row, setRow] = useState(1);
  const [text, setText] = useState('');
  const [result, setResult] = useState<PredictResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [running, setRunning] = useState(false);
  const textId = useId();
  const modeName = useId();

  const predict = async () => {
    setRunning(true);
    setError(null);
    try {
      const input: PredictInput =
        mode === 'testRow' ? { kind: 'testRow', index: row - 1 } : { kind: 'csvRow', text };
      setResult(await onPredict(input));
    } catch (e) {
      setResult(null);
      setError(errorMessage(e));
    } finally {
      setRunning(false);
    }
  };

  const pasteTip =
    'One CSV line as in the data file (labels first, then features), or the features only.';
  return (
    <section aria-labelledby="predict-title" className="panel">
      <h2 id="predict-title">Predict</h2>
      <fieldset className="row plain">
        <legend>Row to predict</legend>
        <div className="field checkbox">
          <input
            type="radio"
            id={`${modeName}-test`}
            name={modeName}
            checked={mode === 'testRow'}
            onChange={() => setMode('testRow')}
            title="Use one of the held-out test rows."
          />
          <label htmlFor={`${modeName}-test`} title="Use one of the held-out test rows.">
            A test row
          </label>
        </div>
        <div className="field checkbox">
          <input
            type="radio"
            id={`${modeName}-paste`}
            name={modeName}
            checked={mode === 'csvRow'}
            onChange={() => setMode('csvRow')}
            title={pasteTip}
          />
          <label htmlFor={`${modeName}-paste`} title={pasteTip}>
            A pasted row
          </label>
        </div>
      </fieldset>
      <div className="row">
        {mode === 'testRow' ? (
          <NumberInput
            label="Test row number"
            value={row}
            onCommit={setRow}
            min={1}
            max={Math.max(1, testRows)}
            integer
            tooltip={`Which test row to predict (1 to ${Math.max(1, testRows)}); its true labels are shown next to the prediction.`}
          />
        ) : (
          <div className="field wide">
            <label htmlFor={textId} title={pasteTip}>
              CSV row
            </label>
            <textarea
              id={textId}
              rows={2}
              value={text}
              title={pasteTip}
              onChange={(e) => setText(e.target.value)}
            />
          </div>
        )}
        <button
          type="button"
          onClick={() => void predict()}
          disabled={!canPredict || running || (mode === 'testRow' && testRows === 0)}
          title="Run the model on this row (in the worker) and show each task's probability."
        >
          Predict
        </button>
      </div>
      {!canPredict && (
        <p className="muted">Train (or step) a model first; pause to predict mid-run.</p>
      )}
      {error !== null && (
        <p role="alert" className="alert">
          {error}
        </p>
      )}
      {result !== null && (
        <div aria-live="polite">
          <p className="verdict">
            <strong>
              {result.taskNames.map((t, i) => verdict(t, result.probabilities[i])).join(' · ')}
            </strong>
          </p>
          {result.labels !== null && (
            <p className="muted">
              True labels:{' '}
              {result.taskNames.map((t, i) => `${t} = ${result.labels?.[i] ?? '?'}`).join(', ')}
            </p>
          )}
        </div>
      )}
    </section>
  );
}
