import { describe, expect, it } from 'vitest';
import { findRootBrent } from './find-root-brent.js';

const search = (f: (x: number) => number, lowerX: number, upperX: number, toleranceX = 1e-10) => ({
  lowerX,
  upperX,
  lowerY: f(lowerX),
  upperY: f(upperX),
  toleranceX,
  maxIterations: 1000,
});

describe('findRootBrent', () => {
  it('finds a smooth root to the tolerance', () => {
    const f = (x: number) => x * x - 2;
    expect(findRootBrent(f, search(f, 0, 2))).toBeCloseTo(Math.SQRT2, 9);
  });

  it('finds the jump of a step function within the tolerance', () => {
    const f = (x: number) => (x < 0.3 ? 1 : -1);
    expect(Math.abs(findRootBrent(f, search(f, -5, 5, 1e-4)) - 0.3)).toBeLessThan(1e-4);
  });

  it('returns an endpoint that is already a root', () => {
    const f = (x: number) => x - 1;
    expect(findRootBrent(f, search(f, 1, 3))).toBe(1);
  });
});
