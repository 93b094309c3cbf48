/** Labelled form controls: every control has a visible <label> bound by id. */
import { useId, type ReactNode } from 'react';

interface NumberFieldProps {
  label: string;
  value: string;
  onChange: (v: string) => void;
  min?: number;
  max?: number;
  step?: number | 'any';
  disabled?: boolean;
  hint?: string;
}

export function NumberField(props: NumberFieldProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <input
        id={id}
        type="number"
        inputMode="decimal"
        value={props.value}
        min={props.min}
        max={props.max}
        step={props.step ?? 'any'}
        disabled={props.disabled}
        aria-describedby={props.hint === undefined ? undefined : hintId}
        onChange={(e) => props.onChange(e.target.value)}
      />
      {props.hint !== undefined && (
        <small id={hintId} className="hint">
          {props.hint}
        </small>
      )}
    </div>
  );
}

interface SelectFieldProps<V extends string> {
  label: string;
  value: V;
  options: readonly { value: V; label: string }[];
  onChange: (v: V) => void;
  disabled?: boolean;
  /** Extra text under the control (e.g. the selected model's description). */
  description?: ReactNode;
}

export function SelectField<V extends string>(props: SelectFieldProps<V>) {
  const id = useId();
  const descId = `${id}-desc`;
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <select
        id={id}
        value={props.value}
        disabled={props.disabled}
        aria-describedby={props.description === undefined ? undefined : descId}
        // The options come from `options`, so the cast only narrows string to V.
        onChange={(e) => props.onChange(e.target.value as V)}
      >
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      {props.description !== undefined && (
        <small id={descId} className="hint">
          {props.description}
        </small>
      )}
    </div>
  );
}

export function ErrorAlert({
  message,
  onDismiss,
}: {
  message: string | null;
  onDismiss: () => void;
}) {
  if (message === null) return null;
  return (
    <div className="alert" role="alert">
      <span>{message}</span>
      <button type="button" className="link" onClick={onDismiss}>
        Dismiss
      </button>
    </div>
  );
}
