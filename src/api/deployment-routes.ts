import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { appendAuditEntry } from '../audit/index.js';
import type { DeployController, Deployment } from '../deploy/controller/index.js';
import { getEnvironment } from '../deploy/environments/index.js';
import { AppError, ErrorCode } from '../errors/app-error.js';
import { type Db, findProjectByName } from '../store/index.js';
import { parseBody } from './agents/parse-body.js';
import { readRequestIdentity } from './request-identity.js';

export interface DeploymentRouteDeps {
  db: Db;
  controller: DeployController;
}

const name = z.string().min(1).max(255);
export const submitBody = z
  .strictObject({
    project: z.string().min(1).max(200),
    environment: name,
    /** Validated by the controller (service-spec.ts), which names every bad field. */
    service: z.record(z.string(), z.unknown()),
    strategy: z.record(z.string(), z.unknown()).optional(),
    version: name,
    /** An absolute directory on the server's host. */
    dir: z.string().min(1).max(4096).optional(),
    run: z.number().int().positive().optional(),
    artifact: z.string().min(1).max(255).optional(),
    idempotencyKey: z.string().min(1).max(200).optional(),
    supersede: z.boolean().optional(),
    branch: z.string().min(1).max(255).optional(),
  })
  .refine((b) => (b.dir !== undefined) !== (b.run !== undefined && b.artifact !== undefined), {
    message: 'give the release files as either dir, or run and artifact',
  });
export const idParams = z.object({ id: z.coerce.number().int().positive() });
export const environmentParams = z.object({ project: z.string().min(1).max(200), name });
export const promoteBody = z.strictObject({ full: z.boolean().optional() });
export const abortBody = z.strictObject({ reason: z.string().max(2000).optional() });
export const rollbackBody = z.strictObject({ to: name.optional(), service: name.optional() });
export const listQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).optional() });

/**
 * Deployments: submit (202, the loop runs in the server), inspect, promote, abort, roll back, and an
 * environment's history. The project is the URL-encoded project name. Identity as in environment-routes.
 */
export function registerDeploymentRoutes(app: FastifyInstance, deps: DeploymentRouteDeps): void {
  const { db, controller } = deps;

  app.post('/api/v1/deployments', async (request, reply) => {
    const { actor, role } = readRequestIdentity(request);
    const body = parseBody(submitBody, request.body ?? {}, 'deployment');
    const { deployment, created } = await controller.submit({
      project: body.project,
      environment: body.environment,
      service: body.service,
      ...(body.strategy === undefined ? {} : { strategy: body.strategy }),
      version: body.version,
      source: body.dir !== undefined ? { dir: body.dir } : { runId: body.run!, artifact: body.artifact! },
      ...(body.idempotencyKey === undefined ? {} : { idempotencyKey: body.idempotencyKey }),
      ...(body.supersede === undefined ? {} : { supersede: body.supersede }),
      ...(body.branch === undefined ? {} : { branch: body.branch }),
      actor,
    });
    // A repeated submission (same idempotency key) changes nothing, so it is not an action to record.
    if (created) {
      await appendAuditEntry(db, {
        actor, role, action: 'deployment.deploy', subject: { type: 'deployment', id: String(deployment.id) }, project: body.project,
        after: auditedDeployment(deployment),
      });
    }
    void reply.status(created ? 202 : 200);
    return { deployment: present(deployment, body.project), created };
  });

  // Clients that send traffic to deployed services (the demo, a pipeline's verify step) learn the
  // router's address here rather than assuming SLIPWAY_ROUTER_PORT's default; 503 when it did not start.
  app.get('/api/v1/router', async () => ({ routerUrl: controller.routerUrl }));

  app.get('/api/v1/deployments/:id', async (request) => {
    const { id } = parseBody(idParams, request.params, 'deployment path');
    const view = await controller.describe(id);
    return { ...view, deployment: await presentWithProject(db, view.deployment), routerUrl: controller.routerUrl };
  });

  app.get('/api/v1/projects/:project/environments/:name/deployments', async (request) => {
    const params = parseBody(environmentParams, request.params, 'environment path');
    const query = parseBody(listQuery, request.query, 'deployment list query');
    const project = await findProjectByName(db, params.project);
    if (!project) throw new AppError(ErrorCode.notFound, `no project ${params.project}: check the name with \`slipway runs\``);
    if (!(await getEnvironment(db, project.id, params.name))) {
      throw new AppError(ErrorCode.notFound, `project ${params.project} has no environment ${params.name}: list them with \`slipway env list ${params.project}\``);
    }
    const deployments = await controller.list(project.id, params.name, query.limit);
    return { deployments: deployments.map((d) => present(d, project.name)) };
  });

  app.post('/api/v1/deployments/:id/promote', async (request) => {
    const { actor, role } = readRequestIdentity(request);
    const { id } = parseBody(idParams, request.params, 'deployment path');
    const body = parseBody(promoteBody, request.body ?? {}, 'promote');
    const deployment = await presentWithProject(db, await controller.promote(id, { full: body.full ?? false, actor }));
    await appendAuditEntry(db, {
      actor, role, action: 'deployment.promote', subject: { type: 'deployment', id: String(id) }, project: deployment.project,
      after: { ...auditedDeployment(deployment), full: body.full ?? false },
    });
    return { deployment };
  });

  app.post('/api/v1/deployments/:id/abort', async (request) => {
    const { actor, role } = readRequestIdentity(request);
    const { id } = parseBody(idParams, request.params, 'deployment path');
    const body = parseBody(abortBody, request.body ?? {}, 'abort');
    const deployment = await presentWithProject(db, await controller.abort(id, { actor, ...(body.reason === undefined ? {} : { reason: body.reason }) }));
    await appendAuditEntry(db, {
      actor, role, action: 'deployment.abort', subject: { type: 'deployment', id: String(id) }, project: deployment.project,
      after: { ...auditedDeployment(deployment), reason: body.reason ?? null },
    });
    return { deployment };
  });

  app.post('/api/v1/projects/:project/environments/:name/rollback', async (request, reply) => {
    const { actor, role } = readRequestIdentity(request);
    const params = parseBody(environmentParams, request.params, 'environment path');
    const body = parseBody(rollbackBody, request.body ?? {}, 'rollback');
    const result = await controller.rollback({
      project: params.project,
      environment: params.name,
      actor,
      ...(body.to === undefined ? {} : { to: body.to }),
      ...(body.service === undefined ? {} : { service: body.service }),
    });
    await appendAuditEntry(db, {
      actor, role, action: 'deployment.rollback', subject: { type: 'deployment', id: String(result.deployment.id) }, project: params.project,
      after: { ...auditedDeployment(result.deployment), action: result.action, to: body.to ?? null },
    });
    void reply.status(202);
    return { action: result.action, deployment: present(result.deployment, params.project) };
  });
}

function present(deployment: Deployment, project: string) {
  const { projectId: _projectId, ...shown } = deployment;
  return { project, ...shown };
}

async function presentWithProject(db: Db, deployment: Deployment) {
  const { rows } = await db.query<{ name: string }>('SELECT name FROM projects WHERE id = $1', [deployment.projectId]);
  return present(deployment, rows[0]?.name ?? String(deployment.projectId));
}

/** What a deployment's audit entry shows of it. */
function auditedDeployment(deployment: Pick<Deployment, 'environment' | 'service' | 'version' | 'kind' | 'status'>) {
  return { environment: deployment.environment, service: deployment.service, version: deployment.version, kind: deployment.kind, status: deployment.status };
}
