import { describe, expect, it } from 'vitest';
import { epochTicks, fmtX, summariseLatest, xEnd } from '../../src/ui/charts/chartData';
import { lossDomain } from '../../src/ui/charts/scale';

describe('epoch axis', () => {
  it('ends at the next whole epoch so the last tick stays on the axis', () => {
    expect(xEnd([])).toBe(1);
    expect(xEnd([[{ x: 0.3, value: 1 }]])).toBe(1);
    expect(xEnd([[{ x: 2.97, value: 1 }], [{ x: 3, value: 1 }]])).toBe(3);
    expect(xEnd([[{ x: 3.01, value: 1 }]])).toBe(4);
    expect(epochTicks(3)).toEqual([0, 1, 2, 3]);
    expect(epochTicks(50)).toBeUndefined();
    expect(fmtX(2)).toBe('2');
    expect(fmtX(1.256)).toBe('1.26');
  });

  it('describes the newest value of every task for screen readers', () => {
    const s = summariseLatest(
      ['completion', 'like'],
      [
        [
          { x: 1, value: 0.7 },
          { x: 2, value: 0.75 },
        ],
        [],
      ],
      'validation AUC',
    );
    expect(s).toBe('latest validation AUC: completion 0.7500 at epoch 2');
    expect(summariseLatest(['a'], [[]], 'loss')).toBe('no loss yet');
  });
});

describe('lossDomain', () => {
  it('pads the data, never goes below 0', () => {
    const [a, b] = lossDomain([0.12, 0.7, NaN]);
    expect(a).toBe(0);
    expect(b).toBeGreaterThan(0.7);
    const [c, d] = lossDomain([0.5, 0.52]);
    expect(c).toBeGreaterThan(0.4);
    expect(c).toBeLessThan(0.5);
    expect(d).toBeGreaterThan(0.52);
  });
});
