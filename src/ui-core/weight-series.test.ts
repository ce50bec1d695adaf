import { describe, expect, it } from 'vitest';
import { weightSeries } from './weight-series.js';

describe('weightSeries', () => {
  it('draws each key’s weight as steps, held until now', () => {
    const events = [
      { type: 'weightsSet', weights: { stable: 80, canary: 20 }, timeMs: 1000 },
      { type: 'promoted', timeMs: 1500 },
      { type: 'weightsSet', weights: { stable: 40, canary: 60 }, timeMs: 2000 },
    ];
    const series = weightSeries(events, 3000);
    expect(series.get('canary')).toEqual([
      { x: 1000, y: 20 },
      { x: 2000, y: 20 },
      { x: 2000, y: 60 },
      { x: 3000, y: 60 },
    ]);
    expect(series.get('stable')!.at(-1)).toEqual({ x: 3000, y: 40 });
  });

  it('counts a key missing from a later change as 0', () => {
    const series = weightSeries([
      { type: 'weightsSet', weights: { v1: 100 }, timeMs: 1 },
      { type: 'weightsSet', weights: { v2: 100 }, timeMs: 2 },
    ]);
    expect(series.get('v1')!.at(-1)).toEqual({ x: 2, y: 0 });
    expect(series.get('v2')).toEqual([{ x: 1, y: 0 }, { x: 2, y: 0 }, { x: 2, y: 100 }]);
  });
});
