/** Axis ranges and colour scales for the charts and the heatmap. Pure (tested in Node). */

/**
 * A readable y-range for AUC values: the data's min/max padded by 10 % of the spread (at least
 * 0.01), snapped outwards to a "nice" step and clamped to [0, 1]. Non-finite values are ignored;
 * with no data the full [0.5, 1] range is shown.
 */
export function aucDomain(values: Iterable<number>): [number, number] {
  return paddedDomain(values, { min: 0, max: 1, minPad: 0.01, empty: [0.5, 1] });
}

/** A y-range for losses: like aucDomain, never below 0, no upper clamp. */
export function lossDomain(values: Iterable<number>): [number, number] {
  return paddedDomain(values, { min: 0, max: Infinity, minPad: 0.005, empty: [0, 1] });
}

function paddedDomain(
  values: Iterable<number>,
  o: { min: number; max: number; minPad: number; empty: [number, number] },
): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo === Infinity) return o.empty;
  const pad = Math.max(o.minPad, (hi - lo) * 0.1);
  const step = niceStep(hi - lo + 2 * pad);
  const a = Math.max(o.min, Math.floor((lo - pad) / step) * step);
  const b = Math.min(o.max, Math.ceil((hi + pad) / step) * step);
  return [round6(a), round6(b)];
}

/** Tick step 1, 2 or 5 × 10^k giving about 5 ticks over `span`. */
export function niceStep(span: number): number {
  if (!(span > 0)) return 0.1;
  const raw = span / 5;
  const p = 10 ** Math.floor(Math.log10(raw));
  const m = raw / p;
  return round6((m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p);
}

/** Evenly spaced ticks over [a, b] with niceStep. */
export function niceTicks([a, b]: [number, number]): number[] {
  const step = niceStep(b - a);
  const out: number[] = [];
  for (let v = Math.ceil(a / step - 1e-9) * step; v <= b + 1e-9; v += step) out.push(round6(v));
  return out;
}

/** Decimals that tell neighbouring ticks apart (0.05 → 2, 0.002 → 3). */
export function tickDecimals(ticks: number[]): number {
  if (ticks.length < 2) return 3;
  const step = Math.abs(ticks[1] - ticks[0]);
  return Math.min(4, Math.max(1, Math.ceil(-Math.log10(step) - 1e-9)));
}

function round6(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}

/** Light (#f7fbff) → dark blue (#08306b) through the ColorBrewer "Blues" anchors. */
const BLUES: [number, number, number][] = [
  [247, 251, 255],
  [198, 219, 239],
  [107, 174, 214],
  [33, 113, 181],
  [8, 48, 107],
];

/** Fill for a gate weight `t` ∈ [0, 1] (already divided by the scale maximum), as '#rrggbb'. */
export function blues(t: number): string {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (BLUES.length - 1);
  const i = Math.min(BLUES.length - 2, Math.floor(x));
  const f = x - i;
  const c = BLUES[i].map((v, k) => Math.round(v + (BLUES[i + 1][k] - v) * f));
  return `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

/** Dark text on light cells, white on dark ones (the switch is where contrast flips). */
export function textOn(t: number): string {
  return t > 0.55 ? '#ffffff' : '#1d232a';
}
