import { describe, expect, it } from 'vitest';
import { parseProtectionRules } from './protection-rules.js';

describe('parseProtectionRules', () => {
  it('fills in defaults for empty rules', () => {
    expect(parseProtectionRules({})).toEqual({ branches: [], waitTimerSeconds: 0, freezeWindows: [] });
    expect(parseProtectionRules(undefined)).toEqual({ branches: [], waitTimerSeconds: 0, freezeWindows: [] });
  });

  it('accepts every rule, defaulting approver roles and the freeze time zone', () => {
    const rules = parseProtectionRules({
      requiredApprovals: { count: 2 },
      branches: ['main', 'release/*'],
      waitTimerSeconds: 600,
      freezeWindows: [
        { cron: '0 18 * * 5', durationSeconds: 60 * 3600, reason: 'weekend' },
        { start: '2026-12-24T00:00:00Z', end: '2026-12-27T00:00:00+01:00', timezone: 'Europe/Berlin', reason: 'holidays' },
      ],
      autoApprove: { maxRisk: 30 },
    });
    expect(rules.requiredApprovals).toEqual({ count: 2, roles: ['maintainer'] });
    expect(rules.freezeWindows[0]).toMatchObject({ timezone: 'UTC', reason: 'weekend' });
    expect(rules.autoApprove).toEqual({ maxRisk: 30 });
  });

  it.each([
    [{ requiredApprovals: { count: -1 } }, /requiredApprovals.count/],
    [{ requiredApprovals: { count: 1, roles: [] } }, /requiredApprovals.roles: must name at least one role/],
    [{ requiredApprovals: { count: 1, roles: ['Maintainer'] } }, /must be a role name like maintainer/],
    [{ waitTimerSeconds: 31 * 86_400 }, /waitTimerSeconds: must be at most 30 days/],
    [{ branches: [''] }, /branches.0: must not be empty/],
    [{ autoApprove: { maxRisk: 101 } }, /autoApprove.maxRisk/],
    [{ freezeWindows: [{ reason: 'x' }] }, /either \{cron, durationSeconds\} \(repeating\) or \{start, end\}/],
    [{ freezeWindows: [{ cron: '0 18 * * 5', reason: 'x' }] }, /needs both cron .* and durationSeconds/],
    [{ freezeWindows: [{ cron: 'every friday', durationSeconds: 60, reason: 'x' }] }, /freezeWindows.0.cron: must be a cron expression/],
    [{ freezeWindows: [{ start: '2026-12-24', end: '2026-12-25T00:00:00Z', reason: 'x' }] }, /start: must be an ISO 8601 time with a zone/],
    [{ freezeWindows: [{ start: '2026-12-25T00:00:00Z', end: '2026-12-24T00:00:00Z', reason: 'x' }] }, /end: must be after start/],
    [{ freezeWindows: [{ cron: '0 18 * * 5', durationSeconds: 60, timezone: 'Mars/Base', reason: 'x' }] }, /timezone: must be an IANA time zone/],
    [{ freezeWindows: [{ cron: '0 18 * * 5', durationSeconds: 60, reason: ' ' }] }, /reason: must say why/],
    [{ approvals: 2 }, /Unrecognized key/],
  ])('refuses %j with a clear message', (rules, message) => {
    expect(() => parseProtectionRules(rules)).toThrow(expect.objectContaining({ code: 'invalid_argument', message: expect.stringMatching(message) }));
  });
});
