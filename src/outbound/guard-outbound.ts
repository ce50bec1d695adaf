import type { Clock } from '../clock/clock.js';
import { AppError, ErrorCode, isAppError } from '../errors/app-error.js';
import { type CircuitBreaker, type CircuitBreakerOptions, createCircuitBreaker, defaultCircuitBreaker } from './circuit-breaker.js';

/**
 * One circuit breaker per outbound endpoint (a git remote, an S3 endpoint): after `failureThreshold`
 * calls in a row failed as unavailable, calls fail at once for `coolDownMs` instead of each waiting
 * for its timeout, then one probe decides. Other errors (not found, refused credentials) are answers,
 * not outages: they neither open nor close it.
 */
export interface OutboundGuard {
  call<T>(endpoint: string, fn: () => Promise<T>): Promise<T>;
}

export function createOutboundGuard(what: string, clock: Clock, options: CircuitBreakerOptions = defaultCircuitBreaker): OutboundGuard {
  const breakers = new Map<string, CircuitBreaker>();
  return {
    async call(endpoint, fn) {
      let breaker = breakers.get(endpoint);
      if (!breaker) {
        breaker = createCircuitBreaker(clock, options);
        breakers.set(endpoint, breaker);
      }
      const admission = breaker.admit();
      if (!admission.allowed) {
        const seconds = Math.max(1, Math.ceil((admission.retryAtMs - clock.now()) / 1000));
        throw new AppError(
          ErrorCode.unavailable,
          `${what} ${endpoint} failed ${breaker.read().consecutiveFailures} times in a row: not tried again for ${seconds} s (circuit breaker) — check that it is up and reachable`,
          { details: { endpoint, retryAtMs: admission.retryAtMs } },
        );
      }
      try {
        const result = await fn();
        breaker.succeeded();
        return result;
      } catch (error) {
        if (isAppError(error) && error.code === ErrorCode.unavailable) breaker.failed();
        else breaker.succeeded();
        throw error;
      }
    },
  };
}
