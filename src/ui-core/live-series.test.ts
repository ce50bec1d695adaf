import { expect, it } from 'vitest';
import { liveSeries } from './live-series.js';

const bucket = (startMs: number, requests: number, errors: number, p99Ms: number | null) => ({ startMs, requests, errors, p50Ms: p99Ms, p99Ms });

it('plots the error rate and p99 of each bucket in time order, leaving out buckets without a value', () => {
  const buckets = [bucket(3000, 10, 5, 40), bucket(1000, 4, 1, 12.5), bucket(2000, 0, 0, null), bucket(4000, 2, 0, null)];
  expect(liveSeries(buckets, 'errorRate')).toEqual([
    { x: 1000, y: 0.25 },
    { x: 3000, y: 0.5 },
    { x: 4000, y: 0 },
  ]);
  expect(liveSeries(buckets, 'p99Ms')).toEqual([
    { x: 1000, y: 12.5 },
    { x: 3000, y: 40 },
  ]);
  expect(liveSeries(undefined, 'p99Ms')).toEqual([]);
});
