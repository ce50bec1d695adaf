import { describe, expect, test } from 'vitest';
import { createManualClock } from '../clock/clock.js';
import { dueSchedules, nextScheduledRuns } from './next-scheduled-runs.js';

const at = (iso: string) => new Date(iso);
const nightly = { cron: '0 3 * * *' };
const quarterly = { cron: '*/15 * * * *' };

describe('nextScheduledRuns', () => {
  test('lists the ticks of every schedule in (from, to], merged by time, in UTC by default', () => {
    const clock = createManualClock(Date.parse('2024-03-01T02:30:00Z'));
    const runs = nextScheduledRuns([nightly, quarterly], clock, { to: at('2024-03-01T03:15:00Z') });
    expect(runs.map((r) => [r.schedule.cron, r.tickAt.toISOString()])).toEqual([
      ['*/15 * * * *', '2024-03-01T02:45:00.000Z'],
      ['0 3 * * *', '2024-03-01T03:00:00.000Z'],
      ['*/15 * * * *', '2024-03-01T03:00:00.000Z'],
      ['*/15 * * * *', '2024-03-01T03:15:00.000Z'],
    ]);
  });

  test('from is exclusive, a time zone shifts the ticks, and maxRuns caps the list', () => {
    const clock = createManualClock(0);
    const berlin = { cron: '0 3 * * *', timezone: 'Europe/Berlin' };
    const runs = nextScheduledRuns([nightly, berlin], clock, { from: at('2024-01-01T03:00:00Z'), to: at('2024-01-03T00:00:00Z') });
    expect(runs.map((r) => r.tickAt.toISOString())).toEqual(['2024-01-02T02:00:00.000Z', '2024-01-02T03:00:00.000Z']);
    const capped = nextScheduledRuns([{ cron: '* * * * *' }], clock, { from: at('2024-01-01T00:00:00Z'), to: at('2025-01-01T00:00:00Z'), maxRuns: 5 });
    expect(capped.map((r) => r.tickAt.toISOString())).toEqual([
      '2024-01-01T00:01:00.000Z',
      '2024-01-01T00:02:00.000Z',
      '2024-01-01T00:03:00.000Z',
      '2024-01-01T00:04:00.000Z',
      '2024-01-01T00:05:00.000Z',
    ]);
  });

  test('refuses a cron expression pipeline validation would not accept', () => {
    expect(() => nextScheduledRuns([{ cron: '* * * * * *' }], createManualClock(0), { to: at('2024-01-01T00:00:00Z') })).toThrow(
      expect.objectContaining({ code: 'invalid_argument' }),
    );
  });
});

describe('dueSchedules', () => {
  test('a tick is due once the clock reaches it, and only after `since`', () => {
    const clock = createManualClock(Date.parse('2024-03-01T02:59:59.999Z'));
    const since = at('2024-03-01T02:00:00Z');
    expect(dueSchedules([nightly], clock, { since })).toEqual([]);
    clock.set(Date.parse('2024-03-01T03:00:00Z'));
    expect(dueSchedules([nightly], clock, { since })).toEqual([{ schedule: nightly, tickAt: at('2024-03-01T03:00:00Z') }]);
    expect(dueSchedules([nightly], clock, { since: at('2024-03-01T03:00:00Z') })).toEqual([]);
  });

  test('after downtime only the latest missed tick of each schedule is due', () => {
    const clock = createManualClock(Date.parse('2024-03-04T03:20:00Z'));
    const due = dueSchedules([nightly, quarterly], clock, { since: at('2024-03-01T00:00:00Z') });
    expect(due.map((d) => [d.schedule.cron, d.tickAt.toISOString()])).toEqual([
      ['0 3 * * *', '2024-03-04T03:00:00.000Z'],
      ['*/15 * * * *', '2024-03-04T03:15:00.000Z'],
    ]);
  });
});
