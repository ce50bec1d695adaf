import type { FastifyInstance, FastifyRequest } from 'fastify';
import { appendAuditEntry } from '../../audit/index.js';
import type { Clock } from '../../clock/clock.js';
import { AppError, ErrorCode } from '../../errors/app-error.js';
import {
  authenticateAgentToken,
  defaultTeamName,
  ensureProjectInTeam,
  findProjectAccess,
  findTeam,
  type Principal,
  type ProjectAccess,
  type ProjectLookup,
  roleAtLeast,
  roleInTeam,
  type TeamRole,
  teamsWithRole,
} from '../../identity/index.js';
import type { Db } from '../../store/db.js';
import type { ApiAccess, ApiOperation } from '../openapi/api-operation.js';
import { apiOperations } from '../openapi/api-operations.js';
import type { AgentTokenCache } from './agent-token-cache.js';
import { authenticateRequest } from './authenticate-request.js';
import { setRequestAccess } from './request-access.js';

export interface AccessControlDeps {
  db: Db;
  clock: Clock;
  /** Default apiOperations: every documented route with its access. */
  operations?: readonly ApiOperation[];
  /** Where verified agent tokens are remembered for the agent routes' own check. */
  agentTokens?: AgentTokenCache;
}

/**
 * Checks every request against its route's documented access before the handler runs (preHandler:
 * after the body is parsed, so `from: 'body'` can read it). Routes under /api/ that are not documented
 * are refused: a route cannot be reachable without saying who may call it. Other routes (the web UI's
 * pages and assets) are public.
 */
export function registerAccessControl(app: FastifyInstance, deps: AccessControlDeps | undefined): void {
  const byRoute = new Map((deps?.operations ?? apiOperations).map((operation) => [`${operation.method} ${operation.path}`, operation]));
  app.addHook('preHandler', async (request) => {
    const url = request.routeOptions.url;
    if (url === undefined) return;
    const method = request.method === 'HEAD' ? 'GET' : request.method;
    const operation = byRoute.get(`${method} ${url}`);
    if (!operation) {
      if (url.startsWith('/api/')) throw new AppError(ErrorCode.internal, `${method} ${url} declares no access: document it in src/api/openapi/operations`);
      return;
    }
    const { access } = operation;
    if (access.kind === 'public') return;
    if (access.kind === 'agent') {
      if (deps) await verifyAgentToken(deps, request);
      return;
    }
    if (!deps) throw new AppError(ErrorCode.unavailable, 'this server was started without its identity store: it serves public routes only');
    const nowMs = deps.clock.now();
    const { principal, via } = await authenticateRequest(deps.db, request, nowMs);
    if (access.kind === 'admin' && !principal.admin) {
      throw new AppError(ErrorCode.permissionDenied, `only administrators may ${lowerFirst(operation.summary)}`);
    }
    if (access.kind !== 'project') {
      setRequestAccess(request, { principal, via });
      return;
    }
    const { project, role } = await checkProjectAccess(deps, request, operation, access, principal);
    setRequestAccess(request, { principal, via, project, role });
  });
}

/** An agent's own token (slpa_…) is checked against the store; the shared token is the route's to check. */
async function verifyAgentToken(deps: AccessControlDeps, request: FastifyRequest): Promise<void> {
  const match = /^Bearer (slpa_\S+)$/.exec(request.headers.authorization ?? '');
  if (!match) return;
  const checked = await authenticateAgentToken(deps.db, match[1]!, deps.clock.now());
  if (!checked.ok) throw new AppError(ErrorCode.unauthenticated, `the agent token is ${checked.refusal === 'unknown' ? 'not valid' : checked.refusal}: issue a new one with \`slipway agents token create\``);
  deps.agentTokens?.remember(match[1]!);
}

type ProjectRule = Extract<ApiAccess, { kind: 'project' }>;

async function checkProjectAccess(
  deps: AccessControlDeps,
  request: FastifyRequest,
  operation: ApiOperation,
  access: ProjectRule,
  principal: Principal,
): Promise<{ project: ProjectAccess; role: TeamRole }> {
  const lookup: ProjectLookup = access.from === 'body' ? 'project' : access.from;
  const key = access.from === 'body' ? field(request.body, 'project') : field(request.params, access.from === 'project' ? 'project' : 'id');
  if (key === undefined || key === '' || key.length > 200) {
    throw new AppError(ErrorCode.invalidArgument, access.from === 'body' ? 'the body needs a `project` (its name, e.g. acme/web)' : 'the path names no valid subject');
  }
  if (lookup !== 'project' && !/^[1-9][0-9]{0,17}$/.test(key)) {
    throw new AppError(ErrorCode.invalidArgument, `invalid ${lookup} id ${JSON.stringify(key.slice(0, 40))}: expected a positive whole number`);
  }
  const hidden = new AppError(ErrorCode.notFound, `no ${lookup} ${key}${lookup === 'project' ? '' : ' in the projects you can see'}`);
  let project = await findProjectAccess(deps.db, lookup, key);
  if (!project) {
    if (!access.creates || lookup !== 'project') throw hidden;
    project = await createProject(deps, principal, key, access.role);
  }
  const role = roleInTeam(principal, project.teamId);
  // Not a member of the owning team: the project does not exist for them (404, as for a missing one).
  if (role === undefined) throw hidden;
  if (!roleAtLeast(role, access.role)) {
    throw new AppError(
      ErrorCode.permissionDenied,
      `${access.role} or above in the team owning ${project.project} is needed to ${lowerFirst(operation.summary)}; you are ${role}: a team admin can change your role`,
    );
  }
  return { project, role };
}

/** A first run, secret or environment of a new project: created in the one team where the caller may do that. */
async function createProject(deps: AccessControlDeps, principal: Principal, name: string, role: TeamRole): Promise<ProjectAccess> {
  const teams = teamsWithRole(principal, role);
  let teamId = teams.length === 1 ? teams[0]!.teamId : undefined;
  if (teamId === undefined && teams.length === 0 && principal.admin) teamId = (await findTeam(deps.db, defaultTeamName))?.id;
  if (teamId === undefined) {
    if (teams.length > 1) {
      throw new AppError(
        ErrorCode.invalidArgument,
        `project ${name} does not exist and you are ${role} or above in several teams (${teams.map((team) => team.team).join(', ')}): create it first with \`slipway projects create ${name} --team TEAM\``,
      );
    }
    throw new AppError(ErrorCode.permissionDenied, `project ${name} does not exist and you are not ${role} or above in any team that could own it: ask a team admin to add you`);
  }
  return deps.db.transaction(async (tx) => {
    const project = await ensureProjectInTeam(tx, { project: name, teamId });
    if (project.teamId === teamId) {
      await appendAuditEntry(
        tx,
        {
          actor: principal.user,
          role: roleInTeam(principal, teamId) ?? '',
          action: 'project.create',
          subject: { type: 'project', id: name },
          project: name,
          after: { name, teamId },
        },
        { clock: deps.clock },
      );
    }
    return project;
  });
}

function field(value: unknown, name: string): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const found = (value as Record<string, unknown>)[name];
  return typeof found === 'string' || typeof found === 'number' ? String(found) : undefined;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1).replace(/\.$/, '');
}
