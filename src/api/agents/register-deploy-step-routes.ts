import type { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { appendAuditEntry } from '../../audit/index.js';
import type { BlobStore } from '../../blobs/index.js';
import type { DeployController, Deployment } from '../../deploy/controller/index.js';
import { AppError, ErrorCode } from '../../errors/app-error.js';
import type { PlannedJob } from '../../pipeline/index.js';
import { unknownAuthor } from '../../scheduler/index.js';
import type { Db } from '../../store/index.js';
import { checkCurrentLease } from './check-current-lease.js';
import { parseBody } from './parse-body.js';

export interface DeployStepRouteDeps {
  db: Db;
  /** The store the deploy controller reads releases from (the same blobs as artifacts). */
  blobStore: BlobStore;
  controller: DeployController;
  /** Throws unauthenticated unless the header carries the agent token. */
  authenticate(header: string | undefined): void;
}

/** What the routes need of a deploy step's job, its run and its project. */
interface DeployJob {
  runId: number;
  jobKey: string;
  plan: PlannedJob;
  needs: string[];
  gateId: number | null;
  fencingToken: number;
  runNumber: number;
  commitSha: string | null;
  ref: string;
  author: string | null;
  project: string;
}

const archiveType = 'application/x-tar';
export const jobParams = z.object({ id: z.coerce.number().int().positive() });
export const deploymentParams = jobParams.extend({ deploymentId: z.coerce.number().int().positive() });
export const leaseQuery = z.object({ fencingToken: z.coerce.number().int() });
export const releaseQuery = leaseQuery.extend({ stepIndex: z.coerce.number().int().min(0) });
export const submitBody = z.strictObject({
  fencingToken: z.number().int(),
  stepIndex: z.number().int().min(0),
  /** Validated by the controller (service-spec.ts), which names every bad field. */
  service: z.record(z.string(), z.unknown()),
  strategy: z.record(z.string(), z.unknown()).optional(),
  version: z.string().min(1).max(255).optional(),
  release: z.union([z.strictObject({ digest: z.string().regex(/^[0-9a-f]{64}$/) }), z.strictObject({ artifact: z.string().min(1).max(255) })]),
});
export const abortBody = z.object({ fencingToken: z.number().int(), reason: z.string().max(2000).optional() });

/** A deploy step's deployment is found again by this key: an agent retry or a re-run attempt never deploys twice. */
export function deployStepKey(jobId: number, stepIndex: number): string {
  return `job:${jobId}:step:${stepIndex}`;
}

/**
 * The server side of `uses: deploy` (agent token + the job's current fencing token): the release files
 * go up as an archive into the blob store, then the deployment is submitted for the job's project and
 * `environment:`. The scheduler held the job at that environment's gate before it was claimed, so the
 * job's gate is handed to the controller as already passed instead of asking people a second time.
 */
export function registerDeployStepRoutes(app: FastifyInstance, deps: DeployStepRouteDeps): void {
  const { db, blobStore, controller } = deps;
  // The blob routes may have registered it already; archives are streamed, never buffered whole.
  if (!app.hasContentTypeParser(archiveType)) app.addContentTypeParser(archiveType, (_request, payload, done) => done(null, payload));

  const leasedDeployStep = async (request: { headers: { authorization?: string | undefined }; params: unknown }, fencingToken: number, stepIndex: number) => {
    deps.authenticate(request.headers.authorization);
    const { id } = parseBody(jobParams, request.params, 'job id');
    await checkCurrentLease(db, id, fencingToken);
    const job = await readDeployJob(db, id);
    const step = job.plan.steps[stepIndex];
    if (step?.uses !== 'deploy') throw new AppError(ErrorCode.invalidArgument, `step ${stepIndex} of job ${id} (${job.jobKey}) is not a \`uses: deploy\` step`);
    const environment = job.plan.environment;
    if (environment === undefined) {
      throw new AppError(ErrorCode.invalidArgument, `job ${job.jobKey} deploys in step '${step.name}' but has no \`environment:\`; add one to the job so its protection rules apply`);
    }
    return { id, job, environment };
  };

  app.put('/api/v1/jobs/:id/deployments/releases', async (request) => {
    const query = parseBody(releaseQuery, request.query, 'release upload query');
    await leasedDeployStep(request, query.fencingToken, query.stepIndex);
    const body = request.body as Readable | undefined;
    if (!body || typeof body.pipe !== 'function') {
      throw new AppError(ErrorCode.invalidArgument, `release files are sent as a tar archive in the raw request body with content-type ${archiveType}`);
    }
    const blob = await blobStore.put(body);
    return { digest: blob.digest, size: blob.size };
  });

  app.post('/api/v1/jobs/:id/deployments', async (request, reply) => {
    const body = parseBody(submitBody, request.body, 'deploy step');
    const { id, job, environment } = await leasedDeployStep(request, body.fencingToken, body.stepIndex);
    const preApprovedGateId = job.gateId === null ? undefined : await checkJobGate(db, id, job, environment);
    if ('artifact' in body.release) await checkNeededArtifact(db, job, body.release.artifact);
    const actor = job.author ?? unknownAuthor;
    const { deployment, created } = await controller.submit({
      project: job.project,
      environment,
      service: body.service,
      ...(body.strategy === undefined ? {} : { strategy: body.strategy }),
      version: body.version ?? defaultVersion(job),
      source: 'digest' in body.release ? { digest: body.release.digest, runId: job.runId, jobKey: job.jobKey } : { runId: job.runId, artifact: body.release.artifact },
      idempotencyKey: deployStepKey(id, body.stepIndex),
      branch: job.ref.replace(/^refs\/heads\//, '') || job.ref,
      actor,
      ...(preApprovedGateId === undefined ? {} : { preApprovedGateId }),
    });
    if (created) {
      await appendAuditEntry(db, {
        actor,
        role: 'pipeline',
        action: 'deployment.deploy',
        subject: { type: 'deployment', id: String(deployment.id) },
        project: job.project,
        after: { environment, service: deployment.service, version: deployment.version, kind: deployment.kind, status: deployment.status, run: job.runId, job: job.jobKey },
      });
    }
    void reply.status(created ? 202 : 200);
    return { deployment: present(deployment), created };
  });

  app.get('/api/v1/jobs/:id/deployments/:deploymentId', async (request) => {
    deps.authenticate(request.headers.authorization);
    const { id, deploymentId } = parseBody(deploymentParams, request.params, 'deployment path');
    const { fencingToken } = parseBody(leaseQuery, request.query, 'deployment query');
    await checkCurrentLease(db, id, fencingToken);
    return { deployment: present(await readOwnDeployment(controller, id, deploymentId)) };
  });

  app.post('/api/v1/jobs/:id/deployments/:deploymentId/abort', async (request) => {
    deps.authenticate(request.headers.authorization);
    const { id, deploymentId } = parseBody(deploymentParams, request.params, 'deployment path');
    const body = parseBody(abortBody, request.body, 'deployment abort');
    // The token, not the lease: a canceled job's agent aborts while it stops, whatever the job's status.
    const { rows } = await db.query<{ token: number }>('SELECT fencing_token AS token FROM jobs WHERE id = $1', [id]);
    if (!rows[0] || Number(rows[0].token) !== body.fencingToken) {
      throw new AppError(ErrorCode.conflict, `job ${id} is no longer leased with fencing token ${body.fencingToken}: stop running it`);
    }
    const own = await readOwnDeployment(controller, id, deploymentId);
    if (['succeeded', 'failed', 'aborted', 'superseded'].includes(own.status)) return { deployment: present(own) };
    const actor = `job ${id}`;
    const aborted = await controller.abort(deploymentId, { actor, reason: body.reason ?? `job ${id} was canceled` });
    return { deployment: present(aborted) };
  });
}

/** The job's gate must be this job's, for this environment; the controller checks that it passed. */
async function checkJobGate(db: Db, jobId: number, job: DeployJob, environment: string): Promise<number> {
  const gateId = job.gateId!;
  const { rows } = await db.query<{ runId: number | null; jobKey: string | null; environment: string | null }>(
    'SELECT run_id AS "runId", job_key AS "jobKey", environment FROM approval_requests WHERE id = $1',
    [gateId],
  );
  const gate = rows[0];
  if (!gate || Number(gate.runId) !== Number(job.runId) || gate.jobKey !== job.jobKey || gate.environment !== environment) {
    throw new AppError(ErrorCode.failedPrecondition, `approval request ${gateId} is not job ${jobId}'s gate of environment ${environment}`);
  }
  return gateId;
}

/** `with: artifact` names an artifact of a job this one needs, as the agent's downloads do. */
async function checkNeededArtifact(db: Db, job: DeployJob, name: string): Promise<void> {
  const { rows } = await db.query('SELECT 1 FROM artifacts WHERE run_id = $1 AND name = $2 AND job_key = ANY($3::text[]) LIMIT 1', [job.runId, name, job.needs]);
  if (rows.length === 0) {
    const needed = job.needs.length > 0 ? job.needs.join(', ') : 'none';
    throw new AppError(ErrorCode.notFound, `no artifact ${name} among the artifacts of the jobs ${job.jobKey} needs (${needed}); artifacts are named after the job that uploads them`);
  }
}

/** The run's commit, short (versions are immutable, so 12 hex digits: no collision in practice), else its number. */
function defaultVersion(job: DeployJob): string {
  return job.commitSha ? job.commitSha.slice(0, 12) : `run-${job.runNumber}`;
}

async function readOwnDeployment(controller: DeployController, jobId: number, deploymentId: number): Promise<Deployment> {
  const { deployment } = await controller.describe(deploymentId);
  if (!deployment.idempotencyKey?.startsWith(`job:${jobId}:step:`)) throw new AppError(ErrorCode.notFound, `job ${jobId} has no deployment ${deploymentId}`);
  return deployment;
}

function present(deployment: Deployment) {
  const { projectId: _projectId, ...shown } = deployment;
  return shown;
}

async function readDeployJob(db: Db, jobId: number): Promise<DeployJob> {
  const { rows } = await db.query<DeployJob>(
    `SELECT j.run_id AS "runId", j.job_key AS "jobKey", j.plan, j.needs, j.gate_id AS "gateId", j.fencing_token AS "fencingToken",
       r.number AS "runNumber", r.commit_sha AS "commitSha", r.ref, r.author, p.name AS project
     FROM jobs j JOIN runs r ON r.id = j.run_id JOIN projects p ON p.id = r.project_id WHERE j.id = $1`,
    [jobId],
  );
  const job = rows[0];
  if (!job?.plan) throw new AppError(ErrorCode.notFound, `no job ${jobId}`);
  return { ...job, runId: Number(job.runId), gateId: job.gateId === null ? null : Number(job.gateId) };
}
