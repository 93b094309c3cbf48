/**
 * Labelled form controls: every control has a visible <label> bound by id, a tooltip (`title`)
 * that explains it, and an accessible description (aria-describedby) when there is a hint.
 * All are native elements, so they work from the keyboard as they are.
 */
import { localiseError } from '../format';
import { useI18n } from '../i18n';
import { useId, useState, type ReactNode } from 'react';

interface NumberFieldProps {
  label: string;
  value: string;
  onChange: (v: string) => void;
  min?: number;
  max?: number;
  step?: number | 'any';
  disabled?: boolean;
  hint?: string;
  /** Explanation shown as a tooltip (and to screen readers as the description). */
  tooltip?: string;
  invalid?: boolean;
}

/** A number input over a text value (the caller parses it). */
export function NumberField(props: NumberFieldProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const tipId = `${id}-tip`;
  const describedBy =
    [props.hint === undefined ? '' : hintId, props.tooltip === undefined ? '' : tipId]
      .filter((x) => x !== '')
      .join(' ') || undefined;
  return (
    <div className={props.invalid === true ? 'field invalid' : 'field'}>
      <label htmlFor={id} title={props.tooltip}>
        {props.label}
      </label>
      <input
        id={id}
        type="number"
        inputMode="decimal"
        value={props.value}
        min={props.min}
        max={props.max}
        step={props.step ?? 'any'}
        disabled={props.disabled}
        title={props.tooltip}
        aria-invalid={props.invalid === true ? true : undefined}
        aria-describedby={describedBy}
        onChange={(e) => props.onChange(e.target.value)}
      />
      {props.tooltip !== undefined && (
        <span id={tipId} hidden>
          {props.tooltip}
        </span>
      )}
      {props.hint !== undefined && (
        <small id={hintId} className="hint">
          {props.hint}
        </small>
      )}
    </div>
  );
}

interface NumberInputProps {
  label: string;
  /** The committed number (from the store). */
  value: number;
  /** Called with every valid number typed (within min/max, whole when `integer`). */
  onCommit: (v: number) => void;
  min: number;
  max: number;
  integer?: boolean;
  step?: number | 'any';
  disabled?: boolean;
  tooltip: string;
  hint?: string;
}

/**
 * A number input bound to a number in the store: the text is kept locally while typing, and
 * only valid values are committed; an invalid one is marked (aria-invalid) with the allowed range.
 */
export function NumberInput(props: NumberInputProps) {
  const { t } = useI18n();
  // The text being typed, with the committed value it belongs to: an outside change of the
  // value (e.g. a reset) shows the new value instead.
  const [draft, setDraft] = useState<{ text: string; value: number } | null>(null);
  const text = draft !== null && draft.value === props.value ? draft.text : String(props.value);
  const v = Number(text);
  const valid =
    text.trim() !== '' &&
    Number.isFinite(v) &&
    v >= props.min &&
    v <= props.max &&
    (props.integer !== true || Number.isInteger(v));
  const range = { min: props.min, max: props.max };
  return (
    <NumberField
      invalid={!valid}
      label={props.label}
      value={text}
      onChange={(t) => {
        const n = Number(t);
        if (
          t.trim() !== '' &&
          Number.isFinite(n) &&
          n >= props.min &&
          n <= props.max &&
          (props.integer !== true || Number.isInteger(n))
        ) {
          setDraft({ text: t, value: n });
          props.onCommit(n);
        } else {
          setDraft({ text: t, value: props.value });
        }
      }}
      min={props.min}
      max={props.max}
      step={props.step ?? (props.integer === true ? 1 : 'any')}
      disabled={props.disabled}
      tooltip={props.tooltip}
      hint={
        valid
          ? props.hint
          : t(props.integer === true ? 'fields.enterInt' : 'fields.enterNumber', range)
      }
    />
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
  tooltip?: string;
}

export function SelectField<V extends string>(props: SelectFieldProps<V>) {
  const id = useId();
  const descId = `${id}-desc`;
  return (
    <div className="field">
      <label htmlFor={id} title={props.tooltip}>
        {props.label}
      </label>
      <select
        id={id}
        value={props.value}
        disabled={props.disabled}
        title={props.tooltip}
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

interface TextFieldProps {
  label: string;
  value: string;
  onChange: (v: string) => void;
  tooltip: string;
  disabled?: boolean;
  placeholder?: string;
}

export function TextField(props: TextFieldProps) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id} title={props.tooltip}>
        {props.label}
      </label>
      <input
        id={id}
        type="text"
        value={props.value}
        placeholder={props.placeholder}
        disabled={props.disabled}
        title={props.tooltip}
        onChange={(e) => props.onChange(e.target.value)}
      />
    </div>
  );
}

interface CheckboxFieldProps {
  label: string;
  checked: boolean;
  onChange: (v: boolean) => void;
  tooltip: string;
  disabled?: boolean;
}

export function CheckboxField(props: CheckboxFieldProps) {
  const id = useId();
  return (
    <div className="field checkbox">
      <input
        id={id}
        type="checkbox"
        checked={props.checked}
        disabled={props.disabled}
        title={props.tooltip}
        onChange={(e) => props.onChange(e.target.checked)}
      />
      <label htmlFor={id} title={props.tooltip}>
        {props.label}
      </label>
    </div>
  );
}

interface RangeFieldProps {
  label: string;
  value: number;
  onChange: (v: number) => void;
  min: number;
  max: number;
  step: number;
  tooltip: string;
  disabled?: boolean;
  /** How the value is shown next to the label. */
  format?: (v: number) => string;
}

export function RangeField(props: RangeFieldProps) {
  const id = useId();
  const shown = props.format ? props.format(props.value) : String(props.value);
  return (
    <div className="field">
      <label htmlFor={id} title={props.tooltip}>
        {props.label} <output htmlFor={id}>{shown}</output>
      </label>
      <input
        id={id}
        type="range"
        min={props.min}
        max={props.max}
        step={props.step}
        value={props.value}
        disabled={props.disabled}
        title={props.tooltip}
        aria-valuetext={shown}
        onChange={(e) => props.onChange(Number(e.target.value))}
      />
    </div>
  );
}

interface FileFieldProps {
  label: string;
  /** The chosen file's name, shown next to the control. */
  fileName: string | null;
  onChange: (f: File | null) => void;
  tooltip: string;
  disabled?: boolean;
  accept?: string;
}

export function FileField(props: FileFieldProps) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id} title={props.tooltip}>
        {props.label}
      </label>
      <input
        id={id}
        type="file"
        accept={props.accept ?? '.csv,text/csv,text/plain'}
        disabled={props.disabled}
        title={props.tooltip}
        onChange={(e) => props.onChange(e.target.files?.[0] ?? null)}
      />
      {props.fileName !== null && <small className="hint">{props.fileName}</small>}
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
  const { t } = useI18n();
  if (message === null) return null;
  return (
    <div className="alert" role="alert">
      <span>{localiseError(message, t)}</span>
      <button
        type="button"
        className="link"
        onClick={onDismiss}
        title={t('fields.dismiss.tooltip')}
      >
        {t('fields.dismiss')}
      </button>
    </div>
  );
}
