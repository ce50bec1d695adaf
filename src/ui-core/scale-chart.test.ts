import { describe, expect, it } from 'vitest';
import { linearScale, niceTicks, toPolylinePoints } from './scale-chart.js';

describe('chart scales', () => {
  it('maps a domain onto a (possibly inverted) range', () => {
    const y = linearScale([0, 10], [100, 0]);
    expect([y(0), y(5), y(10)]).toEqual([100, 50, 0]);
    expect(linearScale([3, 3], [0, 10])(3)).toBe(5);
  });

  it('picks round ticks that cover the data', () => {
    expect(niceTicks(0, 0.047)).toEqual([0, 0.01, 0.02, 0.03, 0.04, 0.05]);
    expect(niceTicks(12, 87, 4)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(niceTicks(0, 0)).toEqual([0, 1]);
    expect(niceTicks(5, 5)).toEqual([4.4, 4.6, 4.8, 5, 5.2, 5.4, 5.6]);
    expect(niceTicks(Number.NaN, 3)).toEqual([0, 1]);
  });

  it('builds polyline points', () => {
    const x = linearScale([0, 2], [0, 200]);
    const y = linearScale([0, 1], [50, 0]);
    expect(toPolylinePoints([{ x: 0, y: 0 }, { x: 1, y: 0.5 }, { x: 2, y: 1 / 3 }], x, y)).toBe('0,50 100,25 200,33.3');
  });
});
