import type { Db } from '../../store/db.js';
import { type Artifact, artifactColumns } from './artifact.js';

export interface ListArtifactsInput {
  runId: number;
  /** Only these jobs' artifacts; undefined: every job of the run. */
  jobKeys?: readonly string[];
  /** Expired artifacts (expires_at ≤ now) are left out. */
  now: Date;
}

/** A run's unexpired artifacts, in name then job order. */
export async function listArtifacts(db: Db, input: ListArtifactsInput): Promise<Artifact[]> {
  const { rows } = await db.query<Artifact>(
    `SELECT ${artifactColumns} FROM artifacts
     WHERE run_id = $1 AND ($2::text[] IS NULL OR job_key = ANY($2::text[])) AND (expires_at IS NULL OR expires_at > $3)
     ORDER BY name, job_key`,
    [input.runId, input.jobKeys ? [...input.jobKeys] : null, input.now],
  );
  return rows;
}
