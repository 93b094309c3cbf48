/**
 * Stable, cheap props for the SVG line charts (SvgLineChart is memoised): module constants and
 * value-memoised arrays and formatters keep a chart from re-rendering when only their identity
 * would change.
 */
export const TICK_STYLE = { fill: '#1d232a', fontSize: 13 } as const;
/** The AUC axis label (the same in every language); epoch and loss come from the i18n tables. */
export const AUC_LABEL = 'AUC';

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
