/**
 * Data panel: a built-in generator (short-video log, MMoE correlation data with its ρ slider) or
 * the user's CSV files (train, optional validation/test; also by dropping them on the page),
 * a preview of the first rows with the label columns marked and named, the split, a parsing
 * progress bar (rows, MB/s) and errors with line and column. Parsing runs in the worker.
 */
import { useI18n, type I18n } from '../i18n';
import type { CsvPreview } from '../../engine/data/preview';
import type { CsvFileRole, DataSummary } from '../../worker/protocol';
import {
  CheckboxField,
  FileField,
  NumberInput,
  RangeField,
  SelectField,
  TextField,
} from '../components/fields';
import { formatBytes, formatInt, formatPercent, localiseError } from '../format';
import { CategoricalColumns } from '../lifecycle/CategoricalColumns';
import { useExperiment } from '../state/context';
import type { DataSourceKind } from '../state/types';

export interface CsvFiles {
  train: File | null;
  val: File | null;
  test: File | null;
}

export interface DataProgressInfo {
  file: CsvFileRole;
  fileName: string;
  rows: number;
  bytes: number;
  totalBytes?: number;
  elapsedMs: number;
}

export interface DataErrorInfo {
  message: string;
  fileName?: string;
  line?: number;
  column?: number;
}

interface Props {
  files: CsvFiles;
  onFiles: (patch: Partial<CsvFiles>) => void;
  preview: CsvPreview | null;
  /** Controls are disabled (training or another request is running). */
  busy: boolean;
  loading: boolean;
  progress: DataProgressInfo | null;
  summary: DataSummary | null;
  error: DataErrorInfo | null;
  onLoad: () => void;
}

const SOURCES: readonly { value: DataSourceKind; label: string }[] = [
  { value: 'short_video', label: 'Built-in: short-video log (completion, like)' },
  { value: 'correlated', label: 'Built-in: MMoE correlation generator' },
  { value: 'csv', label: 'Upload CSV file(s)' },
];

