import { describe, expect, it } from 'vitest';
import { resolveVersionWeights, toPercentShares } from './resolve-weights.js';
import type { RouterBackend } from './router.js';

const backend = (id: string, version: string, track: RouterBackend['track']): RouterBackend => ({ id, version, track, host: '127.0.0.1', port: 1 });
const backends = [backend('a', 'v1', 'stable'), backend('b', 'v1', 'stable'), backend('c', 'v2', 'canary'), backend('d', 'v3', 'baseline')];

describe('resolveVersionWeights', () => {
  it('takes a version its track weight, once per version', () => {
    expect(resolveVersionWeights(backends, { stable: 90, canary: 10 })).toEqual(
      new Map([
        ['v1', 90],
        ['v2', 10],
        ['v3', 0],
      ]),
    );
  });

  it('lets a version key win over its track key', () => {
    expect(resolveVersionWeights(backends, { stable: 90, v1: 40, canary: 5, baseline: 5 }).get('v1')).toBe(40);
  });
});

describe('toPercentShares', () => {
  it('turns relative weights into percent, rounded to 0.1', () => {
    expect(toPercentShares(new Map([['a', 1], ['b', 2]]))).toEqual({ a: 33.3, b: 66.7 });
    expect(toPercentShares(new Map([['a', 180], ['b', 20]]))).toEqual({ a: 90, b: 10 });
  });

  it('is all zero when nothing has weight', () => {
    expect(toPercentShares(new Map([['a', 0]]))).toEqual({ a: 0 });
  });
});
