import { describe, expect, it } from 'vitest';
import type { Decision } from '../engine/decision.js';
import { fromEngineDecision } from './from-engine-decision.js';

const decision: Decision = {
  idempotencyKey: 'web-42/2/1000/v7',
  rolloutId: 'web-42',
  step: 2,
  policyName: 'default',
  policyVersion: 'v7',
  windowStartMs: 0,
  windowEndMs: 1000,
  decidedAtMs: 1500,
  action: 'ROLLBACK',
  verdict: 'FAIL',
  reasons: ['error rate 9 % > 5 %'],
  evidence: [],
  healthyForMs: 0,
};

describe('fromEngineDecision', () => {
  it('keeps what the store needs and folds the window and rules into the evidence', () => {
    expect(fromEngineDecision(decision)).toEqual({
      rolloutId: 'web-42',
      step: 2,
      action: 'ROLLBACK',
      verdict: 'FAIL',
      reasons: ['error rate 9 % > 5 %'],
      evidence: { policyName: 'default', windowStartMs: 0, windowEndMs: 1000, decidedAtMs: 1500, healthyForMs: 0, rules: [] },
      policyVersion: 'v7',
      idempotencyKey: 'web-42/2/1000/v7',
    });
  });

  it('records nothing for NONE', () => {
    expect(fromEngineDecision({ ...decision, action: 'NONE' })).toBeUndefined();
  });
});
