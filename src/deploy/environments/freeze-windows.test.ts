import { describe, expect, it } from 'vitest';
import { findActiveFreeze } from './freeze-windows.js';
import { parseProtectionRules } from './protection-rules.js';

const at = (iso: string) => Date.parse(iso);
const windowsOf = (freezeWindows: unknown[]) => parseProtectionRules({ freezeWindows }).freezeWindows;

describe('findActiveFreeze', () => {
  // Friday 18:00 for 60 h: until Monday 06:00.
  const weekend = windowsOf([{ cron: '0 18 * * 5', durationSeconds: 60 * 3600, reason: 'weekend' }]);

  it('is frozen from a repeating window\'s start (inclusive) to its end (exclusive)', () => {
    expect(findActiveFreeze(weekend, at('2026-11-20T17:59:59Z'))).toBeUndefined();
    expect(findActiveFreeze(weekend, at('2026-11-20T18:00:00Z'))).toEqual({ reason: 'weekend', untilMs: at('2026-11-23T06:00:00Z') });
    expect(findActiveFreeze(weekend, at('2026-11-22T12:00:00Z'))?.untilMs).toBe(at('2026-11-23T06:00:00Z'));
    expect(findActiveFreeze(weekend, at('2026-11-23T06:00:00Z'))).toBeUndefined();
  });

  it('reads a cron in its time zone', () => {
    const berlin = windowsOf([{ cron: '0 18 * * 5', durationSeconds: 3600, timezone: 'Europe/Berlin', reason: 'x' }]);
    // 18:00 in Berlin in November is 17:00 UTC.
    expect(findActiveFreeze(berlin, at('2026-11-20T17:30:00Z'))).toBeDefined();
    expect(findActiveFreeze(berlin, at('2026-11-20T18:30:00Z'))).toBeUndefined();
  });

  it('covers one-off windows and picks the overlapping window that ends last', () => {
    const windows = windowsOf([
      { start: '2026-12-24T00:00:00Z', end: '2026-12-27T00:00:00Z', reason: 'holidays' },
      { start: '2026-12-26T00:00:00Z', end: '2027-01-02T00:00:00Z', reason: 'year end' },
    ]);
    expect(findActiveFreeze(windows, at('2026-12-23T23:59:59Z'))).toBeUndefined();
    expect(findActiveFreeze(windows, at('2026-12-24T00:00:00Z'))?.reason).toBe('holidays');
    expect(findActiveFreeze(windows, at('2026-12-26T12:00:00Z'))).toEqual({ reason: 'year end', untilMs: at('2027-01-02T00:00:00Z') });
    expect(findActiveFreeze(windows, at('2027-01-02T00:00:00Z'))).toBeUndefined();
  });
});
