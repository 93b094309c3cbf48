/**
 * Categorical columns of a headered CSV, declared in the data panel: one checkbox per feature
 * column of the preview. Checked columns are read as ids (any text), get a vocabulary of the
 * training rows and a learned embedding shared by every task, in front of any model.
 */
import type { CsvPreview } from '../../engine/data/preview';
import { CheckboxField } from '../components/fields';
import { useI18n } from '../i18n';
import { useExperiment } from '../state/context';

/** Checkboxes beyond this many columns would bury the page (the video file has 499). */
const MAX_COLUMNS = 40;

/** A cell that is not a number: a hint that the column holds ids or words. */
function isText(cell: string | undefined): boolean {
  const s = (cell ?? '').trim();
  return s !== '' && !Number.isFinite(Number(s)) && !/^(true|false)$/i.test(s);
}

export function CategoricalColumns({
  preview,
  disabled,
}: {
  preview: CsvPreview;
  disabled: boolean;
}) {
  const { t } = useI18n();
  const { state, dispatch } = useExperiment();
  const d = state.data;
  if (!preview.hasHeader) {
    return <p className="hint">{t('lc.cat.noHeader')}</p>;
  }
  const chosen = new Set(d.categoricalColumns ?? []);
  const features = preview.columns
    .map((name, j) => ({ name, j }))
    .slice(d.labelCount, d.labelCount + MAX_COLUMNS);
  const toggle = (name: string, on: boolean) => {
    const next = preview.columns.filter((c) => (c === name ? on : chosen.has(c)));
    dispatch({ type: 'setData', patch: { categoricalColumns: next } });
  };
  return (
    <fieldset className="row">
      <legend title={t('lc.cat.tip')}>{t('lc.cat.legend')}</legend>
      {features.map(({ name, j }) => (
        <CheckboxField
          key={j}
          label={isText(preview.rows[0]?.[j]) ? t('lc.cat.text', { name }) : name}
          checked={chosen.has(name)}
          onChange={(on) => toggle(name, on)}
          disabled={disabled}
          tooltip={t('lc.cat.column.tip', { name })}
        />
      ))}
    </fieldset>
  );
}
