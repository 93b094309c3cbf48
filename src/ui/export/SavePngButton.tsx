/** "Save as PNG" for one chart or table: a real button with a tooltip and a status on failure. */
import { useState } from 'react';
import { useI18n } from '../i18n';
import { localiseError } from '../format';
import { downloadBlob } from './download';

interface Props {
  /** What is saved, for the accessible name and tooltip, e.g. "validation AUC chart". */
  what: string;
  filename: string;
  /** Produces the PNG (e.g. renderChartPng of the chart's element). */
  render: () => Promise<Blob>;
  disabled?: boolean;
}

/** The drawing code's own failures (export/png.ts, tableCanvas.ts, ChartFrame), as i18n keys. */
const KNOWN: Record<string, string> = {
  'Nothing to export yet: the chart is empty.': 'png.err.empty',
  'The chart is not shown.': 'png.err.notShown',
  'This browser has no 2D canvas.': 'png.err.noCanvas',
  'The browser could not encode a PNG.': 'png.err.encode',
  'Could not render the chart as an image.': 'png.err.render',
};

export function SavePngButton({ what, filename, render, disabled }: Props) {
  const { t } = useI18n();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      downloadBlob(await render(), filename);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      setError(KNOWN[message] !== undefined ? t(KNOWN[message]) : message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <span className="save-png">
      <button
        type="button"
        className="secondary"
        onClick={() => void save()}
        disabled={disabled === true || busy}
        title={t('png.tooltip', { what, filename })}
      >
        {t('png.save')}
        <span className="visually-hidden"> ({what})</span>
      </button>
      {error !== null && (
        <span role="alert" className="save-error">
          {localiseError(error, t)}
        </span>
      )}
    </span>
  );
}
