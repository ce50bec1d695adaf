import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AppError, ErrorCode } from '../../errors/app-error.js';
import { parseLastEventId, streamLogOverSse } from '../../logs/index.js';
import { formatDiagnostic, parsePipeline, planPipeline } from '../../pipeline/index.js';
import { enqueueRun } from '../../scheduler/index.js';
import { ensureProject, getRun } from '../../store/index.js';
import { parseBody } from './parse-body.js';
import type { AgentRoutesContext } from './register-agent-routes.js';

const runBody = z.object({
  project: z.string().min(1).max(200),
  ref: z.string().min(1).max(500),
  /** The pipeline's YAML text. */
  pipeline: z.string().min(1),
});
const idParams = z.object({ id: z.coerce.number().int().positive() });

/** Manual runs and what people read: a run's state and a job's log as it is written. */
export function registerRunRoutes(app: FastifyInstance, ctx: AgentRoutesContext): void {
  app.post('/api/v1/runs', async (request, reply) => {
    const body = parseBody(runBody, request.body, 'run request');
    const parsed = parsePipeline(body.pipeline, '.pipeline.yml');
    if (!parsed.ok) {
      throw new AppError(ErrorCode.invalidPipeline, `the pipeline has ${parsed.diagnostics.length} problem(s): fix them and post it again`, {
        details: { diagnostics: parsed.diagnostics.map((d) => ({ ...d, text: formatDiagnostic(d) })) },
      });
    }
    const plan = planPipeline(parsed.pipeline);
    const project = await ensureProject(ctx.db, { name: body.project });
    const { run } = await enqueueRun(ctx.db, ctx.clock, { projectId: project.id, ref: body.ref, trigger: 'manual', plan });
    ctx.dispatcher.wake();
    void reply.status(201);
    return {
      runId: run.id,
      number: run.number,
      jobs: run.jobs.map((job) => ({ id: job.id, key: job.jobKey, status: job.status })),
    };
  });

  app.get('/api/v1/runs/:id', async (request) => {
    const { id } = parseBody(idParams, request.params, 'run id');
    const run = await getRun(ctx.db, id);
    if (!run) throw new AppError(ErrorCode.notFound, `no run ${id}`);
    return run;
  });

  app.get('/api/v1/jobs/:id/logs', async (request, reply) => {
    const { id } = parseBody(idParams, request.params, 'job id');
    const query = parseBody(z.object({ offset: z.coerce.number().int().min(0).optional() }), request.query, 'log query');
    const fromOffset = parseLastEventId(request.headers['last-event-id'], query.offset ?? 0);
    const outcome = await streamLogOverSse(reply, { hub: ctx.hub, db: ctx.db, jobId: id, fromOffset, signal: ctx.shutdown });
    if (outcome.outcome === 'failed') request.log.error({ err: outcome.error, jobId: id }, 'log stream failed');
  });
}
