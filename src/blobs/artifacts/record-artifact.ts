import type { Db } from '../../store/db.js';
import { AppError, ErrorCode } from '../../errors/app-error.js';
import type { BlobInfo } from '../blob-store.js';
import { type Artifact, artifactColumns, checkArtifactName } from './artifact.js';

export interface RecordArtifactInput {
  runId: number;
  jobKey: string;
  name: string;
  /** The archive, already in the blob store. */
  blob: BlobInfo;
  fileCount: number;
  createdAt: Date;
  /** null: kept as long as its run. */
  expiresAt: Date | null;
}

/**
 * Records an archive already in the blob store as the job's artifact `name`, replacing an earlier
 * upload of the same name by the same job (a retry).
 */
export async function recordArtifact(db: Db, input: RecordArtifactInput): Promise<Artifact> {
  const name = checkArtifactName(input.name);
  const { rows } = await db
    .query<Artifact>(
      `INSERT INTO artifacts (run_id, job_key, name, digest, size, file_count, created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (run_id, job_key, name) DO UPDATE SET digest = EXCLUDED.digest, size = EXCLUDED.size,
         file_count = EXCLUDED.file_count, created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at
       RETURNING ${artifactColumns}`,
      [input.runId, input.jobKey, name, input.blob.digest, input.blob.size, input.fileCount, input.createdAt, input.expiresAt],
    )
    .catch((err: unknown) => {
      if ((err as { code?: string }).code === '23503') {
        throw new AppError(ErrorCode.notFound, `run ${input.runId} has no job ${JSON.stringify(input.jobKey)}`, { cause: err });
      }
      throw err;
    });
  return rows[0]!;
}
