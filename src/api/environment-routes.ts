import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { appendAuditEntry } from '../audit/index.js';
import type { Clock } from '../clock/clock.js';
import { decideGate, expireGates, gateStatuses, listGates, readGate } from '../deploy/approvals/index.js';
import { checkMaintainer, deleteEnvironment, type Environment, getEnvironment, listEnvironments, putEnvironment } from '../deploy/environments/index.js';
import { AppError, ErrorCode } from '../errors/app-error.js';
import { type Db, findProjectByName, type Project } from '../store/index.js';
import { parseBody } from './agents/parse-body.js';
import { registerAuditRoutes } from './audit-routes.js';
import { readProjectName } from './read-project-name.js';
import { visibleTeamsOf } from './auth/request-access.js';
import { readRequestIdentity } from './request-identity.js';

export interface EnvironmentRouteDeps {
  db: Db;
  clock: Clock;
}

export const projectParams = z.object({ project: z.string().min(1).max(200) });
export const environmentParams = projectParams.extend({ name: z.string().min(1).max(255) });
export const putBody = z.strictObject({ rules: z.unknown().optional(), expectedVersion: z.number().int().positive().optional() });
export const approvalParams = z.object({ id: z.coerce.number().int().positive() });
export const decisionBody = z.strictObject({ comment: z.string().max(2000).optional() }).optional();
export const listQuery = z.object({
  status: z.enum(gateStatuses).optional(),
  project: z.string().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});

/**
 * Environments and their protection rules (maintainers only, for changes), and the approval requests
 * deployments wait at. The project is the URL-encoded project name (`acme%2Fweb`). Identity comes from
 * readRequestIdentity (trusted headers until RBAC).
 */
export function registerEnvironmentRoutes(app: FastifyInstance, deps: EnvironmentRouteDeps): void {
  const { db, clock } = deps;
  const existingProject = async (name: string): Promise<Project> => {
    const project = await findProjectByName(db, name);
    if (!project) throw new AppError(ErrorCode.notFound, `no project ${name}: check the name with \`slipway runs\`, or start a run to create it`);
    return project;
  };
  const existingEnvironment = async (projectName: string, name: string): Promise<Environment> => {
    const environment = await getEnvironment(db, (await existingProject(projectName)).id, name);
    if (!environment) throw new AppError(ErrorCode.notFound, `project ${projectName} has no environment ${name}: list them with \`slipway env list ${projectName}\``);
    return environment;
  };

  app.put('/api/v1/projects/:project/environments/:name', async (request, reply) => {
    const { actor, role } = readRequestIdentity(request);
    checkMaintainer(actor, role);
    const params = parseBody(environmentParams, request.params, 'environment path');
    const body = parseBody(putBody, request.body ?? {}, 'environment');
    const project = await existingProject(params.project);
    // One transaction: the rules never change without their audit entry, and `before` is what was replaced.
    const { environment, created } = await db.transaction(async (tx) => {
      const before = await getEnvironment(tx, project.id, params.name);
      const put = await putEnvironment(tx, clock, {
        projectId: project.id,
        name: params.name,
        rules: body.rules ?? {},
        actor,
        ...(body.expectedVersion === undefined ? {} : { expectedVersion: body.expectedVersion }),
      });
      await appendAuditEntry(tx, {
        actor, role, action: 'environment.put', subject: { type: 'environment', id: params.name }, project: project.name,
        before: before && auditedEnvironment(before), after: auditedEnvironment(put.environment),
      }, { clock });
      return put;
    });
    void reply.status(created ? 201 : 200);
    return { environment: present(environment, project.name) };
  });

  app.get('/api/v1/projects/:project/environments/:name', async (request) => {
    const params = parseBody(environmentParams, request.params, 'environment path');
    return { environment: present(await existingEnvironment(params.project, params.name), params.project) };
  });

  app.get('/api/v1/projects/:project/environments', async (request) => {
    const params = parseBody(projectParams, request.params, 'environment path');
    const project = await existingProject(params.project);
    return { environments: (await listEnvironments(db, project.id)).map((environment) => present(environment, project.name)) };
  });

  app.delete('/api/v1/projects/:project/environments/:name', async (request, reply) => {
    const { actor, role } = readRequestIdentity(request);
    checkMaintainer(actor, role);
    const params = parseBody(environmentParams, request.params, 'environment path');
    const environment = await existingEnvironment(params.project, params.name);
    await db.transaction(async (tx) => {
      await deleteEnvironment(tx, environment.projectId, environment.name);
      await appendAuditEntry(tx, {
        actor, role, action: 'environment.delete', subject: { type: 'environment', id: environment.name }, project: params.project,
        before: auditedEnvironment(environment),
      }, { clock });
    });
    void reply.status(204);
  });

  app.get('/api/v1/approvals', async (request) => {
    const query = parseBody(listQuery, request.query, 'approval list query');
    // Gates past their timeout are expired first, so a "pending" list never offers one that cannot be decided.
    await expireGates(db, clock);
    const projectId = query.project === undefined ? undefined : (await existingProject(query.project)).id;
    const teamIds = visibleTeamsOf(request);
    const approvals = await listGates(db, {
      ...(teamIds ? { teamIds } : {}),
      ...(query.status === undefined ? {} : { status: query.status }),
      ...(projectId === undefined ? {} : { projectId }),
      ...(query.limit === undefined ? {} : { limit: query.limit }),
    });
    return { approvals };
  });

  app.get('/api/v1/approvals/:id', async (request) => {
    const { id } = parseBody(approvalParams, request.params, 'approval path');
    const gate = await readGate(db, id, clock);
    return { approval: gate.request, ...(gate.retryAtMs === undefined ? {} : { retryAt: new Date(gate.retryAtMs) }) };
  });

  for (const decision of ['approve', 'reject'] as const) {
    app.post(`/api/v1/approvals/:id/${decision}`, async (request) => {
      const { actor, role } = readRequestIdentity(request);
      const { id } = parseBody(approvalParams, request.params, 'approval path');
      const body = parseBody(decisionBody, request.body ?? undefined, decision);
      const approval = await decideGate(db, clock, { requestId: id, actor, role, decision, ...(body?.comment === undefined ? {} : { comment: body.comment }) });
      // After the decision commits: decideGate runs its own transactions (an expiry is committed apart).
      await appendAuditEntry(db, {
        actor, role, action: `approval.${decision}`, subject: { type: 'approval', id: String(id) }, project: await readProjectName(db, approval.projectId),
        after: { status: approval.status, environment: approval.environment, runId: approval.runId, comment: body?.comment ?? '' },
      }, { clock });
      return { approval };
    });
  }

  // Here rather than in create-server.ts (owned elsewhere right now): the audit log is served wherever environments are.
  registerAuditRoutes(app, { db });
}

/** What an environment's audit entry shows of it. */
function auditedEnvironment(environment: Environment) {
  return { rules: environment.rules, version: environment.version };
}

function present(environment: Environment, project: string) {
  const { id: _id, projectId: _projectId, ...shown } = environment;
  return { project, ...shown };
}
