import { describe, expect, it } from 'vitest';
import { computeBackoffMs } from './backoff-schedule.js';

const options = { baseMs: 1_000, maxMs: 60_000 };

describe('computeBackoffMs', () => {
  it('doubles per attempt, between half and all of base·2^(n−1)', () => {
    expect([1, 2, 3, 4].map((n) => computeBackoffMs(n, options, () => 0))).toEqual([500, 1_000, 2_000, 4_000]);
    expect([1, 2, 3, 4].map((n) => computeBackoffMs(n, options, () => 0.999_999))).toEqual([1_000, 2_000, 4_000, 8_000]);
  });

  it('is capped at maxMs, also for absurd attempt numbers', () => {
    expect(computeBackoffMs(7, options, () => 0.999_999)).toBe(60_000);
    expect(computeBackoffMs(10_000, options, () => 0)).toBe(30_000);
  });

  it('spreads retries: different random draws give different waits within the band', () => {
    const waits = new Set([0.1, 0.3, 0.5, 0.7, 0.9].map((r) => computeBackoffMs(3, options, () => r)));
    expect(waits.size).toBe(5);
    for (const wait of waits) expect(wait).toBeGreaterThanOrEqual(2_000);
  });
});
