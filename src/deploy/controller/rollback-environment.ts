import { AppError, ErrorCode } from '../../errors/app-error.js';
import { findProjectByName, type Project } from '../../store/index.js';
import { getEnvironment } from '../environments/get-environment.js';
import { findReleaseByVersion, getRelease } from '../releases/index.js';
import type { StrategySpec } from '../strategies/strategy-spec.js';
import type { ControllerRuntime } from './controller-runtime.js';
import type { Deployment } from './deployment.js';
import { listEnvironmentServices, readStableRelease } from './environment-releases.js';
import { insertDeployment } from './insert-deployment.js';
import { listActiveDeployments } from './list-deployments.js';
import { signalDeployment } from './signal-deployment.js';

export interface RollbackInput {
  project: string;
  environment: string;
  /** Needed only when the environment serves several services. */
  service?: string;
  /** A version of the service; default the previous healthy release. */
  to?: string;
  actor: string;
}

export type RollbackResult =
  /** A rollout was in progress and no version was named: aborting it returns traffic to stable. */
  | { action: 'aborted'; deployment: Deployment }
  /** A rollback deployment of the chosen release was queued (supersedes queued deployments). */
  | { action: 'deploying'; deployment: Deployment };

/**
 * `slipway rollback`: the fastest way back. During a rollout, abort it (weights back to stable at once).
 * Otherwise deploy the previous (or named) release with the quickest strategy the service allows: a
 * canary without steps (old replicas still running take traffic at once; else they start and traffic
 * switches when they are ready, no downtime), or recreate for services deployed with recreate (two
 * versions must never run together). A rollback skips the approval gate: returning to a release that
 * already passed it must never wait for people during an incident.
 */
export async function rollbackEnvironment(rt: ControllerRuntime, input: RollbackInput): Promise<RollbackResult> {
  const project = await existingProject(rt, input.project);
  if (!(await getEnvironment(rt.db, project.id, input.environment))) {
    throw new AppError(ErrorCode.notFound, `project ${input.project} has no environment ${input.environment}: list them with \`slipway env list ${input.project}\``);
  }
  const service = input.service ?? (await onlyService(rt, project, input.environment));
  const active = await listActiveDeployments(rt.db, project.id, input.environment, service);
  const running = active.find((d) => d.status === 'running' || d.status === 'paused');
  if (running && input.to === undefined) {
    await signalDeployment(rt.db, rt.clock, running.id, { type: 'abort', actor: input.actor, reason: 'slipway rollback' });
    return { action: 'aborted', deployment: running };
  }
  const stableId = await readStableRelease(rt.db, project.id, input.environment, service);
  const release = input.to !== undefined ? await findReleaseByVersion(rt.db, project.id, service, input.to) : await previousRelease(rt, project, input.environment, service, stableId);
  if (release.id === stableId && !running) {
    throw new AppError(ErrorCode.failedPrecondition, `${input.environment} already serves ${service} ${release.version}: nothing to roll back`);
  }
  if (running) await signalDeployment(rt.db, rt.clock, running.id, { type: 'abort', actor: input.actor, reason: `slipway rollback --to ${release.version}` });
  const { deployment } = await insertDeployment(rt.db, rt.clock, {
    projectId: project.id,
    environment: input.environment,
    service,
    releaseId: release.id,
    kind: 'rollback',
    strategy: await rollbackStrategy(rt, project.id, input.environment, service),
    supersede: true,
    branch: 'main',
    actor: input.actor,
  });
  return { action: 'deploying', deployment };
}

async function existingProject(rt: ControllerRuntime, name: string): Promise<Project> {
  const project = await findProjectByName(rt.db, name);
  if (!project) throw new AppError(ErrorCode.notFound, `no project ${name}: check the name with \`slipway runs\``);
  return project;
}

async function onlyService(rt: ControllerRuntime, project: Project, environment: string): Promise<string> {
  const services = await listEnvironmentServices(rt.db, project.id, environment);
  if (services.length === 1) return services[0]!;
  if (services.length === 0) throw new AppError(ErrorCode.failedPrecondition, `${environment} of ${project.name} has no successful deployment yet: nothing to roll back to`);
  throw new AppError(ErrorCode.invalidArgument, `${environment} serves several services (${services.join(', ')}): name one with --service`);
}

/** The release of the latest successful deployment that is not the current stable one. */
async function previousRelease(rt: ControllerRuntime, project: Project, environment: string, service: string, stableId: number | null) {
  const { rows } = await rt.db.query<{ releaseId: number }>(
    `SELECT release_id AS "releaseId" FROM deployments
     WHERE project_id = $1 AND environment = $2 AND service = $3 AND status = 'succeeded' AND release_id IS DISTINCT FROM $4
     ORDER BY finished_at DESC, id DESC LIMIT 1`,
    [project.id, environment, service, stableId],
  );
  if (!rows[0]) throw new AppError(ErrorCode.failedPrecondition, `${environment} has no earlier healthy release of ${service} to roll back to; name one with --to VERSION`);
  return getRelease(rt.db, Number(rows[0].releaseId));
}

async function rollbackStrategy(rt: ControllerRuntime, projectId: number, environment: string, service: string): Promise<StrategySpec> {
  const { rows } = await rt.db.query<{ strategy: StrategySpec }>(
    `SELECT d.strategy FROM environment_releases e JOIN deployments d ON d.id = e.deployment_id
     WHERE e.project_id = $1 AND e.environment = $2 AND e.service = $3`,
    [projectId, environment, service],
  );
  const progressDeadlineMs = rows[0]?.strategy.progressDeadlineMs ?? 600_000;
  if (rows[0]?.strategy.type === 'recreate') return { type: 'recreate', progressDeadlineMs };
  return { type: 'canary', progressDeadlineMs, steps: [] };
}
