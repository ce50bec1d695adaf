/** Ranks of two samples pooled, ties given their average rank (R's `rank`, ties.method "average"). */
export interface PooledRanks {
  /** Sum of the ranks of the first sample's values. */
  firstRankSum: number;
  /** Sum over groups of tied values of (t^3 - t): the variance correction for ties. */
  tieCorrection: number;
}

/**
 * Both inputs must be sorted ascending; a shift `firstOffset` is subtracted from every value of
 * `first` (shifting keeps the order, so the merge needs no re-sort). O(n + m) per call, which is
 * what makes the root finding over shifts cheap.
 */
export function rankSortedSamples(first: readonly number[], second: readonly number[], firstOffset = 0): PooledRanks {
  let i = 0;
  let j = 0;
  let rank = 0;
  let firstRankSum = 0;
  let tieCorrection = 0;
  while (i < first.length || j < second.length) {
    const a = i < first.length ? first[i]! - firstOffset : Number.POSITIVE_INFINITY;
    const b = j < second.length ? second[j]! : Number.POSITIVE_INFINITY;
    const value = Math.min(a, b);
    let fromFirst = 0;
    let fromSecond = 0;
    while (i < first.length && first[i]! - firstOffset === value) {
      fromFirst++;
      i++;
    }
    while (j < second.length && second[j]! === value) {
      fromSecond++;
      j++;
    }
    const tied = fromFirst + fromSecond;
    const averageRank = rank + (tied + 1) / 2;
    firstRankSum += fromFirst * averageRank;
    tieCorrection += tied * tied * tied - tied;
    rank += tied;
  }
  return { firstRankSum, tieCorrection };
}

export function sortAscending(values: readonly number[]): number[] {
  return Array.from(Float64Array.from(values).sort());
}
