import { findRootBrent } from './find-root-brent.js';
import { computeNormalCdf, computeNormalQuantile } from './normal-distribution.js';
import { rankSortedSamples, sortAscending } from './rank-samples.js';
import { computeRankSumSigma, computeWilcoxonShiftZ } from './wilcoxon-shift.js';

/**
 * The Mann-Whitney U (Wilcoxon rank-sum) test as Kayenta runs it (kayenta-mannwhitney, itself a
 * port of R's wilcox.test asymptotic branch): normal approximation with tie correction and
 * continuity correction, a two-sided p-value, and the Hodges–Lehmann shift (canary − baseline) with
 * its confidence interval found by Brent's method on the rank statistic, tolerance 1e-4 as in R.
 * Kayenta takes its p-value from Apache Commons Math, which has neither correction; ours follows R.
 */
export interface MannWhitneyOptions {
  /** Two-sided confidence level of the interval, in (0, 1). Kayenta's classifier uses 0.95. */
  confidenceLevel: number;
  /**
   * Keep the continuity correction when solving for the estimate (default true). Kayenta keeps it;
   * current R drops it for the estimate (`correct <- FALSE`), which `false` reproduces.
   */
  correctEstimate?: boolean;
}

export interface MannWhitneyResult {
  canaryCount: number;
  baselineCount: number;
  /** R's W: rank sum of the canary minus n(n+1)/2, i.e. the number of (canary, baseline) pairs won. */
  uStatistic: number;
  /** Standardized U after the continuity correction. */
  zScore: number;
  /** Two-sided. */
  pValue: number;
  /** Hodges–Lehmann estimate of the location shift canary − baseline. */
  estimate: number;
  /** Bounds as the root finder returns them; on heavily tied data they may cross by < 1e-4. */
  lowerBound: number;
  upperBound: number;
}

export type MannWhitneyOutcome = { ok: true; result: MannWhitneyResult } | { ok: false; reason: 'empty_sample' | 'non_finite_value' | 'all_tied' };

/** R's uniroot tolerance in wilcox.test. */
const ROOT_TOLERANCE = 1e-4;
const ROOT_MAX_ITERATIONS = 1000;

export function runMannWhitney(canary: readonly number[], baseline: readonly number[], options: MannWhitneyOptions): MannWhitneyOutcome {
  if (canary.length === 0 || baseline.length === 0) return { ok: false, reason: 'empty_sample' };
  if (!canary.every(Number.isFinite) || !baseline.every(Number.isFinite)) return { ok: false, reason: 'non_finite_value' };
  const x = sortAscending(canary);
  const y = sortAscending(baseline);
  const nx = x.length;
  const ny = y.length;
  const { firstRankSum, tieCorrection } = rankSortedSamples(x, y);
  const sigma = computeRankSumSigma(nx, ny, tieCorrection);
  if (sigma === 0) return { ok: false, reason: 'all_tied' };
  const uStatistic = firstRankSum - (nx * (nx + 1)) / 2;
  const centered = uStatistic - (nx * ny) / 2;
  const zScore = (centered - Math.sign(centered) * 0.5) / sigma;
  const pValue = Math.min(1, 2 * computeNormalCdf(-Math.abs(zScore)));

  const shiftMin = x[0]! - y[ny - 1]!;
  const shiftMax = x[nx - 1]! - y[0]!;
  const z = (shift: number, zq: number) => computeWilcoxonShiftZ(x, y, shift, zq, true);
  const findBound = (zq: number): number => {
    const lowerY = z(shiftMin, zq);
    const upperY = z(shiftMax, zq);
    if (lowerY <= 0) return shiftMin;
    if (upperY >= 0) return shiftMax;
    return findRootBrent((shift) => z(shift, zq), { lowerX: shiftMin, upperX: shiftMax, lowerY, upperY, toleranceX: ROOT_TOLERANCE, maxIterations: ROOT_MAX_ITERATIONS });
  };
  const zq = -computeNormalQuantile((1 - options.confidenceLevel) / 2);
  const lowerBound = findBound(zq);
  const upperBound = findBound(-zq);
  const correctEstimate = options.correctEstimate ?? true;
  const zEstimate = (shift: number) => computeWilcoxonShiftZ(x, y, shift, 0, correctEstimate);
  const estimate = findRootBrent(zEstimate, {
    lowerX: shiftMin,
    upperX: shiftMax,
    lowerY: zEstimate(shiftMin),
    upperY: zEstimate(shiftMax),
    toleranceX: ROOT_TOLERANCE,
    maxIterations: ROOT_MAX_ITERATIONS,
  });
  return { ok: true, result: { canaryCount: nx, baselineCount: ny, uStatistic, zScore, pValue, estimate, lowerBound, upperBound } };
}
