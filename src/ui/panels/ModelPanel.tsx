/**
 * Model panel: model choice, the settings that model reads (and only those), the live parameter
 * count (computed by the worker), a plain-language explanation and the architecture diagram.
 * Plain props: no store, no worker.
 */
import { useI18n } from '../i18n';
import { useId, useState } from 'react';
import type { ModelName, ModelSettings } from '../state/types';
import { ArchitectureDiagram } from '../diagram/ArchitectureDiagram';
import {
  catalogEntry,
  defaultSettings,
  MODEL_CATALOG,
  type SettingKey,
} from '../diagram/modelCatalog';
import '../charts/visuals.css';

export interface ModelOption {
  name: ModelName;
  label: string;
  description: string;
}

export interface ModelPanelProps {
  settings: ModelSettings;
  onChange: (next: ModelSettings) => void;
  taskNames: string[];
  numFeatures?: number;
  /** From the worker's describeModel; null while it is being computed (or unknown). */
  parameterCount: number | null;
  /** Why the parameter count is missing (e.g. an invalid setting). */
  parameterError?: string | null;
  /** The worker's registry list; the built-in catalog is used until it arrives. */
  models?: readonly ModelOption[];
  /** While training: settings are locked. */
  disabled?: boolean;
}

/** Gate width used when gate layers are switched on from 0. */
const DEFAULT_GATE_WIDTH = 16;

interface IntFieldProps {
  label: string;
  value: number;
  min: number;
  max: number;
  tooltip: string;
  disabled?: boolean;
  onCommit: (v: number) => void;
}

/**
 * An integer input that commits only valid values; while the text is not a valid number in
 * range it shows the allowed range instead of changing the model.
 */
function IntField({ label, value, min, max, tooltip, disabled, onCommit }: IntFieldProps) {
  const { t } = useI18n();
  const id = useId();
  const [draft, setDraft] = useState<string | null>(null);
  const text = draft ?? String(value);
  const n = Number(text);
  const valid = text.trim() !== '' && Number.isInteger(n) && n >= min && n <= max;
  return (
    <div className="field">
      <label htmlFor={id} title={tooltip}>
        {label}
      </label>
      <input
        id={id}
        type="number"
        inputMode="numeric"
        min={min}
        max={max}
        step={1}
        value={text}
        title={tooltip}
        disabled={disabled}
        aria-invalid={!valid}
        aria-describedby={`${id}-hint`}
        onChange={(e) => {
          const raw = e.target.value;
          setDraft(raw);
          const v = Number(raw);
          if (raw.trim() !== '' && Number.isInteger(v) && v >= min && v <= max) onCommit(v);
        }}
        onBlur={() => setDraft(null)}
      />
      <small id={`${id}-hint`} className={valid ? 'hint' : 'hint invalid'}>
        {valid ? tooltip : t('model.int.invalid', { min, max })}
      </small>
    </div>
  );
}

/** Keeps the old model's settings, but a default expert count follows the new model's default. */
export function switchModel(s: ModelSettings, name: ModelName): ModelSettings {
  const oldDefault = defaultSettings(s.model).numExperts;
  return {
    ...s,
    model: name,
    numExperts: s.numExperts === oldDefault ? defaultSettings(name).numExperts : s.numExperts,
  };
}

