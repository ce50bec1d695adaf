import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { appendAuditEntry } from '../audit/index.js';
import { AppError, ErrorCode } from '../errors/app-error.js';
import { deleteSecret, listSecrets, type SecretCrypto, setSecret } from '../secrets/index.js';
import { type Db, ensureProject, findProjectByName, type Project } from '../store/index.js';
import { parseBody } from './agents/parse-body.js';
import { readRequestIdentity } from './request-identity.js';

export interface SecretRouteDeps {
  db: Db;
  /** Built once at server start from the master key (loadMasterKey + createSecretCrypto). */
  crypto: SecretCrypto;
}

export const projectParams = z.object({ project: z.string().min(1).max(200) });
export const secretParams = projectParams.extend({ name: z.string().min(1).max(255) });
export const environmentQuery = z.object({ environment: z.string().min(1).max(255).optional() });
export const setBody = z.object({
  value: z.string(),
  environment: z.string().min(1).max(255).nullable().optional(),
});

/**
 * Secrets are write-only over the API: set (PUT), list by name and scope (GET), delete (DELETE).
 * No route ever returns a value; values leave the server only in job assignments to agents.
 * The project is the URL-encoded project name (`acme%2Fweb`).
 */
export function registerSecretRoutes(app: FastifyInstance, deps: SecretRouteDeps): void {
  const existingProject = async (name: string): Promise<Project> => {
    const project = await findProjectByName(deps.db, name);
    if (!project) throw new AppError(ErrorCode.notFound, `no project ${name}: set one of its secrets or start a run to create it`);
    return project;
  };

  app.put('/api/v1/projects/:project/secrets/:name', async (request, reply) => {
    const params = parseBody(secretParams, request.params, 'secret path');
    const body = parseBody(setBody, request.body, 'secret');
    // Secrets are usually set before the first run: the project is created if need be, as a run would.
    const project = await ensureProject(deps.db, { name: params.project });
    const environment = body.environment ?? null;
    // One transaction: a secret is never changed without its audit entry. The entry holds the scope, never the value.
    await deps.db.transaction(async (tx) => {
      await setSecret(tx, deps.crypto, { projectId: project.id, name: params.name, value: body.value, environment });
      await appendAuditEntry(tx, {
        ...readRequestIdentity(request),
        action: 'secret.set',
        subject: secretSubject(params.name, environment),
        project: project.name,
        after: { name: params.name, environment },
      });
    });
    void reply.status(204);
  });

  app.get('/api/v1/projects/:project/secrets', async (request) => {
    const params = parseBody(projectParams, request.params, 'secret path');
    const query = parseBody(environmentQuery, request.query, 'secret list query');
    const project = await existingProject(params.project);
    const secrets = await listSecrets(deps.db, {
      projectId: project.id,
      ...(query.environment === undefined ? {} : { environment: query.environment }),
    });
    return {
      secrets: secrets.map((secret) => ({
        name: secret.name,
        environment: secret.environment,
        createdAt: secret.createdAt,
        updatedAt: secret.updatedAt,
      })),
    };
  });

  app.delete('/api/v1/projects/:project/secrets/:name', async (request, reply) => {
    const params = parseBody(secretParams, request.params, 'secret path');
    const query = parseBody(environmentQuery, request.query, 'secret query');
    const project = await existingProject(params.project);
    const environment = query.environment ?? null;
    const deleted = await deps.db.transaction(async (tx) => {
      const existed = await deleteSecret(tx, { projectId: project.id, name: params.name, environment });
      if (existed) {
        await appendAuditEntry(tx, {
          ...readRequestIdentity(request),
          action: 'secret.delete',
          subject: secretSubject(params.name, environment),
          project: project.name,
          before: { name: params.name, environment },
        });
      }
      return existed;
    });
    if (!deleted) {
      const where = query.environment === undefined ? 'project-wide' : `in environment ${query.environment}`;
      throw new AppError(ErrorCode.notFound, `project ${params.project} has no secret ${params.name} (${where})`);
    }
    void reply.status(204);
  });
}

/** `NAME` for a project-wide secret, `ENVIRONMENT/NAME` for an environment's. */
function secretSubject(name: string, environment: string | null) {
  return { type: 'secret', id: environment === null ? name : `${environment}/${name}` };
}
