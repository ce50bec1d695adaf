import { describe, expect, it } from 'vitest';
import { parseProtectionRules } from '../../deploy/environments/index.js';
import { buildProtectionRules, parseDurationSeconds, parseFreezeWindow } from './parse-environment-flags.js';

describe('env set flags', () => {
  it('parses durations', () => {
    expect([parseDurationSeconds('45'), parseDurationSeconds('90s'), parseDurationSeconds('10m'), parseDurationSeconds('1h30m'), parseDurationSeconds('2d')]).toEqual([
      45, 90, 600, 5400, 172_800,
    ]);
    for (const bad of ['', '10 min', '30m1h', 'h', '-5']) expect(() => parseDurationSeconds(bad)).toThrow(/expected a duration like 90s/);
  });

  it('parses freeze windows', () => {
    expect(parseFreezeWindow('cron=0 18 * * 5;duration=60h;reason=weekend;tz=Europe/Berlin')).toEqual({
      cron: '0 18 * * 5',
      durationSeconds: 216_000,
      reason: 'weekend',
      timezone: 'Europe/Berlin',
    });
    expect(parseFreezeWindow('start=2026-12-24T00:00:00Z; end=2026-12-27T00:00:00Z; reason=holidays')).toEqual({
      start: '2026-12-24T00:00:00Z',
      end: '2026-12-27T00:00:00Z',
      reason: 'holidays',
    });
    expect(() => parseFreezeWindow('cron=0 18 * * 5;for=60h')).toThrow(/expected key=value pairs .* got 'for=60h'/);
  });

  it('builds rules the server accepts from the flags of the example', () => {
    const rules = buildProtectionRules({
      approvals: 2,
      approverRole: [['maintainer'], ['admin', 'sre']],
      branches: 'main, release/*',
      wait: 600,
      freeze: [parseFreezeWindow('cron=0 18 * * 5;duration=60h;reason=weekend')],
      autoApproveMaxRisk: 30,
    });
    expect(parseProtectionRules(rules)).toEqual({
      requiredApprovals: { count: 2, roles: ['maintainer', 'admin', 'sre'] },
      branches: ['main', 'release/*'],
      waitTimerSeconds: 600,
      freezeWindows: [{ cron: '0 18 * * 5', durationSeconds: 216_000, reason: 'weekend', timezone: 'UTC' }],
      autoApprove: { maxRisk: 30 },
    });
    expect(buildProtectionRules({})).toEqual({});
    expect(() => buildProtectionRules({ approverRole: [['sre']] })).toThrow(/--approver-role needs --approvals N/);
  });
});
