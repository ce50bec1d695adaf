import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { appendAuditEntry } from '../audit/index.js';
import type { Clock } from '../clock/clock.js';
import { AppError, ErrorCode } from '../errors/app-error.js';
import {
  authenticateUserToken,
  closeSession,
  createTeam,
  createUser,
  ensureProjectInTeam,
  findProjectAccess,
  getTeam,
  getToken,
  getUser,
  issueToken,
  listTeams,
  listTokens,
  listUsers,
  openSession,
  type Principal,
  removeTeamMember,
  revokeToken,
  roleInTeam,
  setTeamMember,
  teamRoles,
  type TokenInfo,
  visibleTeamIds,
} from '../identity/index.js';
import { parseDurationMs } from '../pipeline/parse-duration.js';
import type { Db } from '../store/db.js';
import { parseBody } from './agents/parse-body.js';
import { readCookie, sessionCookie } from './auth/authenticate-request.js';
import { requireRequestAccess } from './auth/request-access.js';

export interface IdentityRouteDeps {
  db: Db;
  clock: Clock;
  /** How long a web UI session lasts (it also ends with its token). Default 12 h. */
  sessionTtlMs?: number;
}

const defaultSessionTtlMs = 12 * 3_600_000;
const maxTokenLifetimeMs = 366 * 86_400_000;

export const sessionBody = z.object({ token: z.string().min(1).max(200) });
export const userBody = z.object({ name: z.string().min(1).max(63), admin: z.boolean().default(false) });
export const userParams = z.object({ name: z.string().min(1).max(63) });
export const tokenBody = z.object({
  name: z.string().min(1).max(200),
  expiresIn: z
    .string()
    .max(20)
    .optional()
    .meta({ description: 'How long it lasts, e.g. 30d, 12h; at most 366d. Omitted: until revoked.' }),
});
export const tokenParams = z.object({ id: z.coerce.number().int().positive() });
export const teamBody = z.object({ name: z.string().min(1).max(63) });
export const teamParams = z.object({ team: z.string().min(1).max(63) });
export const memberParams = teamParams.extend({ user: z.string().min(1).max(63) });
export const memberBody = z.object({ role: z.enum(teamRoles) });
export const projectBody = z.object({ name: z.string().min(1).max(200), team: z.string().min(1).max(63) });

/**
 * People, teams and tokens: the web UI's session (open with a token, close), who am I, users and
 * teams (administrators; a team's admins manage its members), API tokens (each person their own,
 * administrators anyone's) and agent tokens (administrators), and explicit project creation in a team.
 */
