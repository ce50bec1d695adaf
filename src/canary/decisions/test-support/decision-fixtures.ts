import { createManualClock } from '../../../clock/clock.js';
import type { Db } from '../../../store/db.js';
import { Verdict } from '../../judges/verdict.js';
import { createRollout } from '../create-rollout.js';
import type { DecisionInput } from '../decision.js';

export const testClock = createManualClock(Date.parse('2026-03-01T12:00:00Z'));

let rollouts = 0;

/** A new rollout with a unique id, in a service named after it unless given. */
export async function createTestRollout(db: Db, service?: string): Promise<string> {
  const id = `r-${process.pid}-${++rollouts}`;
  await createRollout(db, testClock, { id, service: service ?? `svc-${id}`, policyVersion: 'p1' });
  return id;
}

export function testDecision(rolloutId: string, idempotencyKey: string, overrides: Partial<DecisionInput> = {}): DecisionInput {
  return {
    rolloutId,
    step: 1,
    action: 'PROMOTE',
    verdict: Verdict.pass,
    reasons: ['p99 within 1.2 × baseline'],
    evidence: { windowEndMs: 1_000, p99: { canary: 120.5, baseline: 118 } },
    policyVersion: 'p1',
    idempotencyKey,
    ...overrides,
  };
}