export function ModelPanel({
  settings,
  onChange,
  taskNames,
  numFeatures,
  parameterCount,
  parameterError,
  models,
  disabled,
}: ModelPanelProps) {
  const { t, lang } = useI18n();
  const selectId = useId();
  /** The model's name in the page's language; a registry model without a key keeps its label. */
  const modelLabel = (name: string, label: string) => {
    const key = `exp.model.${name}`;
    const v = t(key);
    return v === key ? label : v;
  };
  const entry = catalogEntry(settings.model);
  const options = models !== undefined && models.length > 0 ? models : MODEL_CATALOG;
  // English comes from the registry (the worker's wording); other languages from the catalogue.
  const description =
    lang === 'en'
      ? (options.find((m) => m.name === settings.model)?.description ?? entry.description)
      : t(`model.desc.${settings.model}`);
  const howToRead = lang === 'en' ? entry.howToRead : t(`model.read.${settings.model}`);
  const uses = (k: SettingKey) => entry.settings.includes(k);
  const set = (patch: Partial<ModelSettings>) => onChange({ ...settings, ...patch });
  const last = (w: number[], fallback: number) => (w.length > 0 ? w[w.length - 1] : fallback);
  const gateLayers = settings.gateHidden.length;
  const gateWidth = gateLayers > 0 ? settings.gateHidden[0] : DEFAULT_GATE_WIDTH;
  const isPle = settings.model === 'ple';

  return (
    <div className="model-panel">
      <div className="model-controls">
        <div className="field">
          <label htmlFor={selectId} title={t('model.model.tooltip')}>
            {t('model.model')}
          </label>
          <select
            id={selectId}
            value={settings.model}
            disabled={disabled}
            title={t('model.model.tooltipLong')}
            aria-describedby={`${selectId}-desc`}
            onChange={(e) => onChange(switchModel(settings, e.target.value as ModelName))}
          >
            {options.map((m) => (
              <option key={m.name} value={m.name}>
                {modelLabel(m.name, m.label)}
              </option>
            ))}
          </select>
          <small id={`${selectId}-desc`} className="hint">
            {description}
          </small>
        </div>
        <div className="row">
          {uses('bottomHidden') && (
            <IntField
              label={t(settings.model === 'single_task' ? 'model.networkSize' : 'model.bottomSize')}
              value={last(settings.bottomHidden, 64)}
              min={1}
              max={1024}
              disabled={disabled}
              tooltip={t(
                settings.model === 'single_task'
                  ? 'model.networkSize.tooltip'
                  : 'model.bottomSize.tooltip',
              )}
              onCommit={(v) => set({ bottomHidden: [v] })}
            />
          )}
          {uses('numExperts') && (
            <IntField
              label={t(isPle ? 'model.sharedExperts' : 'model.experts')}
              value={settings.numExperts}
              min={1}
              max={16}
              disabled={disabled}
              tooltip={t(isPle ? 'model.sharedExperts.tooltip' : 'model.experts.tooltip')}
              onCommit={(v) => set({ numExperts: v })}
            />
          )}
          {uses('expertsPerTask') && (
            <IntField
              label={t('model.expertsPerTask')}
              value={settings.expertsPerTask}
              min={1}
              max={8}
              disabled={disabled}
              tooltip={t('model.expertsPerTask.tooltip')}
              onCommit={(v) => set({ expertsPerTask: v })}
            />
          )}
          {uses('expertHidden') && (
            <IntField
              label={t('model.expertSize')}
              value={last(settings.expertHidden, 32)}
              min={1}
              max={1024}
              disabled={disabled}
              tooltip={t('model.expertSize.tooltip')}
              onCommit={(v) => set({ expertHidden: [v] })}
            />
          )}
          {uses('levels') && (
            <IntField
              label={t('model.levels')}
              value={settings.levels}
              min={1}
              max={4}
              disabled={disabled}
              tooltip={t('model.levels.tooltip')}
              onCommit={(v) => set({ levels: v })}
            />
          )}
          {uses('gateHidden') && (
            <IntField
              label={t('model.gateLayers')}
              value={gateLayers}
              min={0}
              max={3}
              disabled={disabled}
              tooltip={t('model.gateLayers.tooltip')}
              onCommit={(v) => set({ gateHidden: Array.from({ length: v }, () => gateWidth) })}
            />
          )}
          {uses('gateHidden') && gateLayers > 0 && (
            <IntField
              label={t('model.gateSize')}
              value={gateWidth}
              min={1}
              max={256}
              disabled={disabled}
              tooltip={t('model.gateSize.tooltip')}
              onCommit={(v) => set({ gateHidden: Array.from({ length: gateLayers }, () => v) })}
            />
          )}
          {uses('towerHidden') && (
            <IntField
              label={t('model.towerSize')}
              value={last(settings.towerHidden, 0)}
              min={0}
              max={1024}
              disabled={disabled}
              tooltip={t('model.towerSize.tooltip')}
              onCommit={(v) => set({ towerHidden: v === 0 ? [] : [v] })}
            />
          )}
        </div>
        <p className="param-count" role="status" aria-live="polite">
          {t('model.parameters')}{' '}
          <strong>
            {parameterCount !== null
              ? parameterCount.toLocaleString('en-US')
              : parameterError
                ? t('model.parameters.na')
                : t('model.parameters.counting')}
          </strong>
          {parameterError ? <span className="hint invalid"> — {parameterError}</span> : null}
        </p>
      </div>
      <div>
        <div className="model-explain">
          <p>
            <strong>{modelLabel(entry.name, entry.label)}.</strong> {description}
          </p>
          <p className="muted">{howToRead}</p>
        </div>
        <ArchitectureDiagram settings={settings} taskNames={taskNames} numFeatures={numFeatures} />
      </div>
    </div>
  );
}