export function registerIdentityRoutes(app: FastifyInstance, deps: IdentityRouteDeps): void {
  const { db, clock } = deps;
  const ttlMs = deps.sessionTtlMs ?? defaultSessionTtlMs;
  const audit = (principal: Principal, entry: Omit<Parameters<typeof appendAuditEntry>[1], 'actor' | 'role'>) =>
    appendAuditEntry(db, { actor: principal.user, role: principal.admin ? 'admin' : '', ...entry }, { clock });

  app.post('/api/v1/session', async (request, reply) => {
    const body = parseBody(sessionBody, request.body, 'sign-in');
    const checked = await authenticateUserToken(db, body.token, clock.now());
    if (!checked.ok) throw new AppError(ErrorCode.unauthenticated, `that token cannot sign in (${checked.refusal}): use a valid API token (slp_…)`);
    const session = await openSession(db, { tokenId: checked.value.tokenId, nowMs: clock.now(), ttlMs });
    setSessionCookie(reply, session.secret, Math.floor(ttlMs / 1000));
    void reply.status(201);
    return { user: presentMe(checked.value), csrfToken: session.csrfToken, expiresAt: session.expiresAt };
  });

  app.delete('/api/v1/session', async (request, reply) => {
    const secret = readCookie(request.headers.cookie, sessionCookie);
    if (secret) await closeSession(db, secret);
    setSessionCookie(reply, '', 0);
    void reply.status(204);
  });

  app.get('/api/v1/me', async (request) => ({ user: presentMe(requireRequestAccess(request).principal) }));

  app.get('/api/v1/users', async () => ({ users: await listUsers(db) }));

  app.post('/api/v1/users', async (request, reply) => {
    const { principal } = requireRequestAccess(request);
    const body = parseBody(userBody, request.body, 'user');
    const user = await db.transaction(async (tx) => {
      const created = await createUser(tx, { name: body.name, admin: body.admin, nowMs: clock.now() });
      await appendAuditEntry(tx, { actor: principal.user, role: 'admin', action: 'user.create', subject: { type: 'user', id: created.name }, after: { name: created.name, admin: created.admin } }, { clock });
      return created;
    });
    void reply.status(201);
    return { user };
  });

  app.get('/api/v1/users/:name/tokens', async (request) => {
    const { name } = parseBody(userParams, request.params, 'user path');
    const user = await ownUserOrAdmin(db, requireRequestAccess(request).principal, name);
    return { tokens: await listTokens(db, { kind: 'user', userId: user.id }) };
  });

  app.post('/api/v1/users/:name/tokens', async (request, reply) => {
    const { name } = parseBody(userParams, request.params, 'user path');
    const { principal } = requireRequestAccess(request);
    const user = await ownUserOrAdmin(db, principal, name);
    const body = parseBody(tokenBody, request.body, 'token');
    const token = await issueToken(db, { kind: 'user', userId: user.id, name: body.name, createdBy: principal.user, nowMs: clock.now(), ...expiry(body.expiresIn, clock) });
    await audit(principal, { action: 'token.issue', subject: { type: 'token', id: String(token.id) }, after: presentToken(token) });
    void reply.status(201);
    return { token: { ...presentToken(token), secret: token.secret } };
  });

  app.delete('/api/v1/tokens/:id', async (request) => {
    const { id } = parseBody(tokenParams, request.params, 'token path');
    const { principal } = requireRequestAccess(request);
    const token = await getToken(db, id);
    // Someone else's token does not exist for a person who is not an administrator.
    if (!token || (!principal.admin && token.user !== principal.user)) throw new AppError(ErrorCode.notFound, `no token ${id} of yours: list them with \`slipway tokens list\``);
    const revoked = await revokeToken(db, { id, nowMs: clock.now() });
    await audit(principal, { action: 'token.revoke', subject: { type: 'token', id: String(id) }, before: presentToken(token), after: presentToken(revoked!) });
    return { token: presentToken(revoked!) };
  });

  app.get('/api/v1/agent-tokens', async () => ({ tokens: (await listTokens(db, { kind: 'agent' })).map(presentToken) }));

  app.post('/api/v1/agent-tokens', async (request, reply) => {
    const { principal } = requireRequestAccess(request);
    const body = parseBody(tokenBody, request.body, 'agent token');
    const token = await issueToken(db, { kind: 'agent', name: body.name, createdBy: principal.user, nowMs: clock.now(), ...expiry(body.expiresIn, clock) });
    await audit(principal, { action: 'token.issue', subject: { type: 'token', id: String(token.id) }, after: presentToken(token) });
    void reply.status(201);
    return { token: { ...presentToken(token), secret: token.secret } };
  });

  app.get('/api/v1/teams', async (request) => ({ teams: await listTeams(db, visibleTeamIds(requireRequestAccess(request).principal)) }));

  app.post('/api/v1/teams', async (request, reply) => {
    const { principal } = requireRequestAccess(request);
    const body = parseBody(teamBody, request.body, 'team');
    const team = await db.transaction(async (tx) => {
      const created = await createTeam(tx, { name: body.name, nowMs: clock.now() });
      await appendAuditEntry(tx, { actor: principal.user, role: 'admin', action: 'team.create', subject: { type: 'team', id: created.name }, after: { name: created.name } }, { clock });
      return created;
    });
    void reply.status(201);
    return { team };
  });

  app.put('/api/v1/teams/:team/members/:user', async (request) => {
    const params = parseBody(memberParams, request.params, 'member path');
    const body = parseBody(memberBody, request.body, 'member');
    const { principal } = requireRequestAccess(request);
    const team = await teamAdminOf(db, principal, params.team);
    const user = await getUser(db, params.user);
    await db.transaction(async (tx) => {
      await setTeamMember(tx, { teamId: team.id, userId: user.id, role: body.role });
      await appendAuditEntry(tx, { actor: principal.user, role: roleInTeam(principal, team.id) ?? '', action: 'team_member.put', subject: { type: 'team_member', id: `${team.name}/${user.name}` }, after: { team: team.name, user: user.name, role: body.role } }, { clock });
    });
    return { member: { team: team.name, user: user.name, role: body.role } };
  });

  app.delete('/api/v1/teams/:team/members/:user', async (request, reply) => {
    const params = parseBody(memberParams, request.params, 'member path');
    const { principal } = requireRequestAccess(request);
    const team = await teamAdminOf(db, principal, params.team);
    const user = await getUser(db, params.user);
    await db.transaction(async (tx) => {
      if (!(await removeTeamMember(tx, { teamId: team.id, userId: user.id }))) throw new AppError(ErrorCode.notFound, `${user.name} is not in team ${team.name}`);
      await appendAuditEntry(tx, { actor: principal.user, role: roleInTeam(principal, team.id) ?? '', action: 'team_member.delete', subject: { type: 'team_member', id: `${team.name}/${user.name}` }, before: { team: team.name, user: user.name } }, { clock });
    });
    void reply.status(204);
  });

  app.post('/api/v1/projects', async (request, reply) => {
    const body = parseBody(projectBody, request.body, 'project');
    const { principal } = requireRequestAccess(request);
    const team = await getVisibleTeam(db, principal, body.team);
    const role = roleInTeam(principal, team.id);
    if (role !== 'maintainer' && role !== 'admin') {
      throw new AppError(ErrorCode.permissionDenied, `maintainer or above in team ${team.name} is needed to create its projects; you are ${role}`);
    }
    if (await findProjectAccess(db, 'project', body.name)) throw new AppError(ErrorCode.alreadyExists, `project ${body.name} already exists`);
    const project = await db.transaction(async (tx) => {
      const created = await ensureProjectInTeam(tx, { project: body.name, teamId: team.id });
      await appendAuditEntry(tx, { actor: principal.user, role, action: 'project.create', subject: { type: 'project', id: body.name }, project: body.name, after: { name: body.name, team: team.name } }, { clock });
      return created;
    });
    void reply.status(201);
    return { project: { name: project.project, team: team.name } };
  });
}

