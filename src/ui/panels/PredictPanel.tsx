/**
 * Predict panel: pick a test row (or paste a CSV line) and see each task's probability with a
 * plain verdict, e.g. "will finish the video (0.93) · will not like it (0.07)". The worker runs
 * the model (the page has no tfjs).
 */
import { useId, useState } from 'react';
import type { PredictInput, PredictResult } from '../../worker/protocol';
import { NumberInput } from '../components/fields';
import { errorMessage, localiseError, verdict } from '../format';
import { useI18n } from '../i18n';

interface Props {
  /** Rows in the test split (0 = none). */
  testRows: number;
  /** A model exists and is not training right now. */
  canPredict: boolean;
  onPredict: (input: PredictInput) => Promise<PredictResult>;
}

export function PredictPanel({ testRows, canPredict, onPredict }: Props) {
  const { t: tr } = useI18n();
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

  const pasteTip = tr('predict.paste.tooltip');
  return (
    <section aria-labelledby="predict-title" className="panel">
      <h2 id="predict-title">{tr('predict.title')}</h2>
      <fieldset className="row plain">
        <legend>{tr('predict.row')}</legend>
        <div className="field checkbox">
          <input
            type="radio"
            id={`${modeName}-test`}
            name={modeName}
            checked={mode === 'testRow'}
            onChange={() => setMode('testRow')}
            title={tr('predict.test.tooltip')}
          />
          <label htmlFor={`${modeName}-test`} title={tr('predict.test.tooltip')}>
            {tr('predict.test')}
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
            {tr('predict.paste')}
          </label>
        </div>
      </fieldset>
      <div className="row">
        {mode === 'testRow' ? (
          <NumberInput
            label={tr('predict.testRow')}
            value={row}
            onCommit={setRow}
            min={1}
            max={Math.max(1, testRows)}
            integer
            tooltip={tr('predict.testRow.tooltip', { max: Math.max(1, testRows) })}
          />
        ) : (
          <div className="field wide">
            <label htmlFor={textId} title={pasteTip}>
              {tr('predict.csvRow')}
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
          title={tr('predict.predict.tooltip')}
        >
          {tr('predict.predict')}
        </button>
      </div>
      {!canPredict && <p className="muted">{tr('predict.needModel')}</p>}
      {error !== null && (
        <p role="alert" className="alert">
          {localiseError(error, tr)}
        </p>
      )}
      {result !== null && (
        <div aria-live="polite">
          <p className="verdict">
            <strong>
              {result.taskNames
                .map((task, i) => verdict(task, result.probabilities[i], tr))
                .join(' · ')}
            </strong>
          </p>
          {result.labels !== null && (
            <p className="muted">
              {tr('predict.trueLabels')}{' '}
              {result.taskNames.map((t, i) => `${t} = ${result.labels?.[i] ?? '?'}`).join(', ')}
            </p>
          )}
        </div>
      )}
    </section>
  );
}
