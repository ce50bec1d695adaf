import { rankSortedSamples } from './rank-samples.js';

/**
 * R's `wdiff` from wilcox.test (two-sample, asymptotic, two-sided): the standardized rank-sum
 * statistic of (x - shift) against y, minus the target quantile zq. It falls as the shift grows, so
 * its root in the shift is a confidence bound (zq = ±z_{alpha/2}) or the Hodges–Lehmann estimate
 * (zq = 0). Inputs must be sorted ascending. Returns NaN when every pooled value is tied (sigma 0).
 */
export function computeWilcoxonShiftZ(sortedX: readonly number[], sortedY: readonly number[], shift: number, zq: number, continuityCorrection: boolean): number {
  const nx = sortedX.length;
  const ny = sortedY.length;
  const { firstRankSum, tieCorrection } = rankSortedSamples(sortedX, sortedY, shift);
  const dz = firstRankSum - (nx * (nx + 1)) / 2 - (nx * ny) / 2;
  const correction = continuityCorrection ? Math.sign(dz) * 0.5 : 0;
  const sigma = computeRankSumSigma(nx, ny, tieCorrection);
  if (sigma === 0) return Number.NaN;
  return (dz - correction) / sigma - zq;
}

/** Standard deviation of the rank sum under H0, with the tie correction sum(t^3 - t). */
export function computeRankSumSigma(nx: number, ny: number, tieCorrection: number): number {
  const n = nx + ny;
  return Math.sqrt(((nx * ny) / 12) * (n + 1 - tieCorrection / (n * (n - 1))));
}
