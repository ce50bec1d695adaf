import { DDSketch } from '@datadog/sketches-js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LatencyBins, mergeLatencyBins, sharedKeyMapping } from './latency-bins.js';
import { readSketchQuantile } from './window-snapshot.js';

const QUANTILES = [0, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1, -0.1, 1.1, Number.NaN];

/** Latencies as checkEvent lets them through: ≥ 0 and finite, including 0 and sub-microsecond values. */
const latency = fc.oneof(
  { weight: 20, arbitrary: fc.double({ min: 0.001, max: 100_000, noNaN: true }) },
  { weight: 2, arbitrary: fc.constantFrom(0, 1e-320, 5e-324, 1e-9, 20, 20.000001) },
  { weight: 1, arbitrary: fc.double({ min: 0, max: Number.MAX_VALUE / 2, noNaN: true }) },
);

/** Non-zero bin counts by key, whatever the dense store's offset and padding. */
function keyCounts(sketch: DDSketch): [number, number][] {
  const { bins, offset } = sketch.store;
  const counts: [number, number][] = [];
  bins.forEach((count, index) => {
    if (count !== 0) counts.push([index + offset, count]);
  });
  return counts;
}

describe('LatencyBins (properties)', () => {
  it('merges into a DDSketch exactly as DDSketch.merge of the same values does, and reads the same quantiles', () => {
    fc.assert(
      fc.property(fc.array(fc.array(latency, { maxLength: 120, size: 'max' }), { minLength: 1, maxLength: 8 }), fc.constantFrom(0.01, 0.02, 0.05), (buckets, relativeAccuracy) => {
        const mapping = sharedKeyMapping(relativeAccuracy);
        const viaSketches = new DDSketch({ relativeAccuracy });
        const viaBins = new DDSketch({ relativeAccuracy });
        const all: LatencyBins[] = [];
        for (const values of buckets) {
          const sketch = new DDSketch({ relativeAccuracy });
          const bins = new LatencyBins(mapping);
          for (const value of values) {
            sketch.accept(value);
            bins.accept(value);
          }
          for (const q of QUANTILES) expect(Object.is(bins.readQuantile(q), readSketchQuantile(sketch, q))).toBe(true);
          expect(bins.countKeys()).toBe(keyCounts(sketch).length);
          viaSketches.merge(sketch);
          all.push(bins);
        }
        mergeLatencyBins(all, viaBins);
        expect(keyCounts(viaBins)).toEqual(keyCounts(viaSketches));
        for (const field of ['count', 'zeroCount', 'sum', 'min', 'max'] as const) expect(Object.is(viaBins[field], viaSketches[field])).toBe(true);
        for (const q of QUANTILES) expect(Object.is(readSketchQuantile(viaBins, q), readSketchQuantile(viaSketches, q))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
