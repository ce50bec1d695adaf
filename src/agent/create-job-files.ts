import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { JobAssignment } from '../api/agents/job-assignment.js';
import { createHashFiles, matchFiles, packFiles, renderCacheKey, unpackArchive } from '../blobs/index.js';
import { isAppError } from '../errors/app-error.js';
import type { CacheSpec } from '../pipeline/index.js';
import { keepsArtifacts } from '../pipeline/keeps-artifacts.js';
import { createFailure, type Failure } from '../runner/failure.js';
import type { AgentClient } from './create-agent-client.js';

export interface JobFilesOptions {
  client: AgentClient;
  assignment: JobAssignment;
  workspaceDir: string;
  /** One line of the job's log (masked by the caller). */
  log(line: string): void;
}

export interface JobFiles {
  /** Before the job's work: artifacts of needed jobs into the workspace, then cache restores. */
  prepare(): Promise<Failure | undefined>;
  /**
   * After the job's work: its `artifacts:` uploaded when `artifacts:when` says so for how it ended,
   * and, after a success only, its caches saved unless restored exactly. A failure returned here fails
   * a job that had succeeded; a failed job stays failed for its own reason.
   */
  keep(succeeded: boolean): Promise<Failure | undefined>;
}

interface RenderedCache {
  spec: CacheSpec;
  key: string;
  restoreKeys: string[];
  /** The key was restored exactly: nothing new to save (GitHub skips the save too). */
  exactHit: boolean;
}

/**
 * The files a job shares through the server. Artifacts land in the workspace at the paths they were
 * uploaded from (GitLab's behaviour: `dist/` built by `build` is `dist/` in `test`). Missing a cache is
 * never a failure — it is an optimisation — but a broken key template is the user's error.
 */
export function createJobFiles(options: JobFilesOptions): JobFiles {
  const { client, assignment, workspaceDir, log } = options;
  const { job, jobId, fencingToken } = assignment;
  let caches: RenderedCache[] | undefined;

  const renderCaches = async (): Promise<RenderedCache[]> => {
    const context = { hashFiles: createHashFiles(workspaceDir), env: job.steps[0]?.env ?? {}, matrix: job.matrix };
    const rendered: RenderedCache[] = [];
    for (const spec of job.cache) {
      const key = await renderCacheKey(spec.key, context);
      const restoreKeys: string[] = [];
      for (const template of spec.restoreKeys) restoreKeys.push(await renderCacheKey(template, context));
      rendered.push({ spec, key, restoreKeys, exactHit: false });
    }
    return rendered;
  };

  const download = async (digest: string, what: string): Promise<number> => {
    const response = await client.downloadBlob(digest);
    if (response.status !== 200 || !response.body) throw new Error(`${what}: the server answered ${response.status}`);
    const { files } = await unpackArchive(Readable.fromWeb(response.body as WebReadableStream<Uint8Array>), workspaceDir);
    return files;
  };

  const restoreCaches = async (): Promise<void> => {
    for (const cache of caches ?? []) {
      try {
        const answer = await client.lookupCache(jobId, fencingToken, cache.key, cache.restoreKeys);
        if (answer.status !== 200) throw new Error(answer.body.error?.message ?? `the server answered ${answer.status}`);
        for (const line of answer.body.explanation ?? []) log(`cache: ${line}`);
        const entry = answer.body.entry;
        if (!entry) continue;
        const files = await download(entry.digest, `cache '${entry.key}'`);
        cache.exactHit = answer.body.hit === 'exact';
        log(`cache: restored ${files} file(s), ${formatBytes(entry.size)}`);
      } catch (error) {
        log(`cache: lookup of '${cache.key}' failed, going on without it: ${messageOf(error)}`);
      }
    }
  };

  return {
    async prepare() {
      if (job.needs.length > 0) {
        try {
          const answer = await client.listNeededArtifacts(jobId, fencingToken);
          if (answer.status !== 200) throw new Error(answer.body.error?.message ?? `the server answered ${answer.status}`);
          for (const artifact of answer.body.artifacts ?? []) {
            const files = await download(artifact.digest, `artifact ${artifact.name}`);
            log(`artifacts: downloaded ${artifact.name} from ${artifact.jobKey} (${files} file(s), ${formatBytes(artifact.size)})`);
          }
        } catch (error) {
          return createFailure('infra', `could not download the artifacts of ${job.needs.join(', ')}: ${messageOf(error)}`);
        }
      }
      try {
        caches = await renderCaches();
      } catch (error) {
        return createFailure('user', messageOf(error));
      }
      await restoreCaches();
      return undefined;
    },

    async keep(succeeded) {
      if (job.artifacts && keepsArtifacts(job.artifacts, succeeded)) {
        const files = await matchFiles(workspaceDir, job.artifacts.paths).catch((error: unknown) => error);
        if (!Array.isArray(files)) return createFailure('user', `artifacts: ${messageOf(files)}`);
        if (files.length === 0) {
          log(`artifacts: no files match ${job.artifacts.paths.join(', ')}; nothing uploaded (paths are relative to the workspace)`);
        } else {
          const meta = job.artifacts.expireInMs === undefined ? { files: files.length } : { files: files.length, expireInMs: job.artifacts.expireInMs };
          const answer = await client.uploadArtifact(jobId, fencingToken, job.id, packFiles(workspaceDir, files), meta).catch((error: unknown) => error);
          if (!isAnswer(answer) || answer.status !== 200 || !answer.body.artifact) {
            const why = isAnswer(answer) ? (answer.body.error?.message ?? `the server answered ${answer.status}`) : messageOf(answer);
            return createFailure('infra', `artifacts: the upload failed: ${why}`);
          }
          log(`artifacts: uploaded ${files.length} file(s) as ${job.id}, ${formatBytes(answer.body.artifact.size)}`);
        }
      }
      if (!succeeded) return undefined;
      try {
        caches ??= await renderCaches();
      } catch (error) {
        return createFailure('user', messageOf(error));
      }
      for (const cache of caches) {
        if (cache.exactHit) {
          log(`cache: '${cache.key}' was restored exactly; not saving it again`);
          continue;
        }
        try {
          const files = await matchFiles(workspaceDir, cache.spec.paths);
          if (files.length === 0) {
            log(`cache: no files match ${cache.spec.paths.join(', ')}; nothing saved as '${cache.key}'`);
            continue;
          }
          const answer = await client.saveCache(jobId, fencingToken, cache.key, packFiles(workspaceDir, files));
          if (answer.status !== 200) throw new Error(answer.body.error?.message ?? `the server answered ${answer.status}`);
          log(answer.body.saved ? `cache: saved ${files.length} file(s) as '${cache.key}'` : `cache: not saved: ${answer.body.reason}`);
        } catch (error) {
          log(`cache: saving '${cache.key}' failed: ${messageOf(error)}`);
        }
      }
      return undefined;
    },
  };
}

function isAnswer(value: unknown): value is { status: number; body: { artifact?: { size: number }; error?: { message?: string } } } {
  return typeof value === 'object' && value !== null && 'status' in value;
}

function messageOf(error: unknown): string {
  return isAppError(error) || error instanceof Error ? error.message : String(error);
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
