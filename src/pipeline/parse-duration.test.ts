import { expect, test } from 'vitest';
import { parseDurationMs } from './parse-duration.js';

test.each([
  ['500ms', 500],
  ['30s', 30_000],
  ['10m', 600_000],
  ['1h', 3_600_000],
  ['1h30m', 5_400_000],
  ['2d', 172_800_000],
  ['1m30s250ms', 90_250],
  ['90', 90_000],
  ['1.5', 1_500],
  [45, 45_000],
])('%s is %d ms', (text, ms) => {
  expect(parseDurationMs(text)).toBe(ms);
});

test.each(['10x', '1 h', '30m1h', 'h', '-5s', '1.5h', 'ms'])('%s is not a duration', (text) => {
  expect(parseDurationMs(text)).toBeUndefined();
});

test('a blank string and non-finite numbers are not durations', () => {
  expect(parseDurationMs('')).toBeUndefined();
  expect(parseDurationMs(Number.POSITIVE_INFINITY)).toBeUndefined();
  expect(parseDurationMs(-1)).toBeUndefined();
});
