import { AppError, ErrorCode } from '../../errors/app-error.js';
import { type Clock, systemClock } from '../../clock/clock.js';
import type { Db } from '../../store/db.js';
import { matchFiles } from '../archive/match-files.js';
import { packFiles } from '../archive/pack-files.js';
import type { BlobStore } from '../blob-store.js';
import { type Artifact, checkArtifactName } from './artifact.js';
import { recordArtifact } from './record-artifact.js';

export interface UploadArtifactsInput {
  store: BlobStore;
  db: Db;
  runId: number;
  /** The uploading job's key within the run. */
  jobKey: string;
  name: string;
  workspaceDir: string;
  /** Globs relative to workspaceDir (matchFiles); a directory selects everything below it. */
  paths: readonly string[];
  /** Retention from now; undefined: kept as long as the run. */
  expireInMs?: number;
  clock?: Clock;
}

/**
 * Packs the files `paths` select into one archive blob and records it as the job's artifact `name`,
 * replacing an earlier upload of the same name by the same job (a retry). Selecting no file is an
 * error: an empty artifact almost always means a wrong path.
 */
export async function uploadArtifacts(input: UploadArtifactsInput): Promise<Artifact> {
  const name = checkArtifactName(input.name);
  const files = await matchFiles(input.workspaceDir, input.paths);
  if (files.length === 0) {
    throw new AppError(
      ErrorCode.failedPrecondition,
      `artifact ${JSON.stringify(name)}: no files in the workspace match ${input.paths.map((p) => JSON.stringify(p)).join(', ')} — check the paths (they are relative to the workspace)`,
    );
  }
  const blob = await input.store.put(packFiles(input.workspaceDir, files));
  const now = (input.clock ?? systemClock).now();
  return recordArtifact(input.db, {
    runId: input.runId,
    jobKey: input.jobKey,
    name,
    blob,
    fileCount: files.length,
    createdAt: new Date(now),
    expiresAt: input.expireInMs === undefined ? null : new Date(now + input.expireInMs),
  });
}
