import { describe, expect, it } from 'vitest';
import { elapsedMs, formatDuration } from './format-duration.js';

describe('formatDuration', () => {
  it('shortens by magnitude', () => {
    expect([formatDuration(42), formatDuration(3456), formatDuration(42_000), formatDuration(125_000), formatDuration(3_720_000)]).toEqual([
      '42 ms',
      '3.4 s',
      '42 s',
      '2m 05s',
      '1h 02m',
    ]);
    expect(formatDuration(-1)).toBe('—');
  });

  it('measures until now while running', () => {
    expect(elapsedMs('2026-01-01T00:00:00.000Z', '2026-01-01T00:00:02.500Z', 0)).toBe(2500);
    expect(elapsedMs('2026-01-01T00:00:00.000Z', null, Date.parse('2026-01-01T00:01:00.000Z'))).toBe(60_000);
    expect(elapsedMs(null, null, 0)).toBeUndefined();
  });
});
