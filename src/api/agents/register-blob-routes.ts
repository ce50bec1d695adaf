import type { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  type BlobStore,
  cacheExists,
  checkArtifactName,
  checkCacheKey,
  findCache,
  findRunArtifact,
  isDigest,
  listArtifacts,
  recordArtifact,
  recordCacheEntry,
  touchCache,
} from '../../blobs/index.js';
import type { Clock } from '../../clock/clock.js';
import { AppError, ErrorCode } from '../../errors/app-error.js';
import type { Db } from '../../store/index.js';
import { parseBody } from './parse-body.js';
import { checkCurrentLease } from './check-current-lease.js';
import { artifactParams, registerArtifactFileRoutes } from './register-artifact-file-routes.js';

export interface BlobRouteDeps {
  db: Db;
  clock: Clock;
  blobStore: BlobStore;
  /** Throws unauthenticated unless the header carries the agent token. */
  authenticate(header: string | undefined): void;
}

/** What a job's row says about where its files belong. */
interface JobPlace {
  runId: number;
  jobKey: string;
  needs: string[];
  projectId: number;
  ref: string;
  defaultBranch: string;
}

export const jobParams = z.object({ id: z.coerce.number().int().positive() });
export const leaseQuery = z.object({ fencingToken: z.coerce.number().int() });
export const artifactQuery = leaseQuery.extend({
  files: z.coerce.number().int().min(0),
  expireInMs: z.coerce.number().int().positive().optional(),
});
export const cacheLookupBody = z.object({
  fencingToken: z.number().int(),
  key: z.string(),
  restoreKeys: z.array(z.string()).max(32).default([]),
});
export const cacheSaveQuery = leaseQuery.extend({ key: z.string() });
const archiveType = 'application/x-tar';

/**
 * Artifacts and caches (issue flow: a job uploads `artifacts:` after it succeeds, jobs that `needs` it
 * download them; `cache:` entries are looked up before a job's work and saved after it). Agents move the
 * archives through the server, which alone talks to the blob store (fs or S3) and the store. Every
 * agent call carries the job's fencing token, so a stale attempt cannot replace a newer one's files.
 */
