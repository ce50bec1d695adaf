import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseProtectionRules, type ProtectionRulesInput } from '../environments/protection-rules.js';
import { type GateDecision, type GateInput, evaluateGate } from './evaluate-gate.js';
import type { RiskScore } from './score-risk.js';

const openedAtMs = Date.parse('2026-11-18T10:00:00Z'); // a Wednesday
const change = { author: 'alice', branch: 'main' };
const approve = (actor: string, role = 'maintainer'): GateDecision => ({ actor, role, decision: 'approve' });
const risk = (score: number): RiskScore => ({ score, factors: [] });

function gate(rules: ProtectionRulesInput, overrides: Partial<GateInput> = {}) {
  const parsed = parseProtectionRules(rules);
  return evaluateGate({
    rules: parsed,
    requiredApprovals: parsed.requiredApprovals?.count ?? 0,
    change,
    decisions: [],
    openedAtMs,
    nowMs: openedAtMs,
    ...overrides,
  });
}

describe('evaluateGate', () => {
  it('proceeds when no rule applies', () => {
    expect(gate({})).toEqual({ decision: 'proceed', reasons: ['no protection rule applies'], approvers: [], autoApproved: false });
  });

  it('refuses a branch the rules do not allow, matching globs and ignoring refs/heads/', () => {
    const rules = { branches: ['main', 'release/*'] };
    expect(gate(rules, { change: { ...change, branch: 'refs/heads/release/1.2' } }).decision).toBe('proceed');
    const refused = gate(rules, { change: { ...change, branch: 'feature/x' } });
    expect(refused.decision).toBe('refuse');
    expect(refused.reasons).toEqual(['branch feature/x may not deploy here: allowed branches are main, release/*']);
  });

  it('refuses during a freeze, saying until when', () => {
    const rules = { freezeWindows: [{ start: '2026-11-18T00:00:00Z', end: '2026-11-19T00:00:00Z', reason: 'release week' }] };
    const frozen = gate(rules);
    expect(frozen).toMatchObject({ decision: 'refuse', retryAtMs: Date.parse('2026-11-19T00:00:00Z') });
    expect(frozen.reasons).toEqual(['frozen until 2026-11-19T00:00:00.000Z: release week']);
    expect(gate(rules, { nowMs: Date.parse('2026-11-19T00:00:00Z') }).decision).toBe('proceed');
  });

  it('waits for approvals, counting distinct approvers of an allowed role who are not the author', () => {
    const rules = { requiredApprovals: { count: 2, roles: ['maintainer', 'admin'] } };
    const short = gate(rules, { decisions: [approve('alice'), approve('bob'), approve('bob'), approve('carol', 'developer')] });
    expect(short).toMatchObject({ decision: 'wait', approvers: ['bob'] });
    expect(short.reasons).toEqual(['needs 2 approvals from maintainer or admin, has 1 (bob)']);
    const enough = gate(rules, { decisions: [approve('bob'), approve('dave', 'admin')] });
    expect(enough).toMatchObject({ decision: 'proceed', reasons: ['approved by bob, dave'], approvers: ['bob', 'dave'] });
  });

  it('asks for more approvals than the environment when the gate says so', () => {
    expect(gate({ requiredApprovals: { count: 1 } }, { requiredApprovals: 2, decisions: [approve('bob')] }).decision).toBe('wait');
  });

  it('refuses once an allowed approver rejects, but ignores rejections that do not count', () => {
    const rules = { requiredApprovals: { count: 1 } };
    const reject = (actor: string, role = 'maintainer'): GateDecision => ({ actor, role, decision: 'reject' });
    expect(gate(rules, { decisions: [approve('bob'), reject('carol')] })).toMatchObject({
      decision: 'refuse',
      reasons: ['rejected by carol (maintainer)', 'approved by bob'],
    });
    expect(gate(rules, { decisions: [approve('bob'), reject('alice'), reject('eve', 'developer')] }).decision).toBe('proceed');
  });

  it('waits for the wait timer even when approved', () => {
    const rules = { requiredApprovals: { count: 1 }, waitTimerSeconds: 600 };
    const waiting = gate(rules, { decisions: [approve('bob')], nowMs: openedAtMs + 599_000 });
    expect(waiting).toMatchObject({ decision: 'wait', retryAtMs: openedAtMs + 600_000 });
    expect(waiting.reasons[0]).toBe('wait timer: 600 s, until 2026-11-18T10:10:00.000Z');
    expect(gate(rules, { decisions: [approve('bob')], nowMs: openedAtMs + 600_000 }).decision).toBe('proceed');
  });

  it('auto-approves low risk and makes high risk wait for a human, even with no approvals required', () => {
    const rules = { requiredApprovals: { count: 2 }, autoApprove: { maxRisk: 30 } };
    expect(gate(rules, { risk: risk(30) })).toMatchObject({ decision: 'proceed', autoApproved: true, reasons: ['auto-approved: risk 30 ≤ 30'] });
    expect(gate(rules, { risk: risk(31) })).toMatchObject({
      decision: 'wait',
      autoApproved: false,
      reasons: ['needs 2 approvals from maintainer, has 0', 'risk 31 > 30: a human must approve'],
    });
    expect(gate({ autoApprove: { maxRisk: 10 } }, { risk: risk(50) }).reasons[0]).toBe('needs 1 approval from maintainer, has 0');
    expect(gate({ autoApprove: { maxRisk: 10 } }).decision).toBe('wait');
  });

  it('never turns proceed into wait by adding an approval', () => {
    const actors = fc.constantFrom('alice', 'bob', 'carol', 'dave', 'eve');
    const roles = fc.constantFrom('maintainer', 'admin', 'developer');
    const decision = fc.record({ actor: actors, role: roles, decision: fc.constant('approve' as const) });
    const rules = fc.record({
      requiredApprovals: fc.option(fc.record({ count: fc.nat({ max: 4 }), roles: fc.constantFrom<string[]>(['maintainer'], ['maintainer', 'admin']) }), {
        nil: undefined,
      }),
      waitTimerSeconds: fc.constantFrom(0, 60),
      autoApprove: fc.option(fc.record({ maxRisk: fc.nat({ max: 100 }) }), { nil: undefined }),
    });
    fc.assert(
      fc.property(rules, fc.array(decision, { maxLength: 6 }), decision, fc.option(fc.nat({ max: 100 }), { nil: undefined }), fc.nat({ max: 120_000 }), (r, before, added, score, elapsedMs) => {
        const overrides = { ...(score === undefined ? {} : { risk: risk(score) }), nowMs: openedAtMs + elapsedMs };
        const first = gate(r, { ...overrides, decisions: before });
        const second = gate(r, { ...overrides, decisions: [...before, added] });
        if (first.decision === 'proceed') expect(second.decision).toBe('proceed');
        expect(second.approvers.length).toBeGreaterThanOrEqual(first.approvers.length);
      }),
    );
  });
});
