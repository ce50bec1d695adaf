import { stat } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import type { BlobStore } from '../../blobs/index.js';
import { matchFiles, packFiles } from '../../blobs/index.js';
import type { Clock } from '../../clock/clock.js';
import { AppError, ErrorCode } from '../../errors/app-error.js';
import type { Db } from '../../store/index.js';
import type { ServiceSpec } from '../targets/service-spec.js';
import { checkReleaseVersion, hashConfig, type Release, type ReleaseSource, releaseColumns, toRelease } from './release.js';

export interface CreateReleaseInput {
  projectId: number;
  service: ServiceSpec;
  version: string;
  source: ReleaseFiles;
  actor: string;
}

/**
 * A release's files: a directory on this host (packed into the blob store), an artifact of a run, or an
 * archive a pipeline job's deploy step uploaded (both already in the blob store).
 */
export type ReleaseFiles = { dir: string } | { runId: number; artifact: string } | { digest: string; runId: number; jobKey: string };

/**
 * Records an immutable release. Creating the same version again with the same files and config returns
 * the existing release (a retried deploy is harmless); different files or config are refused with
 * already_exists, because a version must always mean the same thing.
 */
export async function createRelease(db: Db, blobs: BlobStore, clock: Clock, input: CreateReleaseInput): Promise<Release> {
  checkReleaseVersion(input.version);
  if (Object.keys(input.service.secrets).length > 0) {
    // Releases are stored as plain jsonb: resolved secret values must never land there.
    throw new AppError(ErrorCode.invalidArgument, `service ${input.service.name}: secrets are not supported in deployed service specs yet; pass non-secret settings in env`);
  }
  const { digest, source } = await storeFiles(db, blobs, input.source);
  const configHash = hashConfig(input.service);
  await db.query(
    `INSERT INTO releases (project_id, service, version, digest, source, config, config_hash, created_by, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (project_id, service, version) DO NOTHING`,
    [input.projectId, input.service.name, input.version, digest, JSON.stringify(source), JSON.stringify(input.service), configHash, input.actor, new Date(clock.now())],
  );
  const { rows } = await db.query<Release>(`SELECT ${releaseColumns} FROM releases WHERE project_id = $1 AND service = $2 AND version = $3`, [
    input.projectId,
    input.service.name,
    input.version,
  ]);
  const release = toRelease(rows[0]!);
  if (release.digest !== digest || release.configHash !== configHash) {
    const what = release.digest !== digest ? `files (digest ${release.digest.slice(0, 12)}… ≠ ${digest.slice(0, 12)}…)` : 'service config';
    throw new AppError(
      ErrorCode.alreadyExists,
      `release ${input.version} of ${input.service.name} already exists with different ${what}: releases are immutable, give the new one a new version`,
      { details: { releaseId: release.id, version: input.version } },
    );
  }
  return release;
}

async function storeFiles(db: Db, blobs: BlobStore, source: CreateReleaseInput['source']): Promise<{ digest: string; source: ReleaseSource }> {
  if ('dir' in source) {
    if (!isAbsolute(source.dir)) throw new AppError(ErrorCode.invalidArgument, `release directory ${JSON.stringify(source.dir)} must be an absolute path on the server's host`);
    const info = await stat(source.dir).catch(() => undefined);
    if (!info?.isDirectory()) throw new AppError(ErrorCode.invalidArgument, `release directory ${source.dir} does not exist on the server's host (or is not a directory)`);
    const files = await matchFiles(source.dir, ['**']);
    const { digest } = await blobs.put(packFiles(source.dir, files));
    return { digest, source: { kind: 'dir', path: source.dir } };
  }
  if ('digest' in source) {
    if (!(await blobs.stat(source.digest))) {
      throw new AppError(ErrorCode.notFound, `no uploaded release archive ${source.digest.slice(0, 12)}… in the blob store: upload the release files again`);
    }
    return { digest: source.digest, source: { kind: 'job', runId: source.runId, jobKey: source.jobKey } };
  }
  const { rows } = await db.query<{ digest: string }>('SELECT digest FROM artifacts WHERE run_id = $1 AND name = $2 ORDER BY id', [source.runId, source.artifact]);
  if (rows.length === 0) throw new AppError(ErrorCode.notFound, `run ${source.runId} has no artifact ${source.artifact}: list its artifacts on the run's page`);
  if (new Set(rows.map((row) => row.digest)).size > 1) {
    throw new AppError(ErrorCode.failedPrecondition, `run ${source.runId} has several different artifacts named ${source.artifact} (one per job): name them apart`);
  }
  return { digest: rows[0]!.digest, source: { kind: 'artifact', runId: source.runId, name: source.artifact } };
}
