import type { Db } from '../../store/db.js';

/**
 * The highest sequence of a rollout's stored decisions (0 when none): a cursor for "decisions from now
 * on", since watchDecisions delivers those after it.
 */
export async function readLastDecisionSequence(db: Db, rolloutId: string): Promise<number> {
  const { rows } = await db.query<{ last: number | string | null }>('SELECT max(sequence) AS last FROM canary_decisions WHERE rollout_id = $1', [rolloutId]);
  return Number(rows[0]?.last ?? 0);
}
