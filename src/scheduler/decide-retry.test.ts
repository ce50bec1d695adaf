import { describe, expect, it } from 'vitest';
import type { JobFailure } from '../store/index.js';
import { backoffDelayMs, decideRetry } from './decide-retry.js';

const infra: JobFailure = { kind: 'infra', retryable: true, message: 'agent lost' };
const user: JobFailure = { kind: 'user', retryable: false, message: 'exit code 1' };
const canceled: JobFailure = { kind: 'canceled', retryable: false, message: 'canceled' };

describe('decideRetry', () => {
  it('retries a retryable failure until the attempts run out', () => {
    const at = (attempt: number) => decideRetry({ attempt, maxAttempts: 3, planRetry: 0, failure: infra });
    expect([1, 2, 3].map(at)).toEqual([
      { retry: true, delayMs: 1_000 },
      { retry: true, delayMs: 2_000 },
      { retry: false },
    ]);
  });

  it("retries a user failure only as often as the plan's retry says", () => {
    expect(decideRetry({ attempt: 1, maxAttempts: 3, planRetry: 0, failure: user })).toEqual({ retry: false });
    expect(decideRetry({ attempt: 1, maxAttempts: 3, planRetry: 1, failure: user })).toMatchObject({ retry: true });
    expect(decideRetry({ attempt: 2, maxAttempts: 3, planRetry: 1, failure: user })).toEqual({ retry: false });
  });

  it('never retries a cancellation', () => {
    expect(decideRetry({ attempt: 1, maxAttempts: 5, planRetry: 4, failure: canceled })).toEqual({ retry: false });
  });
});

describe('backoffDelayMs', () => {
  it('doubles from the base and stops at the cap', () => {
    const options = { backoffBaseMs: 100, backoffCapMs: 1_000 };
    expect([1, 2, 3, 4, 5, 6, 2_000].map((a) => backoffDelayMs(a, options))).toEqual([100, 200, 400, 800, 1_000, 1_000, 1_000]);
  });
});
