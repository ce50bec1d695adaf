export interface BackoffOptions {
  /** Delay before the second attempt, before jitter (ms). */
  baseMs: number;
  /** Cap of the un-jittered delay (ms). */
  maxMs: number;
}

export const defaultBackoff: BackoffOptions = { baseMs: 1_000, maxMs: 5 * 60_000 };

/**
 * Milliseconds to wait after failed attempt `attempt` (1 = the first): base·2^(attempt−1), capped,
 * with "equal jitter" — half fixed, half random — so retries of many deliveries spread out, yet each
 * wait grows with the attempts and is never near zero (full jitter can retry a dead endpoint at once).
 * `random` returns [0, 1); tests pass a fixed one.
 */
export function computeBackoffMs(attempt: number, options: BackoffOptions = defaultBackoff, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(attempt, 1) - 1, 30);
  const capped = Math.min(options.maxMs, options.baseMs * 2 ** exponent);
  return Math.round(capped / 2 + random() * (capped / 2));
}
