import { systemClock } from '../clock/clock.js';
import { isAppError } from '../errors/app-error.js';
import { createOutboundGuard, type OutboundGuard } from '../outbound/guard-outbound.js';
import { type RetryOptions, withRetries } from '../outbound/retry.js';

/**
 * How clones and fetches of git remotes go out: a failure that says the remote could not be reached
 * for a moment (refused or reset connection, name lookup, early EOF, HTTP 5xx) is tried again with
 * exponential backoff; a timeout is not (it already waited its whole limit), nor is a definite
 * answer. A remote whose calls keep failing trips its circuit breaker: later calls fail at once.
 */
export interface GitRemoteCalls {
  guard: OutboundGuard;
  retry: Pick<RetryOptions, 'attempts' | 'baseDelayMs' | 'sleep'>;
}

const transient =
  /Could not resolve host|Connection refused|Connection reset|Connection timed out|early EOF|remote end hung up|RPC failed|returned error: 5\d\d|The requested URL returned error: 5/i;

/** Whether a failed clone or fetch is worth another try. */
export function isTransientGitFailure(error: unknown): boolean {
  if (!isAppError(error) || error.code !== 'unavailable') return false;
  const stderr = typeof error.details['stderr'] === 'string' ? error.details['stderr'] : '';
  return transient.test(stderr);
}

export const defaultGitRemoteCalls: GitRemoteCalls = {
  guard: createOutboundGuard('the git remote', systemClock),
  retry: { attempts: 3, baseDelayMs: 500 },
};

/** Runs one remote operation of `repoUrl` (a clone or a fetch) through the breaker and the retries. */
export function callGitRemote<T>(calls: GitRemoteCalls, repoUrl: string, fn: () => Promise<T>): Promise<T> {
  return calls.guard.call(repoUrl, () => withRetries(fn, { ...calls.retry, isRetryable: isTransientGitFailure }));
}
