import { describe, expect, it } from 'vitest';
import {
  aucDomain,
  blues,
  niceStep,
  niceTicks,
  textOn,
  tickDecimals,
} from '../../src/ui/charts/scale';
import { formatWeight, heatLevels, heatScaleMax } from '../../src/ui/charts/heatmap';

describe('aucDomain', () => {
  it('zooms in on the data, padded and snapped, inside [0, 1]', () => {
    const [a, b] = aucDomain([0.71, 0.74, 0.725]);
    expect(a).toBeLessThan(0.71);
    expect(b).toBeGreaterThan(0.74);
    expect(b - a).toBeLessThan(0.1); // zoomed: not the whole 0.5–1 range
    const [c, d] = aucDomain([0.98, 0.999, 1]);
    expect(c).toBeLessThan(0.98);
    expect(d).toBe(1);
  });

  it('ignores NaN and shows 0.5–1 with no data', () => {
    expect(aucDomain([])).toEqual([0.5, 1]);
    expect(aucDomain([NaN, Infinity])).toEqual([0.5, 1]);
    const [a, b] = aucDomain([NaN, 0.6, 0.65]);
    expect(a).toBeLessThan(0.6);
    expect(b).toBeGreaterThan(0.65);
  });

  it('never leaves [0, 1]', () => {
    expect(aucDomain([0, 0.001])[0]).toBe(0);
    expect(aucDomain([0.2, 1])[1]).toBe(1);
  });
});

describe('ticks', () => {
  it('uses 1-2-5 steps and enough decimals to tell ticks apart', () => {
    expect(niceStep(1)).toBe(0.2);
    expect(niceStep(0.05)).toBe(0.01);
    expect(niceStep(0.24)).toBe(0.05);
    const ticks = niceTicks([0.7, 0.76]);
    expect(ticks[0]).toBeGreaterThanOrEqual(0.7);
    expect(ticks[ticks.length - 1]).toBeLessThanOrEqual(0.76);
    expect(tickDecimals(ticks)).toBe(2);
    expect(tickDecimals([0.702, 0.704])).toBe(3);
  });
});

describe('heatmap colours and cells', () => {
  it('goes from light to dark and flips the text colour', () => {
    expect(blues(0)).toBe('#f7fbff');
    expect(blues(1)).toBe('#08306b');
    expect(textOn(0.1)).not.toBe(textOn(0.9));
  });

  it('scales to the largest weight, rounded up to a tenth', () => {
    expect(heatScaleMax([[[0.2, 0.31, 0.49]]])).toBe(0.5);
    expect(heatScaleMax([[[0.02, 0.03]]])).toBe(0.1);
    expect(heatScaleMax([])).toBe(0.1);
  });

  it('marks exact zeros as unreachable and writes every value', () => {
    const layout = [
      { level: 0, gates: ['a', 'b', 'shared'], experts: ['shared 1', 'a 1', 'b 1'] },
      { level: 1, gates: ['a', 'b'], experts: ['shared 1', 'a 1', 'b 1'] },
    ];
    const weights = [
      [
        [0.4, 0.6, 0],
        [0.3, 0, 0.7],
        [0.2, 0.3, 0.5],
      ],
      [
        [0.5, 0.5, 0],
        [0.1, 0, 0.9],
      ],
    ];
    const levels = heatLevels(layout, weights);
    expect(levels).toHaveLength(2);
    expect(levels[0].cells).toHaveLength(9);
    expect(levels[1].cells).toHaveLength(6);
    const zero = levels[0].cells.filter((c) => c.unreachable).map((c) => [c.row, c.col]);
    expect(zero).toEqual([
      [0, 2],
      [1, 1],
    ]);
    const c = levels[0].cells.find((x) => x.row === 1 && x.col === 2);
    expect(c?.text).toBe('0.70');
    expect(levels[1].cells.find((x) => x.row === 1 && x.col === 1)?.text).toBe('—');
    // Darker cell for a larger weight.
    const fill = (r: number, col: number) =>
      levels[1].cells.find((x) => x.row === r && x.col === col)?.fill ?? '';
    expect(parseInt(fill(1, 2).slice(1, 3), 16)).toBeLessThan(parseInt(fill(1, 0).slice(1, 3), 16));
  });

  it('tolerates missing weights (no data yet)', () => {
    const levels = heatLevels([{ level: 0, gates: ['a'], experts: ['e1', 'e2'] }], []);
    expect(levels[0].cells.map((c) => c.text)).toEqual(['n/a', 'n/a']);
    expect(levels[0].cells.some((c) => c.unreachable)).toBe(false);
    expect(formatWeight(0.456)).toBe('0.46');
  });
});
