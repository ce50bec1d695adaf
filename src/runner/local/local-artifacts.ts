import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { matchFiles, packFiles, unpackArchive } from '../../blobs/index.js';
import type { PlannedJob } from '../../pipeline/model.js';
import { createFailure, type Failure } from '../failure.js';

/**
 * `slipway run`'s artifacts: what a server keeps in its blob store, a local run keeps as one archive per
 * job under its run directory, so `needs` hands files to later jobs exactly as on agents. Caches, which
 * outlive a run, are kept beside the runs instead (local-caches.ts).
 */
export interface LocalArtifacts {
  /** Unpacks the archives of the jobs `job` needs into its workspace. */
  restore(job: PlannedJob, workspaceDir: string, log: (line: string) => void): Promise<Failure | undefined>;
  /** Packs the job's `artifacts:` paths after it ended (the caller checks `artifacts:when`). */
  keep(job: PlannedJob, workspaceDir: string, log: (line: string) => void): Promise<Failure | undefined>;
}

export function createLocalArtifacts(runDir: string): LocalArtifacts {
  const dir = path.join(runDir, 'artifacts');
  const fileOf = (jobId: string) => path.join(dir, `${encodeURIComponent(jobId)}.tar`);
  return {
    async restore(job, workspaceDir, log) {
      for (const need of job.needs) {
        const file = fileOf(need);
        if (!(await stat(file).catch(() => undefined))) continue;
        try {
          const { files } = await unpackArchive(createReadStream(file), workspaceDir);
          log(`artifacts: downloaded ${need} (${files} file(s))`);
        } catch (error) {
          return createFailure('infra', `could not unpack the artifacts of ${need}: ${(error as Error).message}`);
        }
      }
      return undefined;
    },
    async keep(job, workspaceDir, log) {
      if (!job.artifacts) return undefined;
      try {
        const files = await matchFiles(workspaceDir, job.artifacts.paths);
        if (files.length === 0) {
          log(`artifacts: no files match ${job.artifacts.paths.join(', ')}; nothing kept (paths are relative to the workspace)`);
          return undefined;
        }
        await mkdir(dir, { recursive: true });
        await pipeline(Readable.from(packFiles(workspaceDir, files)), createWriteStream(fileOf(job.id)));
        log(`artifacts: kept ${files.length} file(s) as ${job.id}`);
        return undefined;
      } catch (error) {
        return createFailure('user', `artifacts: ${(error as Error).message}`);
      }
    },
  };
}
