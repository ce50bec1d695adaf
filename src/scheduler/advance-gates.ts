import type { Clock } from '../clock/clock.js';
import { readGate } from '../deploy/approvals/index.js';
import type { Db } from '../store/index.js';
import { lockRun } from './lock-run.js';
import { gateFailure } from './open-job-gates.js';
import { failAtGate } from './promote-dependants.js';
import { followUpFinishedJob } from './settle-attempt.js';

export interface AdvancedGates {
  /** Jobs whose gate passed: queued. */
  queued: number[];
  /** Jobs whose gate refused them (rejected, expired, branch, freeze): failed, dependants followed up. */
  failed: number[];
}

interface HeldJob {
  id: number;
  runId: number;
  jobKey: string;
  gateId: number;
}

/** Gates re-read per call; the rest wait for the next call (the dispatcher's tick). */
export const defaultAdvanceGatesLimit = 200;

/**
 * Moves jobs held at their gates on: readGate re-evaluates each pending gate (approvals, wait timer,
 * freeze, timeout) and stores the outcome, then a passed gate queues its job and a refused one fails it
 * with a `user` failure naming the reasons, skipping its dependants as any failure does. Safe on
 * several servers at once: a job moves only while still pending at that gate, under its run's lock
 * (run first, then its pending job: the order promotion uses).
 */
export async function advanceGates(db: Db, clock: Clock, limit = defaultAdvanceGatesLimit): Promise<AdvancedGates> {
  // Only gates whose answer can have changed: decided (a person's decision is stored at once), past
  // their timeout, or time-dependent (wait timer, freeze windows). One waiting for approvals alone is
  // not re-read every tick, so many of those cannot crowd out a wait timer that has run out; decided
  // and expired gates come first for the same reason.
  const { rows } = await db.query<HeldJob>(
    `SELECT j.id, j.run_id AS "runId", j.job_key AS "jobKey", j.gate_id AS "gateId"
     FROM jobs j JOIN approval_requests g ON g.id = j.gate_id LEFT JOIN environments e ON e.id = g.environment_id
     WHERE j.status = 'pending' AND j.gate_id IS NOT NULL AND (
       g.status <> 'pending' OR g.expires_at <= $1
       OR coalesce((g.rules ->> 'waitTimerSeconds')::integer, 0) > 0
       OR jsonb_array_length(coalesce(g.rules -> 'freezeWindows', '[]')) > 0
       OR jsonb_array_length(coalesce(e.rules -> 'freezeWindows', '[]')) > 0)
     ORDER BY (g.status <> 'pending' OR g.expires_at <= $1) DESC, j.gate_id
     LIMIT $2`,
    [new Date(clock.now()), limit],
  );
  const advanced: AdvancedGates = { queued: [], failed: [] };
  for (const held of rows) {
    const gate = await readGate(db, Number(held.gateId), clock);
    if (gate.status === 'pending') continue;
    const now = new Date(clock.now());
    const passed = gate.status === 'approved' || gate.status === 'auto-approved';
    const moved = await db.transaction(async (tx) => {
      const run = await lockRun(tx, held.runId);
      if (!run) return false;
      if (passed) {
        const queued = await tx.query(
          "UPDATE jobs SET status = 'queued', ready_at = $3 WHERE id = $1 AND gate_id = $2 AND status = 'pending'",
          [held.id, held.gateId, now],
        );
        return queued.rowCount > 0;
      }
      if (!(await failAtGate(tx, held.id, gateFailure(gate.request), now))) return false;
      await followUpFinishedJob(tx, run, held, 'failed', now);
      return true;
    });
    if (moved) (passed ? advanced.queued : advanced.failed).push(held.id);
  }
  return advanced;
}
