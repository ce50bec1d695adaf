import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Clock } from '../../clock/clock.js';
import { type ApprovalRequest, openGate, readGate } from '../../deploy/approvals/index.js';
import { AppError, ErrorCode } from '../../errors/app-error.js';
import type { PlannedJob } from '../../pipeline/index.js';
import { advanceGates, describeGateRefusal, readRunChange, unknownAuthor } from '../../scheduler/index.js';
import type { Db } from '../../store/index.js';
import { checkCurrentLease } from './check-current-lease.js';
import type { Dispatcher } from './create-dispatcher.js';
import { parseBody } from './parse-body.js';

export interface ApprovalRouteDeps {
  db: Db;
  clock: Clock;
  dispatcher: Dispatcher;
  /** Throws unauthenticated unless the header carries the agent token. */
  authenticate(header: string | undefined): void;
}

/** What an agent waiting at an approval step learns of its gate. */
export interface ApprovalStepGate {
  id: number;
  status: ApprovalRequest['status'];
  requiredApprovals: number;
  reasons: string[];
  approvers: string[];
  expiresAt: Date | null;
  /** For a refused (rejected, expired) gate: the failure message, with the rejecters' comments. */
  message?: string;
}

export const idParams = z.object({ id: z.coerce.number().int().positive() });
export const gateParams = idParams.extend({ gateId: z.coerce.number().int().positive() });
export const openBody = z.object({ fencingToken: z.number().int(), stepIndex: z.number().int().min(0) });
export const readQuery = z.object({ fencingToken: z.coerce.number().int() });

interface LeasedJob {
  runId: number;
  jobKey: string;
  attempt: number;
  plan: PlannedJob;
}

/**
 * Inline `- approval:` steps, for the agent running the job (agent token + the current fencing token):
 * open the step's gate, then poll it while heartbeats keep the lease. People decide it with the
 * ordinary approval routes (`slipway approve ID`); the run's author can never approve it.
 *
 * Also moves environment-gated jobs on right after a person's decision, instead of at the next tick.
 */
export function registerApprovalRoutes(app: FastifyInstance, deps: ApprovalRouteDeps): void {
  const { db, clock } = deps;

  app.post('/api/v1/jobs/:id/approvals', async (request, reply) => {
    deps.authenticate(request.headers.authorization);
    const { id } = parseBody(idParams, request.params, 'job id');
    const body = parseBody(openBody, request.body, 'approval step');
    await checkCurrentLease(db, id, body.fencingToken);
    const job = await readLeasedJob(db, id);
    const step = job.plan.steps[body.stepIndex];
    if (step?.approval === undefined) {
      throw new AppError(ErrorCode.invalidArgument, `step ${body.stepIndex} of job ${id} (${job.jobKey}) is not an approval step`);
    }
    // One gate per step per attempt: a repeated request (a retry after a network error) gets the same
    // gate; a new attempt of the job asks again.
    const deploymentRef = `job ${job.jobKey} attempt ${job.attempt} step ${body.stepIndex + 1} (${step.name})`;
    const existing = await db.query<{ id: number }>(
      'SELECT id FROM approval_requests WHERE run_id = $1 AND job_key = $2 AND deployment_ref = $3 AND environment IS NULL',
      [job.runId, job.jobKey, deploymentRef],
    );
    if (existing.rows[0]) return { approval: present((await readGate(db, Number(existing.rows[0].id), clock)).request) };
    const change = await readRunChange(db, job.runId);
    if (!change) throw new AppError(ErrorCode.notFound, `no run ${job.runId}`);
    const { request: gate } = await openGate(db, clock, {
      projectId: change.projectId,
      environment: null,
      change: { author: change.author ?? unknownAuthor, branch: change.branch },
      runId: job.runId,
      jobKey: job.jobKey,
      deploymentRef,
      timeoutMs: step.approval.timeoutMs,
      requiredApprovals: step.approval.approvers,
    });
    void reply.status(201);
    return { approval: present(gate) };
  });

  app.get('/api/v1/jobs/:id/approvals/:gateId', async (request) => {
    deps.authenticate(request.headers.authorization);
    const { id, gateId } = parseBody(gateParams, request.params, 'approval path');
    const { fencingToken } = parseBody(readQuery, request.query, 'approval query');
    await checkCurrentLease(db, id, fencingToken);
    const job = await readLeasedJob(db, id);
    const gate = await readGate(db, gateId, clock);
    // An agent reads only its own job's gates.
    if (gate.request.runId !== Number(job.runId) || gate.request.jobKey !== job.jobKey) {
      throw new AppError(ErrorCode.notFound, `job ${id} has no approval request ${gateId}`);
    }
    return { approval: present(gate.request) };
  });

  app.addHook('onResponse', async (request, reply) => {
    const url = request.routeOptions.url ?? '';
    if (request.method !== 'POST' || reply.statusCode >= 300 || !/^\/api\/v1\/approvals\/:id\/(approve|reject)$/.test(url)) return;
    try {
      const advanced = await advanceGates(db, clock);
      if (advanced.queued.length > 0) deps.dispatcher.wake();
    } catch (error) {
      request.log.debug({ err: error }, 'advancing gates after a decision failed; the dispatcher tick retries');
    }
  });
}

async function readLeasedJob(db: Db, jobId: number): Promise<LeasedJob> {
  const { rows } = await db.query<LeasedJob>('SELECT run_id AS "runId", job_key AS "jobKey", attempt, plan FROM jobs WHERE id = $1', [jobId]);
  if (!rows[0]?.plan) throw new AppError(ErrorCode.notFound, `no job ${jobId}`);
  return rows[0];
}

function present(gate: ApprovalRequest): ApprovalStepGate {
  const shown: ApprovalStepGate = {
    id: gate.id,
    status: gate.status,
    requiredApprovals: gate.requiredApprovals,
    reasons: gate.reasons,
    approvers: gate.decisions.filter((d) => d.decision === 'approve').map((d) => d.actor),
    expiresAt: gate.expiresAt,
  };
  if (gate.status === 'rejected' || gate.status === 'expired') shown.message = describeGateRefusal(gate);
  return shown;
}
