/**
 * The English side of every string table, as a plain function (no React, no language state):
 * what the machine-readable exports (board CSV), the default Markdown and the Node-side callers
 * (board, diagram and chart helpers tested alone) use. One source: the tables in ./strings/.
 */
import { common } from './strings/common';
import { experiments } from './strings/experiments';
import { lifecycle } from './strings/lifecycle';
import { panels } from './strings/panels';
import { perf } from './strings/perf';
import { visuals } from './strings/visuals';

const EN: Record<string, string> = Object.assign(
  {},
  common.en,
  perf.en,
  lifecycle.en,
  experiments.en,
  panels.en,
  visuals.en,
);

/** Fills a key of the i18n tables, e.g. `(k, v) => translate('zh', k, v)`. */
export type Translate = (key: string, vars?: Record<string, string | number>) => string;

/** `key`'s English text with its `{name}` placeholders filled (the key itself when unknown). */
export const english: Translate = (key, vars) =>
  (EN[key] ?? key).replace(/\{(\w+)\}/g, (m, n: string) =>
    vars?.[n] === undefined ? m : String(vars[n]),
  );
