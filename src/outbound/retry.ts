import { sleep as defaultSleep } from '../clock/sleep.js';

export interface RetryOptions {
  /** Tries in all, ≥ 1. */
  attempts: number;
  /** The wait before the second try; doubled before each later one (ms). */
  baseDelayMs: number;
  /** Whether a failure is worth another try (a timeout, a refused connection), not a final answer. */
  isRetryable(error: unknown): boolean;
  /** Default: a real timer. */
  sleep?: (ms: number) => Promise<void>;
}

/** The wait before try `attempt` (2, 3, …): base × 2^(attempt-2), plus up to 25 % jitter from `random`. */
export function backoffDelayMs(attempt: number, baseDelayMs: number, random: number): number {
  const exponential = baseDelayMs * 2 ** Math.max(0, attempt - 2);
  return Math.round(exponential * (1 + 0.25 * random));
}

/** Runs `fn` until it succeeds, fails for good, or has been tried `attempts` times; the last error is thrown. */
export async function withRetries<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const wait = options.sleep ?? defaultSleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      if (attempt >= options.attempts || !options.isRetryable(error)) throw error;
      await wait(backoffDelayMs(attempt + 1, options.baseDelayMs, Math.random()));
    }
  }
}
