import { describe, expect, it } from 'vitest';
import { LANGS, TABLES, translate } from '../../src/ui/i18n/index';

describe('i18n catalogue', () => {
  it('has every key in both languages, non-empty, with the same placeholders', () => {
    const problems: string[] = [];
    for (const [area, table] of Object.entries(TABLES)) {
      const keys = new Set([...Object.keys(table.en), ...Object.keys(table.zh)]);
      for (const key of keys) {
        for (const lang of LANGS) {
          const text = table[lang][key];
          if (typeof text !== 'string' || text.trim() === '')
            problems.push(`${area}: ${lang} lacks "${key}"`);
        }
        const holes = (s: string | undefined) =>
          [...(s ?? '').matchAll(/\{(\w+)\}/g)]
            .map((m) => m[1])
            .sort()
            .join(',');
        if (holes(table.en[key]) !== holes(table.zh[key]))
          problems.push(`${area}: "${key}" placeholders differ`);
      }
    }
    expect(problems).toEqual([]);
    expect(Object.keys(TABLES).length).toBeGreaterThan(0);
  });

  it('no key is defined by two areas', () => {
    const owner = new Map<string, string>();
    const clashes: string[] = [];
    for (const [area, table] of Object.entries(TABLES)) {
      for (const key of Object.keys(table.en)) {
        if (owner.has(key)) clashes.push(`${key}: ${owner.get(key)} and ${area}`);
        owner.set(key, area);
      }
    }
    expect(clashes).toEqual([]);
  });

  it('fills placeholders and falls back to English, then to the key', () => {
    expect(translate('zh', 'app.title')).toBe('多任务推荐模型训练场');
    expect(translate('en', 'app.title')).toBe('Multi-task recommendation playground');
    expect(translate('zh', 'no.such.key')).toBe('no.such.key');
  });
});
