import { describe, expect, it } from 'vitest';
import { computeNormalCdf, computeNormalQuantile } from './normal-distribution.js';

// Reference values: Abramowitz & Stegun table 26.1 / R's pnorm and qnorm (to the digits given there).
describe('normal distribution', () => {
  it.each([
    [0, 0.5],
    [1, 0.8413447460685429],
    [-3, 0.0013498980316301],
    [-8, 6.220960574271785e-16],
  ])('Phi(%d)', (z, p) => {
    expect(Math.abs(computeNormalCdf(z) - p) / p).toBeLessThan(1e-12);
  });

  it('inverts Phi', () => {
    expect(computeNormalQuantile(0.975)).toBeCloseTo(1.959963984540054, 13);
    expect(computeNormalQuantile(0.005)).toBeCloseTo(-2.5758293035489, 12);
    for (const p of [1e-10, 0.01, 0.3, 0.5, 0.77, 0.999]) expect(computeNormalCdf(computeNormalQuantile(p))).toBeCloseTo(p, 14);
    expect(computeNormalQuantile(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(computeNormalQuantile(2)).toBeNaN();
  });
});
