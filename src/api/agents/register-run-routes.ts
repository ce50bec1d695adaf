import type { FastifyInstance } from 'fastify';
import { recordFinishedRun } from './record-finished-run.js';
import { z } from 'zod';
import { appendAuditEntry } from '../../audit/index.js';
import { AppError, ErrorCode } from '../../errors/app-error.js';
import { parseLastEventId, streamLogOverSse } from '../../logs/index.js';
import type { Plan } from '../../pipeline/index.js';
import { cancelRun, enqueueRun, runScheduling } from '../../scheduler/index.js';
import { bindProjectRepo, ensureProject, getRun } from '../../store/index.js';
import { checkRepoUrl } from '../../triggers/index.js';
import { readRequestIdentity } from '../request-identity.js';
import { readRunProjectName } from '../read-project-name.js';
import { pipelineFile, planOrThrow, readPipelineFromRef } from '../start-run-from-repo.js';
import { parseBody } from './parse-body.js';
import type { AgentRoutesContext } from './register-agent-routes.js';

/**
 * Two forms. With `pipeline` (YAML text) the run uses it as given. Without it the pipeline is read
 * from the repository: `ref` is resolved to a commit in the server's mirror of the project's
 * repository (`repoUrl`, bound to the project on first use) and `.pipeline.yml` is read at that
 * commit; the run records the commit, so agents check out exactly it.
 */
export const runBody = z.object({
  project: z.string().min(1).max(200),
  ref: z.string().min(1).max(500),
  pipeline: z.string().min(1).optional(),
  repoUrl: z.string().min(1).max(2000).optional(),
  /** Overrides the pipeline's `priority:` for this run. */
  priority: z.number().int().min(-100).max(100).optional(),
});
export const idParams = z.object({ id: z.coerce.number().int().positive() });

