import type { RouterWeights } from '../router/router.js';

/** Equal as the router applies them: a missing version weighs 0. */
export function weightsEqual(a: RouterWeights | undefined, b: RouterWeights): boolean {
  const left = a ?? {};
  const keys = new Set([...Object.keys(left), ...Object.keys(b)]);
  return [...keys].every((key) => (left[key] ?? 0) === (b[key] ?? 0));
}

/** All traffic to `to`; every other version named gets an explicit 0. */
export function allTo(to: string, ...others: (string | null)[]): RouterWeights {
  const weights: RouterWeights = { [to]: 100 };
  for (const other of others) if (other !== null && other !== to) weights[other] = 0;
  return weights;
}

/**
 * Integer weights summing to 100, proportional to `counts` (largest remainder; ties go to the
 * version named first, so the result is deterministic). Empty when every count is 0.
 */
export function proportionalWeights(counts: [version: string, count: number][]): RouterWeights {
  const total = counts.reduce((sum, [, count]) => sum + count, 0);
  if (total === 0) return {};
  const shares = counts.map(([version, count], order) => {
    const exact = (count * 100) / total;
    return { version, order, floor: Math.floor(exact), remainder: exact - Math.floor(exact) };
  });
  let left = 100 - shares.reduce((sum, share) => sum + share.floor, 0);
  for (const share of [...shares].sort((a, b) => b.remainder - a.remainder || a.order - b.order)) {
    if (left === 0) break;
    share.floor += 1;
    left -= 1;
  }
  return Object.fromEntries(shares.map((share) => [share.version, share.floor]));
}
