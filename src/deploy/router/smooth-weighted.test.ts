import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSmoothWeighted, pickByPoint } from './smooth-weighted.js';

describe('createSmoothWeighted', () => {
  it('picks each key exactly its weight times in every window of sum(weights) picks', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 1, maxLength: 5 }), (ws) => {
        const weights = new Map(ws.map((w, i) => [`k${i}`, w]));
        const total = ws.reduce((a, b) => a + b, 0);
        const picker = createSmoothWeighted(weights);
        if (total === 0) {
          expect(picker.next()).toBeUndefined();
          return;
        }
        const counts = new Map<string, number>();
        for (let i = 0; i < total; i++) {
          const key = picker.next()!;
          counts.set(key, (counts.get(key) ?? 0) + 1);
        }
        for (const [key, w] of weights) expect(counts.get(key) ?? 0).toBe(w);
      }),
    );
  });

  it('interleaves: a 10% key is not picked twice in a row at 90/10', () => {
    const picker = createSmoothWeighted(new Map([['stable', 90], ['canary', 10]]));
    const picks = Array.from({ length: 100 }, () => picker.next());
    expect(picks.filter((p) => p === 'canary')).toHaveLength(10);
    expect(picks.join(',')).not.toContain('canary,canary');
  });
});

describe('pickByPoint', () => {
  const weights = new Map([['a', 90], ['b', 0], ['c', 10]]);
  it('maps the unit interval onto cumulative weights, skipping weight 0', () => {
    expect(pickByPoint(weights, 0)).toBe('a');
    expect(pickByPoint(weights, 0.899)).toBe('a');
    expect(pickByPoint(weights, 0.9)).toBe('c');
    expect(pickByPoint(weights, 0.999999)).toBe('c');
  });

  it('gives undefined when nothing has weight', () => {
    expect(pickByPoint(new Map([['a', 0]]), 0.5)).toBeUndefined();
  });
});
