/** The SVG line chart's pure geometry: linear scales and path data. */
import { describe, expect, it } from 'vitest';
import { linePath, linearScale, nearestPoint } from '../../src/ui/charts/SvgLineChart';

describe('linearScale', () => {
  it('maps the domain ends onto the range ends, y axes inverted', () => {
    const sx = linearScale([0, 2], 66, 666);
    expect(sx(0)).toBe(66);
    expect(sx(1)).toBe(366);
    expect(sx(2)).toBe(666);
    const sy = linearScale([0.5, 1], 200, 8);
    expect(sy(0.5)).toBe(200);
    expect(sy(1)).toBe(8);
    expect(sy(0.75)).toBe(104);
  });
  it('puts everything at the range start for an empty domain (no NaN)', () => {
    expect(linearScale([1, 1], 10, 20)(5)).toBe(10);
  });
});

describe('linePath', () => {
  const sx = linearScale([0, 1], 0, 100);
  const sy = linearScale([0, 1], 100, 0);
  it('moves to the first point and draws lines through the rest', () => {
    const d = linePath(
      [
        { x: 0, value: 0 },
        { x: 0.5, value: 0.25 },
        { x: 1, value: 1 },
      ],
      sx,
      sy,
    );
    expect(d).toBe('M0.0,100.0L50.0,75.0L100.0,0.0');
  });
  it('skips non-finite values and gives an empty path for no points', () => {
    expect(
      linePath(
        [
          { x: 0, value: NaN },
          { x: 0.5, value: 0.5 },
        ],
        sx,
        sy,
      ),
    ).toBe('M50.0,50.0');
    expect(linePath([], sx, sy)).toBe('');
  });
});

describe('nearestPoint', () => {
  const pts = [0, 0.25, 0.5, 1, 2].map((x) => ({ x, value: x * 10 }));
  it('finds the point whose x is closest, at the ends and between points', () => {
    expect(nearestPoint(pts, -5)?.x).toBe(0);
    expect(nearestPoint(pts, 0.1)?.x).toBe(0);
    expect(nearestPoint(pts, 0.2)?.x).toBe(0.25);
    expect(nearestPoint(pts, 0.74)?.x).toBe(0.5);
    expect(nearestPoint(pts, 1.6)?.x).toBe(2);
    expect(nearestPoint(pts, 9)?.x).toBe(2);
    expect(nearestPoint([pts[3]], 0)?.x).toBe(1);
  });
  it('is undefined for a line with no points', () => {
    expect(nearestPoint([], 1)).toBeUndefined();
  });
});
