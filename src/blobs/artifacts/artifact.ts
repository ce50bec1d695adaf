import { AppError, ErrorCode } from '../../errors/app-error.js';

/** A row of `artifacts`: one archive a job uploaded. */
export interface Artifact {
  id: number;
  runId: number;
  jobKey: string;
  name: string;
  digest: string;
  /** Bytes of the archive. */
  size: number;
  fileCount: number;
  createdAt: Date;
  /** null: kept as long as its run. */
  expiresAt: Date | null;
}

export const artifactColumns = `id, run_id AS "runId", job_key AS "jobKey", name, digest, size, file_count AS "fileCount",
  created_at AS "createdAt", expires_at AS "expiresAt"`;

/**
 * An artifact name becomes a directory name when downloaded: one path segment, printable, without the
 * characters that Windows or shells trip over.
 */
export function checkArtifactName(name: string): string {
  const problem = findNameProblem(name);
  if (problem) {
    throw new AppError(ErrorCode.invalidArgument, `artifact name ${JSON.stringify(name)} is not allowed: ${problem}`);
  }
  return name;
}

function findNameProblem(name: string): string | undefined {
  if (name.trim() === '') return 'it is empty';
  if (name !== name.trim()) return 'it starts or ends with a space';
  if (name === '.' || name === '..') return 'it is a relative directory name';
  if (Buffer.byteLength(name) > 255) return 'it is longer than 255 bytes';
  if (/[\u0000-\u001f\u007f/\\:*?"<>|]/.test(name)) return 'it contains one of / \\ : * ? " < > | or a control character';
  return undefined;
}
