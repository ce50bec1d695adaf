import { expect, it } from 'vitest';
import { AppError } from '../../errors/app-error.js';
import { describeEachStore, describePostgres } from '../../test-support/test-store.js';
import { Verdict } from '../judges/verdict.js';
import { createRollout } from './create-rollout.js';
import type { RecordedAction } from './decision.js';
import { getRollout } from './get-rollout.js';
import { listDecisions } from './list-decisions.js';
import { recordDecision } from './record-decision.js';
import { createTestRollout, testClock, testDecision } from './test-support/decision-fixtures.js';

describeEachStore('recordDecision', (h) => {
  it('stores a decision once and returns the stored row on a retry', async () => {
    const rollout = await createTestRollout(h.db);
    const first = await recordDecision(h.db, testClock, testDecision(rollout, `${rollout}:1`));
    expect(first.created).toBe(true);
    expect(first.decision).toMatchObject({
      rolloutId: rollout,
      service: `svc-${rollout}`,
      step: 1,
      action: 'PROMOTE',
      verdict: 'PASS',
      reasons: ['p99 within 1.2 × baseline'],
      evidence: { windowEndMs: 1_000, p99: { canary: 120.5, baseline: 118 } },
      policyVersion: 'p1',
      idempotencyKey: `${rollout}:1`,
      createdAtMs: testClock.now(),
    });
    // The retry says something else: the stored row is the truth, not the input.
    const retry = await recordDecision(h.db, testClock, testDecision(rollout, `${rollout}:1`, { action: 'ROLLBACK', verdict: Verdict.fail }));
    expect(retry).toEqual({ created: false, decision: first.decision });
  });

  it('writes exactly one row when many writers race with one idempotency key', async () => {
    const rollout = await createTestRollout(h.db);
    const results = await Promise.all(
      Array.from({ length: 16 }, (_, i) => recordDecision(h.db, testClock, testDecision(rollout, `${rollout}:race`, { step: i }))),
    );
    expect(results.filter((result) => result.created)).toHaveLength(1);
    expect(new Set(results.map((result) => result.decision.sequence)).size).toBe(1);
    const { rows } = await h.db.query<{ n: number }>('SELECT count(*)::int AS n FROM canary_decisions WHERE rollout_id = $1', [rollout]);
    expect(rows[0]!.n).toBe(1);
  });

  it('refuses a decision for an unknown rollout, or with action NONE, without writing', async () => {
    await expect(recordDecision(h.db, testClock, testDecision('no-such-rollout', 'k-unknown'))).rejects.toMatchObject({ code: 'not_found' });
    const rollout = await createTestRollout(h.db);
    const bad = testDecision(rollout, 'k-bad', { action: 'NONE' as RecordedAction });
    await expect(recordDecision(h.db, testClock, bad)).rejects.toBeInstanceOf(AppError);
    expect(await listDecisions(h.db, { rolloutId: rollout })).toEqual([]);
  });

  it('lists after a sequence, by service or rollout, up to a limit', async () => {
    const a = await createTestRollout(h.db, 'list-svc');
    const b = await createTestRollout(h.db, 'list-svc');
    const c = await createTestRollout(h.db, 'other-svc');
    const sequences: Record<string, number[]> = { [a]: [], [b]: [], [c]: [] };
    for (let i = 0; i < 3; i++) {
      for (const rollout of [a, b, c]) {
        const { decision } = await recordDecision(h.db, testClock, testDecision(rollout, `${rollout}:${i}`));
        sequences[rollout]!.push(decision.sequence);
      }
    }
    const ofService = await listDecisions(h.db, { service: 'list-svc' });
    expect(ofService.map((d) => d.sequence)).toEqual([...sequences[a]!, ...sequences[b]!].sort((x, y) => x - y));
    const ofRollout = await listDecisions(h.db, { rolloutId: b, afterSequence: sequences[b]![0]! });
    expect(ofRollout.map((d) => d.sequence)).toEqual(sequences[b]!.slice(1));
    expect(await listDecisions(h.db, { rolloutId: c, limit: 2 })).toHaveLength(2);
    await expect(listDecisions(h.db, { limit: 0 })).rejects.toMatchObject({ code: 'invalid_argument' });
  });
});

// PGlite has one connection: its writers are serial by construction, and it refuses the nested use.
describePostgres('recordDecision ordering', (h) => {
  it('commits in sequence order: a writer waits while an earlier one is still open', async () => {
    const rollout = await createTestRollout(h.db);
    let later: Promise<{ decision: { sequence: number } }> | undefined;
    let laterSettled = false;
    const earlier = await h.db.transaction(async (tx) => {
      // Joins tx: this decision is inserted but not committed until the callback returns.
      const result = await recordDecision(tx, testClock, testDecision(rollout, `${rollout}:first`));
      later = recordDecision(h.db, testClock, testDecision(rollout, `${rollout}:second`));
      void later.then(() => {
        laterSettled = true;
      });
      // Without the lock, the second would take a higher sequence and commit first: a reader at that
      // moment would see it, move its cursor past the first, and never see the first.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(laterSettled).toBe(false);
      return result;
    });
    const second = await later!;
    expect(second.decision.sequence).toBeGreaterThan(earlier.decision.sequence);
  });
});

describeEachStore('createRollout', (h) => {
  it('creates once, returns the stored rollout on a retry, refuses the id for another service', async () => {
    const input = { id: 'web-42', service: 'web', policyVersion: 'sha256:abc' };
    const first = await createRollout(h.db, testClock, input);
    expect(first).toMatchObject({ created: true, rollout: { id: 'web-42', service: 'web', currentStep: 1, state: 'progressing' } });
    expect(await createRollout(h.db, testClock, input)).toEqual({ created: false, rollout: first.rollout });
    await expect(createRollout(h.db, testClock, { ...input, service: 'api' })).rejects.toMatchObject({ code: 'already_exists' });
    expect(await getRollout(h.db, 'web-42')).toEqual(first.rollout);
    expect(await getRollout(h.db, 'web-43')).toBeUndefined();
    await expect(createRollout(h.db, testClock, { ...input, id: 'has space' })).rejects.toMatchObject({ code: 'invalid_argument' });
  });
});
