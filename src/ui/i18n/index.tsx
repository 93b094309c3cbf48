/**
 * Bilingual interface (中文 / English). Each area of the page keeps its strings in its own file
 * under ./strings/ (so parallel work never edits one big catalogue) and is listed once in TABLES.
 * A Node test checks that every key exists in both languages.
 */
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { common } from './strings/common';
import { experiments } from './strings/experiments';
import { panels } from './strings/panels';
import { lifecycle } from './strings/lifecycle';
import { perf } from './strings/perf';
import { visuals } from './strings/visuals';

export type Lang = 'en' | 'zh';
export const LANGS: readonly Lang[] = ['en', 'zh'];
export const LANG_LABELS: Record<Lang, string> = { en: 'English', zh: '中文' };

/** key → text; `{name}` placeholders are filled from `vars`. */
export type Catalog = Record<string, string>;
export interface StringTable {
  en: Catalog;
  zh: Catalog;
}

/** Every area's strings. Add one line per new file in ./strings/. */
export const TABLES: Record<string, StringTable> = {
  common,
  perf,
  lifecycle,
  experiments,
  panels,
  visuals,
};

const merged: Record<Lang, Catalog> = { en: {}, zh: {} };
for (const table of Object.values(TABLES)) {
  Object.assign(merged.en, table.en);
  Object.assign(merged.zh, table.zh);
}

export type Vars = Record<string, string | number>;

/** The text for `key` in `lang`; falls back to English, then to the key itself (visible in review). */
export function translate(lang: Lang, key: string, vars?: Vars): string {
  const text = merged[lang][key] ?? merged.en[key] ?? key;
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (m, name: string) =>
    vars[name] === undefined ? m : String(vars[name]),
  );
}

const STORAGE_KEY = 'mtl-playground.lang';

/** Saved choice, else the browser's language (zh-* → 中文), else English. */
export function initialLang(): Lang {
  try {
    const saved = globalThis.localStorage?.getItem(STORAGE_KEY);
    if (saved === 'en' || saved === 'zh') return saved;
  } catch {
    // Storage can be blocked (private mode); the default is fine.
  }
  const nav = (globalThis as { navigator?: { language?: string } }).navigator;
  return nav?.language?.toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

export interface I18n {
  lang: Lang;
  setLang: (lang: Lang) => void;
  t: (key: string, vars?: Vars) => string;
}

const I18nContext = createContext<I18n | null>(null);

export function LanguageProvider({ initial, children }: { initial?: Lang; children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(() => initial ?? initialLang());
  const setLang = useCallback((next: Lang) => {
    setLangState(next);
    try {
      globalThis.localStorage?.setItem(STORAGE_KEY, next);
    } catch {
      // Not fatal: the choice just won't survive a reload.
    }
    document.documentElement.lang = next === 'zh' ? 'zh-CN' : 'en';
  }, []);
  const value = useMemo<I18n>(
    () => ({ lang, setLang, t: (key, vars) => translate(lang, key, vars) }),
    [lang, setLang],
  );
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

/** Outside a provider (e.g. a component rendered alone) the page speaks English. */
export function useI18n(): I18n {
  return (
    useContext(I18nContext) ?? {
      lang: 'en',
      setLang: () => undefined,
      t: (key, vars) => translate('en', key, vars),
    }
  );
}
