import type { Clock } from '../../clock/clock.js';
import { AppError, ErrorCode } from '../../errors/app-error.js';
import type { Db } from '../../store/index.js';
import type { RolloutEvent } from '../strategies/rollout-state.js';
import { isFinished, loadDeployment } from './deployment.js';

export type DeploymentSignal = { type: 'promote'; full: boolean; actor: string } | { type: 'abort'; actor: string; reason?: string };

/**
 * Records a promote or abort for the deployment's loop, which may run in another server replica: the
 * loop reads it on its next pass (at once when it runs in this process and is woken). An abort is also
 * flagged on the row, so a deployment still waiting for approval or the lock ends without a rollout.
 */
export async function signalDeployment(db: Db, clock: Clock, id: number, signal: DeploymentSignal): Promise<void> {
  const deployment = await loadDeployment(db, id);
  if (isFinished(deployment.status)) {
    throw new AppError(ErrorCode.failedPrecondition, `deployment ${id} already ended (${deployment.status}); nothing to ${signal.type}`);
  }
  if (signal.type === 'promote' && !['running', 'paused'].includes(deployment.status)) {
    throw new AppError(ErrorCode.failedPrecondition, `deployment ${id} is ${deployment.status}: only a running or paused rollout can be promoted`);
  }
  const now = new Date(clock.now());
  await db.transaction(async (tx) => {
    await tx.query(
      'INSERT INTO deployment_signals (deployment_id, type, full_promotion, reason, actor, created_at) VALUES ($1, $2, $3, $4, $5, $6)',
      [id, signal.type, signal.type === 'promote' && signal.full, signal.type === 'abort' ? (signal.reason ?? '') : '', signal.actor, now],
    );
    if (signal.type === 'abort') await tx.query('UPDATE deployments SET abort_requested_by = COALESCE(abort_requested_by, $2) WHERE id = $1', [id, signal.actor]);
  });
}

interface SignalRow {
  type: 'promote' | 'abort';
  fullPromotion: boolean;
  reason: string;
  actor: string;
  createdAt: Date;
}

/**
 * Moves the deployment's pending signals into its strategy events, in one transaction: each signal
 * becomes exactly one event even when two passes race. Returns the events added.
 */
export async function takeSignals(db: Db, clock: Clock, id: number): Promise<RolloutEvent[]> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<SignalRow>(
      `WITH taken AS (DELETE FROM deployment_signals WHERE deployment_id = $1 RETURNING *)
       SELECT type, full_promotion AS "fullPromotion", reason, actor, created_at AS "createdAt" FROM taken ORDER BY id`,
      [id],
    );
    if (rows.length === 0) return [];
    // The loop's clock, not the signal's write time: the planner compares event times with its own now.
    const timeMs = clock.now();
    const events = rows.map((row): RolloutEvent =>
      row.type === 'promote'
        ? { type: 'promoted', full: row.fullPromotion, timeMs }
        : { type: 'aborted', reason: `aborted by ${row.actor}${row.reason ? `: ${row.reason}` : ''}`, timeMs },
    );
    await tx.query('UPDATE deployments SET events = events || $2::jsonb, updated_at = $3 WHERE id = $1', [id, JSON.stringify(events), new Date(timeMs)]);
    return events;
  });
}
