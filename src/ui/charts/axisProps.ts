/**
 * Stable, cheap props for the recharts charts. Recharts 3 keeps axis and grid settings in a redux
 * store, registered from effects: a new object or array on every render (a `tick` style, a
 * `domain`) re-dispatches the settings and triggers a second, synchronous render of the whole
 * chart. Module constants and value-memoised arrays keep one render per data update.
 */
export const CHART_MARGIN = { top: 8, right: 24, bottom: 22, left: 8 } as const;
export const BOARD_MARGIN = { top: 8, right: 20, bottom: 22, left: 8 } as const;
export const TICK_STYLE = { fill: '#1d232a', fontSize: 13 } as const;
/** One label object per text (the language switch changes the text, nothing else does). */
function interned<T>(make: (value: string) => T): (value: string) => T {
  const cache = new Map<string, T>();
  return (value) => {
    let v = cache.get(value);
    if (v === undefined) {
      v = make(value);
      cache.set(value, v);
    }
    return v;
  };
}
export const epochAxisLabel = interned(
  (value: string) => ({ value, position: 'insideBottom', offset: -14, fill: '#1d232a' }) as const,
);
export const EPOCH_LABEL = epochAxisLabel('epoch');
export const yLabel = interned(
  (value: string) => ({ value, angle: -90, position: 'insideLeft', fill: '#1d232a' }) as const,
);
export const AUC_LABEL = yLabel('AUC');
export const LOSS_LABEL = yLabel('loss');

/**
 * Every tick is drawn (`interval={0}`): the charts pass few, hand-picked ticks. Recharts' default
 * ('preserveEnd') measures each tick label in the DOM (getBoundingClientRect) on every render —
 * the largest single cost of a chart update while training.
 */
export const ALL_TICKS = 0;

/** Tooltip value formatter: four decimals. */
export const fmtValue = (v: unknown) => (typeof v === 'number' ? v.toFixed(4) : String(v));

const FIXED = new Map<number, (v: number) => string>();
/** A tick formatter with `digits` decimals, the same function for the same digits. */
export function fixedFormatter(digits: number): (v: number) => string {
  let f = FIXED.get(digits);
  if (f === undefined) {
    f = (v: number) => v.toFixed(digits);
    FIXED.set(digits, f);
  }
  return f;
}

const INTERNED = new Map<string, readonly number[]>();
/**
 * One shared array per distinct content (stable identity for recharts across renders). The cache
 * is small (domains and tick lists) and cleared when it grows.
 */
export function stableNumbers<T extends readonly number[] | undefined>(value: T): T {
  if (value === undefined) return value;
  const key = value.join(',');
  const hit = INTERNED.get(key);
  if (hit !== undefined) return hit as T;
  if (INTERNED.size > 500) INTERNED.clear();
  INTERNED.set(key, value);
  return value;
}