export function registerBlobRoutes(app: FastifyInstance, deps: BlobRouteDeps): void {
  const { db, blobStore } = deps;
  // Archives are streamed into the blob store as they arrive, never buffered whole.
  app.addContentTypeParser(archiveType, (_request, payload, done) => done(null, payload));
  // An upload that fails midway (a full blob store) leaves its request stream destroyed, unread to its
  // end: that connection cannot serve another request, yet the client (undici keeps connections alive)
  // would send its next one there and wait forever — an agent hung after a failed artifact upload.
  app.addHook('onError', async (request, reply) => {
    const body = request.body as Partial<Readable> | undefined;
    if (body && typeof body.pipe === 'function' && body.destroyed && !body.readableEnded) void reply.header('connection', 'close');
  });

  const leasedJob = async (request: { headers: { authorization?: string | undefined }; params: unknown }, fencingToken: number) => {
    deps.authenticate(request.headers.authorization);
    const { id } = parseBody(jobParams, request.params, 'job id');
    await checkCurrentLease(db, id, fencingToken);
    return placeJob(db, id);
  };

  app.put('/api/v1/jobs/:id/artifacts/:name', async (request) => {
    const query = parseBody(artifactQuery, request.query, 'artifact upload query');
    const name = checkArtifactName((request.params as { name: string }).name);
    const job = await leasedJob(request, query.fencingToken);
    const blob = await blobStore.put(archiveBody(request.body));
    const now = deps.clock.now();
    const artifact = await recordArtifact(db, {
      runId: job.runId,
      jobKey: job.jobKey,
      name,
      blob,
      fileCount: query.files,
      createdAt: new Date(now),
      expiresAt: query.expireInMs === undefined ? null : new Date(now + query.expireInMs),
    });
    return { artifact };
  });

  app.get('/api/v1/jobs/:id/artifacts', async (request) => {
    const query = parseBody(leaseQuery, request.query, 'artifact list query');
    const job = await leasedJob(request, query.fencingToken);
    const artifacts = await listArtifacts(db, { runId: job.runId, jobKeys: job.needs, now: new Date(deps.clock.now()) });
    return { artifacts };
  });

  app.get('/api/v1/blobs/:digest', async (request, reply) => {
    deps.authenticate(request.headers.authorization);
    return sendBlob(reply, (request.params as { digest: string }).digest);
  });

  app.post('/api/v1/jobs/:id/caches/lookup', async (request) => {
    const body = parseBody(cacheLookupBody, request.body, 'cache lookup');
    const job = await leasedJob(request, body.fencingToken);
    const found = await findCache({
      db,
      store: blobStore,
      projectId: job.projectId,
      branch: branchOf(job.ref),
      defaultBranch: job.defaultBranch,
      key: body.key,
      restoreKeys: body.restoreKeys,
    });
    if (found.entry) await touchCache(db, found.entry.id, new Date(deps.clock.now()));
    return found;
  });

  app.put('/api/v1/jobs/:id/caches', async (request) => {
    const query = parseBody(cacheSaveQuery, request.query, 'cache save query');
    const job = await leasedJob(request, query.fencingToken);
    const key = checkCacheKey(query.key);
    const branch = branchOf(job.ref);
    if (await cacheExists(db, job.projectId, branch, key)) {
      archiveBody(request.body).resume();
      return { saved: false, reason: `cache '${key}' on branch ${branch} already exists; entries are immutable — change the key to save new content` };
    }
    const blob = await blobStore.put(archiveBody(request.body));
    return recordCacheEntry(db, { projectId: job.projectId, branch, key, blob, now: new Date(deps.clock.now()) });
  });

  // People read a run's artifacts and download one as a tar archive.
  app.get('/api/v1/runs/:id/artifacts', async (request) => {
    const { id } = parseBody(jobParams, request.params, 'run id');
    return { artifacts: await listArtifacts(db, { runId: id, now: new Date(deps.clock.now()) }) };
  });

  app.get('/api/v1/runs/:id/artifacts/:artifactId/archive', async (request, reply) => {
    const { id, artifactId } = parseBody(artifactParams, request.params, 'artifact');
    const artifact = await findRunArtifact(db, id, artifactId);
    void reply.header('content-disposition', `attachment; filename="${encodeURIComponent(artifact.name)}.tar"`);
    return sendBlob(reply, artifact.digest);
  });
  registerArtifactFileRoutes(app, { db, blobStore });

  async function sendBlob(reply: { type(value: string): unknown; header(name: string, value: string): unknown }, digest: string): Promise<Readable> {
    if (!isDigest(digest)) throw new AppError(ErrorCode.invalidArgument, `${JSON.stringify(digest)} is not a blob digest (64 lowercase hex digits)`);
    const info = await blobStore.stat(digest);
    const stream = info ? await blobStore.get(digest) : undefined;
    if (!info || !stream) throw new AppError(ErrorCode.notFound, `no blob ${digest}`);
    reply.type(archiveType);
    reply.header('content-length', String(info.size));
    return stream;
  }
}

function archiveBody(body: unknown): Readable {
  if (!body || typeof (body as Readable).pipe !== 'function') {
    throw new AppError(ErrorCode.invalidArgument, `an archive is sent as the raw request body with content-type ${archiveType}`);
  }
  return body as Readable;
}

/** A run's ref as a cache scope: branches by name (as GitHub scopes them), other refs as they are. */
function branchOf(ref: string): string {
  return ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : ref;
}

async function placeJob(db: Db, jobId: number): Promise<JobPlace> {
  const { rows } = await db.query<JobPlace>(
    `SELECT j.run_id AS "runId", j.job_key AS "jobKey", j.needs, r.project_id AS "projectId", r.ref, p.default_branch AS "defaultBranch"
     FROM jobs j JOIN runs r ON r.id = j.run_id JOIN projects p ON p.id = r.project_id WHERE j.id = $1`,
    [jobId],
  );
  if (!rows[0]) throw new AppError(ErrorCode.notFound, `no job ${jobId}`);
  return rows[0];
}
