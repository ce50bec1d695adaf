import type { Db } from '../../store/db.js';
import type { CanaryRollout } from './rollout.js';
import { readRolloutRow, type RolloutRow, rolloutColumns } from './rollout-row.js';

/** The rollout, or undefined when there is none with this id. */
export async function getRollout(db: Db, id: string): Promise<CanaryRollout | undefined> {
  const { rows } = await db.query<RolloutRow>(`SELECT ${rolloutColumns} FROM canary_rollouts WHERE id = $1`, [id]);
  return rows[0] ? readRolloutRow(rows[0]) : undefined;
}

/** The services of those ids that exist, in one round trip (telemetry ingestion checks many at once). */
export async function getRolloutServices(db: Db, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const { rows } = await db.query<{ id: string; service: string }>('SELECT id, service FROM canary_rollouts WHERE id = ANY($1::text[])', [ids]);
  return new Map(rows.map((row) => [row.id, row.service]));
}
