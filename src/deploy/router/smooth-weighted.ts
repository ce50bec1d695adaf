/**
 * Smooth weighted round robin (nginx's): over any window of sum(weights) picks, each key is picked
 * exactly weight times, interleaved (90/10 gives one canary pick in every ten, not ten in a row).
 * Deterministic, so a 10% canary gets 10% even over a few hundred requests, unlike random choice.
 */
export interface SmoothWeighted {
  /** The next key, or undefined when no key has weight > 0. */
  next(): string | undefined;
}

export function createSmoothWeighted(weights: ReadonlyMap<string, number>): SmoothWeighted {
  const entries = [...weights].filter(([, w]) => w > 0).map(([key, weight]) => ({ key, weight, current: 0 }));
  const total = entries.reduce((sum, e) => sum + e.weight, 0);
  return {
    next: () => {
      let best: (typeof entries)[number] | undefined;
      for (const e of entries) {
        e.current += e.weight;
        if (!best || e.current > best.current) best = e;
      }
      if (!best) return undefined;
      best.current -= total;
      return best.key;
    },
  };
}

/**
 * The key whose cumulative-weight interval holds `point` (0 <= point < 1): a stateless weighted pick,
 * so the same header value lands on the same version every time the weights are the same.
 */
export function pickByPoint(weights: ReadonlyMap<string, number>, point: number): string | undefined {
  let total = 0;
  for (const w of weights.values()) total += Math.max(0, w);
  if (total <= 0) return undefined;
  let threshold = point * total;
  let last: string | undefined;
  for (const [key, w] of weights) {
    if (w <= 0) continue;
    last = key;
    if (threshold < w) return key;
    threshold -= w;
  }
  return last;
}
