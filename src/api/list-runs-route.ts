import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AppError, ErrorCode } from '../errors/app-error.js';
import { visibleTeamsOf } from './auth/request-access.js';
import { defaultMaxLogBytes, readLog } from '../logs/index.js';
import { type Db, findProjectByName, getProjectNames, listRunsPage, maxListRunsLimit } from '../store/index.js';

export const listQuery = z.object({
  project: z.string().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(maxListRunsLimit).default(20),
  /** The `next` of the previous page: only runs older than that run id. */
  before: z.coerce.number().int().positive().optional(),
});
export const idParams = z.object({ id: z.coerce.number().int().positive() });

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || what}: ${issue.message}`).join('; ');
  throw new AppError(ErrorCode.invalidArgument, `invalid ${what}: ${problems}`, { cause: parsed.error });
}

/**
 * What `slipway runs` and `slipway logs` read besides the run routes: the newest runs (optionally of
 * one project), a page at a time and a job's stored log as plain text, without holding a stream open.
 */
export function registerListRunsRoute(app: FastifyInstance, db: Db): void {
  app.get('/api/v1/runs', async (request) => {
    const query = parse(listQuery, request.query, 'run list query');
    let projectId: number | undefined;
    if (query.project !== undefined) {
      const project = await findProjectByName(db, query.project);
      // An unknown project simply has no runs yet: a filter, not a lookup.
      if (!project) return { runs: [], next: null };
      projectId = project.id;
    }
    // Only runs of the caller's teams' projects (every run for administrators).
    const teamIds = visibleTeamsOf(request);
    const { runs, next } = await listRunsPage(db, {
      limit: query.limit,
      ...(projectId === undefined ? {} : { projectId }),
      ...(teamIds ? { teamIds } : {}),
      ...(query.before === undefined ? {} : { beforeId: query.before }),
    });
    const names = await getProjectNames(
      db,
      runs.map((run) => run.projectId),
    );
    // `next` is the cursor for `before`: runs created meanwhile cannot shift a page as an offset would.
    return { runs: runs.map((run) => ({ ...run, project: names.get(Number(run.projectId)) ?? String(run.projectId) })), next };
  });

  app.get('/api/v1/jobs/:id/log.txt', async (request, reply) => {
    const { id } = parse(idParams, request.params, 'job id');
    // A stored log is capped at defaultMaxLogBytes plus a short truncation marker, so one read returns all of it.
    const slice = await readLog(db, { jobId: id, maxBytes: defaultMaxLogBytes + 4096 });
    void reply
      .type('text/plain; charset=utf-8')
      .header('x-log-length', String(slice.length))
      .header('x-log-complete', String(slice.complete));
    return slice.data;
  });
}
