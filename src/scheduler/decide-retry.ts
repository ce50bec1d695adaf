import type { JobFailure } from '../store/index.js';

export interface RetryOptions {
  /** Delay before the second attempt; each later one doubles it. Default 1_000 ms. */
  backoffBaseMs?: number;
  /** The longest delay. Default 300_000 ms (5 min). */
  backoffCapMs?: number;
}

export const defaultBackoffBaseMs = 1_000;
export const defaultBackoffCapMs = 300_000;

export interface FailedAttempt {
  /** The attempt that failed, 1-based. */
  attempt: number;
  maxAttempts: number;
  /** The plan's `retry`: extra attempts the user asked for, whatever the failure. */
  planRetry: number;
  failure: JobFailure;
}

export type RetryDecision = { retry: true; delayMs: number } | { retry: false };

/**
 * A failed attempt runs again while attempts are left and either the failure may go away by itself
 * (retryable: infra, timeout) or the user asked for retries (plan `retry`). Canceled never retries.
 */
export function decideRetry(failed: FailedAttempt, options: RetryOptions = {}): RetryDecision {
  if (failed.attempt >= failed.maxAttempts || failed.failure.kind === 'canceled') return { retry: false };
  if (!failed.failure.retryable && failed.attempt > failed.planRetry) return { retry: false };
  return { retry: true, delayMs: backoffDelayMs(failed.attempt, options) };
}

/**
 * base * 2^(attempt-1), capped. No jitter: retried jobs are few and spread by their failure times, and
 * a deterministic delay keeps ready_at testable with a manual clock.
 */
export function backoffDelayMs(attempt: number, options: RetryOptions = {}): number {
  const base = options.backoffBaseMs ?? defaultBackoffBaseMs;
  const cap = options.backoffCapMs ?? defaultBackoffCapMs;
  return Math.min(cap, base * 2 ** Math.max(0, attempt - 1));
}
