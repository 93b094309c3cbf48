/** "Save as PNG" for one chart or table: a real button with a tooltip and a status on failure. */
import { useState } from 'react';
import { useI18n } from '../i18n';
import { downloadBlob } from './download';

interface Props {
  /** What is saved, for the accessible name and tooltip, e.g. "validation AUC chart". */
  what: string;
  filename: string;
  /** Produces the PNG (e.g. renderChartPng of the chart's element). */
  render: () => Promise<Blob>;
  disabled?: boolean;
}

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
      setError(e instanceof Error ? e.message : String(e));
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
          {error}
        </span>
      )}
    </span>
  );
}
