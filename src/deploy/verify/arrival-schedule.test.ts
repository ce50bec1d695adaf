import fc from 'fast-check';
import { expect, it } from 'vitest';
import { countDue, countPlanned, scheduledAtMs } from './arrival-schedule.js';

it('makes the first request due at once and one more every 1000/rate ms', () => {
  expect(countDue(0, 100, 1000)).toBe(1);
  expect(countDue(9.99, 100, 1000)).toBe(1);
  expect(countDue(10, 100, 1000)).toBe(2);
  expect(countDue(995, 100, 1000)).toBe(100);
  expect(countDue(-1, 100, 1000)).toBe(0);
});

it('never makes more due than planned', () => {
  expect(countDue(60_000, 100, 50)).toBe(50);
});

it('plans the requests due strictly before the duration, at most `requests`', () => {
  expect(countPlanned(100, undefined, 1000)).toBe(100);
  expect(countPlanned(100, undefined, 1001)).toBe(101);
  expect(countPlanned(100, 30, 1000)).toBe(30);
  expect(countPlanned(0.5, undefined, 10_000)).toBe(5);
  expect(countPlanned(100, 7, undefined)).toBe(7);
});

it('counts request i as due exactly from its scheduled time on, for any rate', () => {
  fc.assert(
    fc.property(fc.double({ min: 0.1, max: 100_000, noNaN: true }), fc.nat(100_000), (rate, index) => {
      const at = scheduledAtMs(index, rate);
      expect(countDue(at, rate, Number.POSITIVE_INFINITY)).toBeGreaterThanOrEqual(index + 1);
      if (index > 0) expect(countDue(scheduledAtMs(index - 1, rate), rate, Number.POSITIVE_INFINITY)).toBeLessThanOrEqual(index);
    }),
  );
});
