import { AppError, ErrorCode } from '../../errors/app-error.js';
import type { Db } from '../../store/db.js';
import { type Artifact, artifactColumns } from './artifact.js';

/**
 * One artifact of one run, expired or not (people may still download what the blob store still
 * holds); not_found when the run has no artifact with that id.
 */
export async function findRunArtifact(db: Db, runId: number, artifactId: number): Promise<Artifact> {
  const { rows } = await db.query<Artifact>(`SELECT ${artifactColumns} FROM artifacts WHERE id = $1 AND run_id = $2`, [artifactId, runId]);
  const artifact = rows[0];
  if (!artifact) {
    throw new AppError(ErrorCode.notFound, `run ${runId} has no artifact ${artifactId}: list them with GET /api/v1/runs/${runId}/artifacts`, {
      details: { runId, artifactId },
    });
  }
  return artifact;
}
