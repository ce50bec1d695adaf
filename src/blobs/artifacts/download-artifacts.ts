import { join } from 'node:path';
import { AppError, ErrorCode } from '../../errors/app-error.js';
import { type Clock, systemClock } from '../../clock/clock.js';
import type { Db } from '../../store/db.js';
import { unpackArchive } from '../archive/unpack-archive.js';
import type { BlobStore } from '../blob-store.js';
import { type Artifact, checkArtifactName } from './artifact.js';
import { listArtifacts } from './list-artifacts.js';

export interface DownloadArtifactsInput {
  store: BlobStore;
  db: Db;
  runId: number;
  /** The jobs whose artifacts to fetch: those the downloading job `needs`. */
  fromJobKeys: readonly string[];
  /** Each artifact is extracted into `<destDir>/<name>/`. */
  destDir: string;
  clock?: Clock;
}

export interface DownloadedArtifact {
  artifact: Artifact;
  /** Where it was extracted. */
  dir: string;
  files: number;
}

/**
 * Extracts the unexpired artifacts of `fromJobKeys` (in name order) into destDir. Two of those jobs
 * uploading the same name is refused rather than merged: one would silently overwrite the other.
 */
export async function downloadArtifacts(input: DownloadArtifactsInput): Promise<DownloadedArtifact[]> {
  const now = new Date((input.clock ?? systemClock).now());
  const rows = await listArtifacts(input.db, { runId: input.runId, jobKeys: input.fromJobKeys, now });
  const byName = new Map<string, Artifact>();
  for (const artifact of rows) {
    const other = byName.get(artifact.name);
    if (other) {
      throw new AppError(
        ErrorCode.failedPrecondition,
        `jobs ${JSON.stringify(other.jobKey)} and ${JSON.stringify(artifact.jobKey)} both uploaded an artifact named ${JSON.stringify(artifact.name)}: give them distinct names (e.g. include the matrix values)`,
      );
    }
    byName.set(artifact.name, artifact);
  }
  const downloaded: DownloadedArtifact[] = [];
  for (const artifact of byName.values()) {
    const dir = join(input.destDir, checkArtifactName(artifact.name));
    const stream = await input.store.get(artifact.digest);
    if (!stream) {
      throw new AppError(
        ErrorCode.notFound,
        `artifact ${JSON.stringify(artifact.name)} of job ${JSON.stringify(artifact.jobKey)} is recorded but its blob ${artifact.digest} is missing from the blob store`,
      );
    }
    const { files } = await unpackArchive(stream, dir);
    downloaded.push({ artifact, dir, files });
  }
  return downloaded;
}
