import type { Clock } from '../clock/clock.js';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the breaker (count, ≥ 1). */
  failureThreshold: number;
  /** How long an open breaker refuses before it lets one probe through (ms). */
  coolDownMs: number;
}

export const defaultCircuitBreaker: CircuitBreakerOptions = { failureThreshold: 5, coolDownMs: 30_000 };

/**
 * closed: requests pass; failures are counted, a success resets the count.
 * open: requests are refused until openedAtMs + coolDownMs.
 * half_open: one probe is out; its success closes the breaker, its failure opens it again.
 */
export type BreakerState =
  | { state: 'closed'; consecutiveFailures: number }
  | { state: 'open'; consecutiveFailures: number; openedAtMs: number }
  | { state: 'half_open'; consecutiveFailures: number };

export const closedBreaker: BreakerState = { state: 'closed', consecutiveFailures: 0 };

export type BreakerAdmission = { allowed: true; next: BreakerState } | { allowed: false; retryAtMs: number };

/** May a request go out now? An open breaker past its cool-down admits one probe (half_open). */
export function admitRequest(current: BreakerState, nowMs: number, options: CircuitBreakerOptions): BreakerAdmission {
  switch (current.state) {
    case 'closed':
      return { allowed: true, next: current };
    case 'open': {
      const retryAtMs = current.openedAtMs + options.coolDownMs;
      if (nowMs < retryAtMs) return { allowed: false, retryAtMs };
      return { allowed: true, next: { state: 'half_open', consecutiveFailures: current.consecutiveFailures } };
    }
    case 'half_open':
      // The probe's answer decides; until then everyone else waits a cool-down.
      return { allowed: false, retryAtMs: nowMs + options.coolDownMs };
  }
}

export function recordSuccess(_current: BreakerState): BreakerState {
  return closedBreaker;
}

export function recordFailure(current: BreakerState, nowMs: number, options: CircuitBreakerOptions): BreakerState {
  const consecutiveFailures = current.consecutiveFailures + 1;
  if (current.state === 'half_open' || consecutiveFailures >= options.failureThreshold) {
    return { state: 'open', consecutiveFailures, openedAtMs: nowMs };
  }
  return { state: 'closed', consecutiveFailures };
}

/** A breaker per endpoint over the pure transitions, reading time from the injected clock. */
export interface CircuitBreaker {
  admit(): BreakerAdmission;
  succeeded(): void;
  failed(): void;
  read(): BreakerState;
}

export function createCircuitBreaker(clock: Clock, options: CircuitBreakerOptions = defaultCircuitBreaker): CircuitBreaker {
  let state: BreakerState = closedBreaker;
  return {
    admit: () => {
      const admission = admitRequest(state, clock.now(), options);
      if (admission.allowed) state = admission.next;
      return admission;
    },
    succeeded: () => {
      state = recordSuccess(state);
    },
    failed: () => {
      state = recordFailure(state, clock.now(), options);
    },
    read: () => state,
  };
}