/** Manual runs and what people read: a run's state and a job's log as it is written. */
export function registerRunRoutes(app: FastifyInstance, ctx: AgentRoutesContext): void {
  app.post('/api/v1/runs', async (request, reply) => {
    const body = parseBody(runBody, request.body, 'run request');
    const repoUrl = body.repoUrl === undefined ? undefined : checkRepoUrl(body.repoUrl);
    // Validated before the project is created, so a rejected pipeline leaves nothing behind.
    const posted = body.pipeline === undefined ? undefined : planOrThrow(body.pipeline, pipelineFile, 'the pipeline', 'fix them and post it again');
    let project = await ensureProject(ctx.db, repoUrl === undefined ? { name: body.project } : { name: body.project, repoUrl });
    if (repoUrl !== undefined) project = await bindProjectRepo(ctx.db, project, repoUrl);

    let plan: Plan;
    let commitSha: string | undefined;
    if (posted !== undefined) {
      plan = posted;
    } else {
      if (project.repoUrl === null) {
        throw new AppError(
          ErrorCode.invalidArgument,
          `project ${project.name} has no repository: give repoUrl to read ${pipelineFile} from it, or post the pipeline text`,
        );
      }
      const read = await readPipelineFromRef({ repoUrl: project.repoUrl, ref: body.ref, cacheDir: ctx.mirrorCacheDir });
      commitSha = read.commitSha;
      plan = read.plan;
    }
    const scheduling = runScheduling(plan, { project: project.name, ref: body.ref });
    if (body.priority !== undefined) scheduling.priority = body.priority;
    // Jobs an idle agent can take go to it with the run's commit: no claim round trip (dispatch
    // latency). A concurrency group's jobs wait their turn through the claim.
    const handOff = scheduling.concurrency ? undefined : ctx.dispatcher.reserveHandOff(
      plan.jobs.filter((job) => job.needs.length === 0 && job.environment === undefined).map((job) => ({ key: job.id, runsOn: job.runsOn })),
    );
    const enqueuing = enqueueRun(ctx.db, ctx.clock, {
      projectId: project.id,
      ref: body.ref,
      trigger: 'manual',
      // The signed-in user: gates never let the author approve their own change.
      author: readRequestIdentity(request).actor,
      plan,
      ...scheduling,
      ...(commitSha === undefined ? {} : { commitSha }),
      ...(handOff ? { handOff: handOff.leases } : {}),
      // In the run's own transaction: the trail cannot miss a run, and the dispatcher, woken after the
      // commit, does not wait behind a separate audit transaction (on PGlite statements queue up).
      inTransaction: async (tx, created) => {
        await appendAuditEntry(tx, {
          ...readRequestIdentity(request),
          action: 'run.trigger',
          subject: { type: 'run', id: String(created.id) },
          project: project.name,
          after: { number: created.number, ref: body.ref, commitSha: commitSha ?? null, jobs: created.jobs.map((job) => job.jobKey) },
        }, { clock: ctx.clock });
      },
    });
    const enqueued = await enqueuing.catch((error: unknown) => {
      handOff?.cancel();
      throw error;
    });
    const { run } = enqueued;
    await handOff?.deliver(enqueued.handedOff, { projectId: project.id, repoUrl: project.repoUrl, commitSha: commitSha ?? null, hasSecrets: true, runId: run.id });
    ctx.dispatcher.wake();
    void reply.status(201);
    return {
      runId: run.id,
      number: run.number,
      commitSha: commitSha ?? null,
      jobs: run.jobs.map((job) => ({ id: job.id, key: job.jobKey, status: job.status })),
    };
  });

  app.get('/api/v1/runs/:id', async (request) => {
    const { id } = parseBody(idParams, request.params, 'run id');
    const run = await getRun(ctx.db, id);
    if (!run) throw new AppError(ErrorCode.notFound, `no run ${id}`);
    return run;
  });

  // Pending and queued jobs are canceled at once; each running job's agent is told over its jobs
  // stream (or, when connected to another replica, by its next heartbeat) and reports `canceled`.
  app.post('/api/v1/runs/:id/cancel', async (request, reply) => {
    const { id } = parseBody(idParams, request.params, 'run id');
    const canceled = await cancelRun(ctx.db, ctx.clock, id);
    // Without running jobs the cancel finishes the run here; otherwise the last job's report does.
    if (canceled.runStatus) await recordFinishedRun(ctx.metrics, ctx.db, id, canceled.runStatus);
    for (const job of canceled.running) {
      if (ctx.dispatcher.cancelJob(job.jobId, job.leaseOwner)) continue;
      request.log.info({ jobId: job.jobId, agentId: job.leaseOwner }, 'agent not connected here: it stops at its next heartbeat');
    }
    ctx.dispatcher.wake();
    await appendAuditEntry(ctx.db, {
      ...readRequestIdentity(request),
      action: 'run.cancel',
      subject: { type: 'run', id: String(canceled.runId) },
      project: await readRunProjectName(ctx.db, canceled.runId),
      after: { canceledJobIds: canceled.canceledJobIds, running: canceled.running.map((job) => job.jobId) },
    }, { clock: ctx.clock });
    void reply.status(202);
    return { runId: canceled.runId, canceledJobIds: canceled.canceledJobIds, running: canceled.running.map((job) => job.jobId) };
  });

  app.get('/api/v1/jobs/:id/logs', async (request, reply) => {
    const { id } = parseBody(idParams, request.params, 'job id');
    const query = parseBody(z.object({ offset: z.coerce.number().int().min(0).optional() }), request.query, 'log query');
    const fromOffset = parseLastEventId(request.headers['last-event-id'], query.offset ?? 0);
    const outcome = await streamLogOverSse(reply, { hub: ctx.hub, db: ctx.db, jobId: id, fromOffset, signal: ctx.shutdown });
    if (outcome.outcome === 'failed') request.log.error({ err: outcome.error, jobId: id }, 'log stream failed');
  });
}