function presentMe(principal: Principal) {
  return { name: principal.user, admin: principal.admin, teams: principal.teams.map(({ team, role }) => ({ team, role })) };
}

function presentToken(token: TokenInfo) {
  return {
    id: token.id,
    kind: token.kind,
    user: token.user,
    name: token.name,
    prefix: token.prefix,
    createdBy: token.createdBy,
    createdAt: token.createdAt,
    expiresAt: token.expiresAt,
    revokedAt: token.revokedAt,
    lastUsedAt: token.lastUsedAt,
  };
}

function expiry(expiresIn: string | undefined, clock: Clock): { expiresAtMs?: number } {
  if (expiresIn === undefined) return {};
  const ms = parseDurationMs(expiresIn);
  if (ms === undefined || ms <= 0 || ms > maxTokenLifetimeMs) {
    throw new AppError(ErrorCode.invalidArgument, `expiresIn ${JSON.stringify(expiresIn)} is not a duration from 1s to 366d, like 30d or 12h`);
  }
  return { expiresAtMs: clock.now() + ms };
}

function setSessionCookie(reply: FastifyReply, value: string, maxAgeSeconds: number): void {
  // HttpOnly: page scripts never read it; SameSite=Strict: other sites' pages do not send it.
  void reply.header('set-cookie', `${sessionCookie}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}`);
}

async function ownUserOrAdmin(db: Db, principal: Principal, name: string) {
  if (!principal.admin && principal.user !== name) throw new AppError(ErrorCode.notFound, `no user ${name} whose tokens you can see: you manage your own (${principal.user})`);
  return getUser(db, name);
}

/** A team the caller is in (any team for administrators); others do not exist for them. */
async function getVisibleTeam(db: Db, principal: Principal, name: string) {
  const team = await getTeam(db, name).catch(() => undefined);
  if (!team || roleInTeam(principal, team.id) === undefined) throw new AppError(ErrorCode.notFound, `no team ${name} of yours: list yours with \`slipway teams list\``);
  return team;
}

async function teamAdminOf(db: Db, principal: Principal, name: string) {
  const team = await getVisibleTeam(db, principal, name);
  if (roleInTeam(principal, team.id) !== 'admin') throw new AppError(ErrorCode.permissionDenied, `only team ${team.name}'s admins (or administrators) manage its members`);
  return team;
}
