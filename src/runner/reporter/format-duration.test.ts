import { describe, expect, it } from 'vitest';
import { formatDurationMs } from './format-duration.js';

describe('formatDurationMs', () => {
  it('picks a unit by magnitude', () => {
    expect([formatDurationMs(12), formatDurationMs(1500), formatDurationMs(59_949), formatDurationMs(125_000)]).toEqual([
      '12 ms',
      '1.5 s',
      '59.9 s',
      '2m 05s',
    ]);
  });
});