export function DataPanel(props: Props) {
  const { t } = useI18n();
  const { state, dispatch } = useExperiment();
  const d = state.data;
  const disabled = props.busy;
  const csv = d.source === 'csv';
  const setData = (patch: Partial<typeof d>) => dispatch({ type: 'setData', patch });

  return (
    <section aria-labelledby="data-title" className="panel">
      <h2 id="data-title">{t('data.title')}</h2>
      <div className="row">
        <SelectField
          label={t('data.source')}
          value={d.source}
          options={SOURCES.map((o) => ({ ...o, label: t(`data.source.${o.value}`) }))}
          onChange={(source) => setData({ source })}
          disabled={disabled}
          tooltip={t('data.source.tooltip')}
        />
      </div>

      {!csv && (
        <div className="row">
          <NumberInput
            label={t('data.rows')}
            value={d.rows}
            onCommit={(rows) => setData({ rows })}
            min={100}
            max={1_000_000}
            integer
            step={1000}
            disabled={disabled}
            tooltip={t('data.rows.tooltip')}
          />
          <NumberInput
            label={t('data.seed')}
            value={d.dataSeed}
            onCommit={(dataSeed) => setData({ dataSeed })}
            min={1}
            max={2 ** 31 - 1}
            integer
            disabled={disabled}
            tooltip={t('data.seed.tooltip')}
          />
          {d.source === 'short_video' && (
            <CheckboxField
              label={t('data.ids')}
              checked={d.withIds === true}
              onChange={(withIds) => setData({ withIds })}
              disabled={disabled}
              tooltip={t('data.ids.tooltip')}
            />
          )}
          {d.source === 'short_video' && (
            <CheckboxField
              label={t('data.share')}
              checked={d.withShare === true}
              onChange={(withShare) => setData({ withShare })}
              disabled={disabled}
              tooltip={t('data.share.tooltip')}
            />
          )}
          {d.source === 'correlated' && (
            <RangeField
              label={t('data.correlation')}
              value={d.correlation}
              onChange={(correlation) => setData({ correlation })}
              min={0}
              max={1}
              step={0.05}
              format={(v) => v.toFixed(2)}
              disabled={disabled}
              tooltip={t('data.correlation.tooltip')}
            />
          )}
        </div>
      )}

      {csv && (
        <>
          <p className="hint" id="drop-hint">
            {t('data.dropHint')}
          </p>
          <div className="row">
            <FileField
              label={t('data.trainFile')}
              fileName={props.files.train?.name ?? null}
              onChange={(f) => props.onFiles({ train: f })}
              disabled={disabled}
              tooltip={t('data.trainFile.tooltip')}
            />
            <FileField
              label={t('data.valFile')}
              fileName={props.files.val?.name ?? null}
              onChange={(f) => props.onFiles({ val: f })}
              disabled={disabled}
              tooltip={t('data.valFile.tooltip')}
            />
            <FileField
              label={t('data.testFile')}
              fileName={props.files.test?.name ?? null}
              onChange={(f) => props.onFiles({ test: f })}
              disabled={disabled}
              tooltip={t('data.testFile.tooltip')}
            />
          </div>
          {props.preview !== null && <Preview preview={props.preview} labelCount={d.labelCount} />}
          {props.preview !== null && (
            <CategoricalColumns preview={props.preview} disabled={disabled} />
          )}
          <div className="row">
            <NumberInput
              label={t('data.labelCount')}
              value={d.labelCount}
              onCommit={(count) => {
                dispatch({ type: 'setLabelCount', count });
                // With a header row, new label columns take their names from it.
                const p = props.preview;
                if (p !== null && p.hasHeader) {
                  dispatch({ type: 'setData', patch: { labelNames: p.columns.slice(0, count) } });
                }
              }}
              min={1}
              max={8}
              integer
              disabled={disabled}
              tooltip={t('data.labelCount.tooltip')}
            />
            {d.labelNames.map((name, i) => (
              <TextField
                key={i}
                label={t('data.taskName', { n: i + 1 })}
                value={name}
                onChange={(v) => dispatch({ type: 'setLabelName', index: i, name: v })}
                disabled={disabled}
                placeholder={props.preview?.hasHeader ? props.preview.columns[i] : `task_${i + 1}`}
                tooltip={t('data.taskName.tooltip', { n: i + 1 })}
              />
            ))}
          </div>
          <div className="row">
            <CheckboxField
              label={t('data.skipBad')}
              checked={d.skipBadRows}
              onChange={(skipBadRows) => setData({ skipBadRows })}
              disabled={disabled}
              tooltip={t('data.skipBad.tooltip')}
            />
          </div>
        </>
      )}

      <div className="row">
        <NumberInput
          label={t('data.valShare')}
          value={Math.round(d.split.val * 1000) / 10}
          onCommit={(v) => setData({ split: { ...d.split, val: v / 100 } })}
          min={0}
          max={50}
          disabled={disabled || (csv && props.files.val !== null)}
          tooltip={t('data.valShare.tooltip')}
        />
        <NumberInput
          label={t('data.testShare')}
          value={Math.round(d.split.test * 1000) / 10}
          onCommit={(v) => setData({ split: { ...d.split, test: v / 100 } })}
          min={0}
          max={50}
          disabled={disabled || (csv && props.files.test !== null)}
          tooltip={t('data.testShare.tooltip')}
        />
        <NumberInput
          label={t('data.splitSeed')}
          value={d.splitSeed}
          onCommit={(splitSeed) => setData({ splitSeed })}
          min={1}
          max={2 ** 31 - 1}
          integer
          disabled={disabled}
          tooltip={t('data.splitSeed.tooltip')}
        />
        <SelectField
          label={t('data.scaling')}
          value={d.scaling}
          options={[
            { value: 'standard', label: t('data.scaling.standard') },
            { value: 'raw', label: t('data.scaling.raw') },
          ]}
          onChange={(scaling) => setData({ scaling })}
          disabled={disabled}
          tooltip={t('data.scaling.tooltip')}
        />
      </div>
      <div className="row">
        <button
          type="button"
          onClick={props.onLoad}
          disabled={disabled || (csv && props.files.train === null)}
          title={t('data.load.tooltip')}
        >
          {csv ? t('data.load') : t('data.generate')}
        </button>
      </div>

      {props.loading && <ParseProgressBar progress={props.progress} />}
      {props.error !== null && (
        <p role="alert" className="alert data-error">
          {localiseError(describeDataError(props.error), t)}
        </p>
      )}
      <p role="status" className="status">
        {props.loading
          ? t('data.loading')
          : props.summary === null
            ? ''
            : describeSummary(props.summary, t)}
      </p>
      {props.summary !== null && props.summary.skippedRows > 0 && (
        <details>
          <summary>
            {t('data.skipped.summary', { rows: formatInt(props.summary.skippedRows) })}
          </summary>
          <ul>
            {props.summary.skippedExamples.map((x, i) => (
              <li key={i}>
                {t(x.column > 0 ? 'data.skipped.itemColumn' : 'data.skipped.item', {
                  file: t(`data.role.${x.file}`),
                  line: x.line,
                  column: x.column,
                  reason: x.reason,
                })}
              </li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}

function describeDataError(e: DataErrorInfo): string {
  if (e.line === undefined) return e.message;
  const where = [
    e.fileName,
    `line ${e.line}`,
    e.column !== undefined && e.column > 0 ? `column ${e.column}` : null,
  ]
    .filter((x) => x !== null && x !== undefined)
    .join(', ');
  return `${e.message} (${where})`;
}

function describeSummary(s: DataSummary, t: I18n['t']): string {
  const text = t('data.summary', {
    rows: formatInt(s.rows),
    features: s.features,
    tasks: s.tasks
      .map((name, i) =>
        t('data.summary.task', { task: name, rate: formatPercent(s.positiveRates[i]) }),
      )
      .join(', '),
    train: formatInt(s.split.train),
    val: formatInt(s.split.val),
    test: formatInt(s.split.test),
  });
  return s.skippedRows > 0
    ? text + t('data.summary.skipped', { rows: formatInt(s.skippedRows) })
    : text;
}

function ParseProgressBar({ progress }: { progress: DataProgressInfo | null }) {
  const { t } = useI18n();
  const total = progress?.totalBytes;
  const mbps =
    progress !== null && progress.elapsedMs > 0
      ? progress.bytes / 1e6 / (progress.elapsedMs / 1000)
      : 0;
  return (
    <div className="field progress-field">
      <label htmlFor="parse-progress" title={t('data.progress.tooltip')}>
        {t('data.progress')}
      </label>
      <progress
        id="parse-progress"
        max={total ?? 1}
        value={progress === null ? undefined : total === undefined ? undefined : progress.bytes}
        title={t('data.progress.tooltip')}
      />
      {progress !== null && (
        <small className="hint">
          {progress.fileName}: {formatInt(progress.rows)} rows · {formatBytes(progress.bytes)}
          {total !== undefined ? ` of ${formatBytes(total)}` : ''} · {mbps.toFixed(1)} MB/s
        </small>
      )}
    </div>
  );
}

function Preview({ preview, labelCount }: { preview: CsvPreview; labelCount: number }) {
  const { t } = useI18n();
  // Wide files (the video data has 501 columns): show the first columns only.
  const shown = Math.min(preview.columns.length, 12);
  return (
    <div className="preview">
      <table className="numbers">
        <caption>
          {t(preview.hasHeader ? 'data.preview.header' : 'data.preview.noHeader', {
            columns: preview.columns.length,
          })}
        </caption>
        <thead>
          <tr>
            {preview.columns.slice(0, shown).map((c, j) => (
              <th scope="col" key={j} className={j < labelCount ? 'label-col' : undefined}>
                {c}
                {j < labelCount ? t('data.preview.label') : ''}
              </th>
            ))}
            {shown < preview.columns.length && <th scope="col">…</th>}
          </tr>
        </thead>
        <tbody>
          {preview.rows.slice(0, 5).map((r, i) => (
            <tr key={i}>
              {r.slice(0, shown).map((c, j) => (
                <td key={j} className={j < labelCount ? 'label-col' : undefined}>
                  {c}
                </td>
              ))}
              {shown < preview.columns.length && <td>…</td>}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
