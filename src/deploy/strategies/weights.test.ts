import { describe, expect, it } from 'vitest';
import { allTo, proportionalWeights, weightsEqual } from './weights.js';

describe('weights', () => {
  it('splits 100 by count with the largest remainder, ties to the first named', () => {
    expect(proportionalWeights([['v1', 2], ['v2', 1]])).toEqual({ v1: 67, v2: 33 });
    expect(proportionalWeights([['v1', 1], ['v2', 1], ['v3', 1]])).toEqual({ v1: 34, v2: 33, v3: 33 });
    expect(proportionalWeights([['v1', 0], ['v2', 3]])).toEqual({ v1: 0, v2: 100 });
    expect(proportionalWeights([['v1', 0]])).toEqual({});
  });

  it('treats a missing version as weight 0', () => {
    expect(weightsEqual({ v1: 100 }, allTo('v1', 'v2'))).toBe(true);
    expect(weightsEqual(undefined, { v1: 0 })).toBe(true);
    expect(weightsEqual({ v1: 90, v2: 10 }, allTo('v1', 'v2'))).toBe(false);
  });
});
