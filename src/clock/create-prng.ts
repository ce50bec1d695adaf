/**
 * mulberry32: a tiny seeded PRNG, an injected source of randomness as Clock is of time: the same seed
 * gives the same sequence on every run (a load test's paths, test and benchmark traffic), so a run can
 * be replayed. Not for anything security related.
 */
export function createPrng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
