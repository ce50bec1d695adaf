import { describe, expect, it } from 'vitest';
import { createManualClock } from '../clock/clock.js';
import { admitRequest, closedBreaker, createCircuitBreaker, recordFailure, recordSuccess } from './circuit-breaker.js';

const options = { failureThreshold: 3, coolDownMs: 10_000 };

describe('circuit breaker', () => {
  it('stays closed below the threshold, and a success resets the count', () => {
    let state = recordFailure(closedBreaker, 0, options);
    state = recordFailure(state, 0, options);
    expect(state).toEqual({ state: 'closed', consecutiveFailures: 2 });
    expect(admitRequest(state, 0, options).allowed).toBe(true);
    state = recordSuccess(state);
    state = recordFailure(state, 0, options);
    expect(state).toEqual({ state: 'closed', consecutiveFailures: 1 });
  });

  it('opens after N consecutive failures and refuses until the cool-down has passed', () => {
    const clock = createManualClock(1_000);
    const breaker = createCircuitBreaker(clock, options);
    for (let i = 0; i < 3; i += 1) {
      expect(breaker.admit().allowed).toBe(true);
      breaker.failed();
    }
    expect(breaker.read()).toEqual({ state: 'open', consecutiveFailures: 3, openedAtMs: 1_000 });
    clock.advance(9_999);
    expect(breaker.admit()).toEqual({ allowed: false, retryAtMs: 11_000 });
  });

  it('half-open lets exactly one probe through; its success closes, its failure reopens with a new cool-down', () => {
    const clock = createManualClock(0);
    const breaker = createCircuitBreaker(clock, options);
    for (let i = 0; i < 3; i += 1) breaker.failed();
    clock.advance(10_000);
    expect(breaker.admit().allowed).toBe(true);
    expect(breaker.read().state).toBe('half_open');
    expect(breaker.admit().allowed).toBe(false);
    breaker.failed();
    expect(breaker.read()).toEqual({ state: 'open', consecutiveFailures: 4, openedAtMs: 10_000 });
    expect(breaker.admit()).toEqual({ allowed: false, retryAtMs: 20_000 });
    clock.advance(10_000);
    expect(breaker.admit().allowed).toBe(true);
    breaker.succeeded();
    expect(breaker.read()).toEqual(closedBreaker);
    expect(breaker.admit().allowed).toBe(true);
  });
});
