import { describe, expect, it } from 'vitest';
import { describeExpiry, formatBytes } from './format-bytes.js';

describe('formatBytes', () => {
  it('uses binary units with one decimal below 10', () => {
    expect([0, 512, 1023, 1024, 1536, 10 * 1024, 1024 * 1024 + 1, 3.25 * 1024 ** 3, 2 * 1024 ** 5].map(formatBytes)).toEqual([
      '0 B',
      '512 B',
      '1023 B',
      '1.0 KiB',
      '1.5 KiB',
      '10 KiB',
      '1.0 MiB',
      '3.3 GiB',
      '2048 TiB',
    ]);
    expect(formatBytes(-1)).toBe('—');
  });
});

describe('describeExpiry', () => {
  const now = Date.parse('2026-11-22T00:00:00.000Z');
  const at = (ms: number) => new Date(now + ms).toISOString();
  it('says how long is left, or that the artifact is kept or gone', () => {
    expect(describeExpiry(null, now)).toBe('kept with the run');
    expect(describeExpiry(at(-1), now)).toBe('expired');
    expect(describeExpiry(at(0), now)).toBe('expired');
    expect(describeExpiry(at(59_000), now)).toBe('expires in under a minute');
    expect(describeExpiry(at(59 * 60_000 + 59_000), now)).toBe('expires in 59 min');
    expect(describeExpiry(at(3_600_000), now)).toBe('expires in 1 h');
    expect(describeExpiry(at(47 * 3_600_000), now)).toBe('expires in 47 h');
    expect(describeExpiry(at(7 * 86_400_000), now)).toBe('expires in 7 days');
    expect(describeExpiry('not a date', now)).toBe('—');
  });
});
