/** Stable chart props: equal content gives the same array/function (memoised charts re-render less). */
import { describe, expect, it } from 'vitest';
import { fixedFormatter, stableNumbers } from '../../src/ui/charts/axisProps';

describe('stableNumbers', () => {
  it('returns the first array seen for equal content, a new one for different content', () => {
    const a = stableNumbers([0.5, 0.75]);
    expect(stableNumbers([0.5, 0.75])).toBe(a);
    const b = stableNumbers([0.5, 0.8]);
    expect(b).not.toBe(a);
    expect(b).toEqual([0.5, 0.8]);
    expect(stableNumbers(undefined)).toBeUndefined();
  });
});

describe('fixedFormatter', () => {
  it('formats with the given decimals and is one function per precision', () => {
    expect(fixedFormatter(2)(0.12345)).toBe('0.12');
    expect(fixedFormatter(3)(0.5)).toBe('0.500');
    expect(fixedFormatter(2)).toBe(fixedFormatter(2));
    expect(fixedFormatter(2)).not.toBe(fixedFormatter(3));
  });
});
