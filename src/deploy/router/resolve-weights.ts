import type { RouterBackend, RouterWeights } from './router.js';

/**
 * The weight each version gets: its own key, else its track's key, else 0. Pure; the one place both
 * routers turn "version or track" weights into per-version weights, so they cannot disagree.
 */
export function resolveVersionWeights(backends: readonly RouterBackend[], weights: RouterWeights): Map<string, number> {
  const result = new Map<string, number>();
  for (const b of backends) {
    if (result.has(b.version)) continue;
    result.set(b.version, weights[b.version] ?? weights[b.track] ?? 0);
  }
  return result;
}

/** Shares in percent of the total, rounded to 0.1; all zero when nothing has weight. */
export function toPercentShares(weights: ReadonlyMap<string, number>): Record<string, number> {
  let total = 0;
  for (const w of weights.values()) total += w;
  const shares: Record<string, number> = {};
  for (const [key, w] of weights) shares[key] = total > 0 ? Math.round((w / total) * 1000) / 10 : 0;
  return shares;
}
