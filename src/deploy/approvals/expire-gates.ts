import type { Clock } from '../../clock/clock.js';
import type { Db } from '../../store/index.js';

/** Marks every pending gate past its timeout expired; returns their ids. Safe to run from several servers. */
export async function expireGates(db: Db, clock: Clock): Promise<number[]> {
  const now = new Date(clock.now());
  const { rows } = await db.query<{ id: number }>(
    `UPDATE approval_requests
     SET status = 'expired', decided_at = $1,
         reasons = reasons || ('expired at ' || to_char(expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') || ': nobody decided in time')
     WHERE status = 'pending' AND expires_at <= $1 RETURNING id`,
    [now],
  );
  return rows.map((row) => Number(row.id));
}
