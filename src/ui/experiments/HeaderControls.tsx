/**
 * Header controls: the 中文 / English switch and presentation mode (large type for a projector:
 * a class on <html> that ../presentation.css scales the page with).
 */
import { useEffect, useId, useState } from 'react';
import { LANG_LABELS, LANGS, useI18n, type Lang } from '../i18n';
import '../presentation.css';

export function HeaderControls() {
  const { lang, setLang, t } = useI18n();
  const [present, setPresent] = useState(false);
  const langId = useId();
  useEffect(() => {
    document.documentElement.classList.toggle('presentation', present);
  }, [present]);
  useEffect(() => {
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  }, [lang]);
  return (
    <div className="header-controls">
      <span className="field-inline">
        <label htmlFor={langId} title={t('lang.tooltip')}>
          {t('lang.label')}
        </label>{' '}
        <select
          id={langId}
          value={lang}
          onChange={(e) => setLang(e.target.value as Lang)}
          title={t('lang.tooltip')}
        >
          {LANGS.map((l) => (
            <option key={l} value={l}>
              {LANG_LABELS[l]}
            </option>
          ))}
        </select>
      </span>
      <button
        type="button"
        className="secondary"
        aria-pressed={present}
        onClick={() => setPresent((p) => !p)}
        title={t('exp.present.tooltip')}
      >
        {t('exp.present.label')}
      </button>
    </div>
  );
}
