import { AppError, ErrorCode } from '../../errors/app-error.js';
import { findProjectByName } from '../../store/index.js';
import { openGate } from '../approvals/open-gate.js';
import { readGate } from '../approvals/read-gate.js';
import { getEnvironment } from '../environments/get-environment.js';
import { createRelease, type ReleaseFiles } from '../releases/index.js';
import { parseStrategySpec } from '../strategies/strategy-spec.js';
import { parseServiceSpec } from '../targets/service-spec.js';
import type { ControllerRuntime } from './controller-runtime.js';
import { type Deployment, loadDeployment } from './deployment.js';
import { finishDeployment, setDeploymentStatus } from './deployment-records.js';
import { findByIdempotencyKey, insertDeployment } from './insert-deployment.js';

export interface SubmitDeploymentInput {
  /** Project name, e.g. acme/web. */
  project: string;
  environment: string;
  /** A service spec (targets/service-spec.ts), validated here. */
  service: unknown;
  /** A strategy spec (strategies/strategy-spec.ts); default rolling. */
  strategy?: unknown;
  version: string;
  /** The release's files: a directory on the server's host, a run's artifact, or a blob a job uploaded. */
  source: ReleaseFiles;
  idempotencyKey?: string;
  /** Replace deployments of the environment still waiting for the lock. */
  supersede?: boolean;
  /** The branch the change comes from, for the environment's branch rule; default main. */
  branch?: string;
  actor: string;
  /**
   * A gate this deployment already passed: a pipeline job with `environment:` waited at it before it
   * was claimed. Verified here (same project and environment, approved) and used instead of opening a
   * second gate, so one change asks people once.
   */
  preApprovedGateId?: number;
}

/**
 * Accepts a deployment: validates it, records the release (immutable) and the deployment, and opens
 * its approval gate. A gate refused at once (a freeze, a branch that may not deploy) fails the
 * deployment and is reported as failed_precondition, before anything touches the target.
 */
export async function submitDeployment(rt: ControllerRuntime, input: SubmitDeploymentInput): Promise<{ deployment: Deployment; created: boolean }> {
  if (input.idempotencyKey !== undefined) {
    const existing = await findByIdempotencyKey(rt.db, input.idempotencyKey);
    if (existing) return { deployment: existing, created: false };
  }
  const service = parseServiceSpec(input.service);
  const strategy = parseStrategySpec(input.strategy ?? { rolling: {} });
  const project = await findProjectByName(rt.db, input.project);
  if (!project) throw new AppError(ErrorCode.notFound, `no project ${input.project}: check the name with \`slipway runs\`, or start a run to create it`);
  const environment = await getEnvironment(rt.db, project.id, input.environment);
  if (!environment) {
    throw new AppError(
      ErrorCode.notFound,
      `project ${input.project} has no environment ${input.environment}: list them with \`slipway env list ${input.project}\`, or a maintainer creates it with \`slipway env set ${input.project} ${input.environment}\``,
      { details: { environment: input.environment } },
    );
  }
  if (input.preApprovedGateId !== undefined) await checkPassedGate(rt, input.preApprovedGateId, project.id, input.environment);
  await checkServiceIsFree(rt, service.name, project.id, input.environment);
  const release = await createRelease(rt.db, rt.blobs, rt.clock, { projectId: project.id, service, version: input.version, source: input.source, actor: input.actor });
  const branch = input.branch ?? 'main';
  const inserted = await insertDeployment(rt.db, rt.clock, {
    projectId: project.id,
    environment: input.environment,
    service: service.name,
    releaseId: release.id,
    kind: 'deploy',
    strategy,
    ...(input.idempotencyKey === undefined ? {} : { idempotencyKey: input.idempotencyKey }),
    supersede: input.supersede ?? false,
    branch,
    actor: input.actor,
  });
  if (!inserted.created) return inserted;
  const id = inserted.deployment.id;
  if (input.preApprovedGateId !== undefined) {
    // run-deployment still reads the gate first: it passes at once, and the deployment names it.
    await setDeploymentStatus(rt.db, rt.clock, id, 'queued', { gateRequestId: input.preApprovedGateId });
    return { deployment: await loadDeployment(rt.db, id), created: true };
  }
  const gate = await openGate(rt.db, rt.clock, {
    projectId: project.id,
    environment: input.environment,
    change: { author: input.actor, branch },
    deploymentRef: `deployment ${id}: ${service.name} ${input.version}`,
  });
  const status = gate.request.status;
  if (status === 'rejected' || status === 'expired') {
    const message = `deployment ${id} to ${input.environment} is refused by its protection rules: ${gate.request.reasons.join('; ')}`;
    await setDeploymentStatus(rt.db, rt.clock, id, 'queued', { gateRequestId: gate.request.id });
    await finishDeployment(rt.db, rt.clock, id, 'failed', { kind: 'user', retryable: false, message });
    throw new AppError(ErrorCode.failedPrecondition, message, { details: { deploymentId: id, gateRequestId: gate.request.id } });
  }
  await setDeploymentStatus(rt.db, rt.clock, id, status === 'pending' ? 'waiting_approval' : 'queued', { gateRequestId: gate.request.id });
  return { deployment: await loadDeployment(rt.db, id), created: true };
}

/** A gate a deployment may reuse: this project's, this environment's, and passed. */
async function checkPassedGate(rt: ControllerRuntime, gateId: number, projectId: number, environment: string): Promise<void> {
  const gate = await readGate(rt.db, gateId, rt.clock);
  const { request } = gate;
  if (request.projectId !== projectId || request.environment !== environment) {
    throw new AppError(ErrorCode.failedPrecondition, `approval request ${gateId} is not a gate of environment ${environment} of this project: it cannot approve this deployment`);
  }
  if (gate.status !== 'approved' && gate.status !== 'auto-approved') {
    throw new AppError(ErrorCode.failedPrecondition, `approval request ${gateId} is ${gate.status}, not approved: the deployment may not use it`);
  }
}

/**
 * One controller runs one router and one target, where a service name is one router service: the
 * same name deployed to two environments would share replicas and weights. Refused until targets
 * get per-environment namespaces.
 */
async function checkServiceIsFree(rt: ControllerRuntime, service: string, projectId: number, environment: string): Promise<void> {
  const { rows } = await rt.db.query<{ environment: string }>(
    `SELECT environment FROM environment_releases WHERE service = $1 AND NOT (project_id = $2 AND environment = $3)
     UNION ALL
     SELECT environment FROM deployments WHERE service = $1 AND finished_at IS NULL AND NOT (project_id = $2 AND environment = $3)
     LIMIT 1`,
    [service, projectId, environment],
  );
  if (rows[0]) {
    throw new AppError(
      ErrorCode.failedPrecondition,
      `service ${service} is already deployed to environment ${rows[0].environment} on this server; one server's local target serves a service name in one environment only — rename the service for this environment`,
    );
  }
}
