import type { FastifyRequest } from 'fastify';
import { AppError, ErrorCode } from '../../errors/app-error.js';
import type { Principal, ProjectAccess, TeamRole } from '../../identity/index.js';
import { visibleTeamIds } from '../../identity/index.js';

/** What the access check learned about a request, for its handler. */
export interface RequestAccess {
  principal: Principal;
  /** How the request authenticated. */
  via: 'token' | 'session';
  /** For project routes: the project and the caller's role in its team. */
  project?: ProjectAccess;
  role?: TeamRole;
}

const accesses = new WeakMap<FastifyRequest, RequestAccess>();

export function setRequestAccess(request: FastifyRequest, access: RequestAccess): void {
  accesses.set(request, access);
}

export function findRequestAccess(request: FastifyRequest): RequestAccess | undefined {
  return accesses.get(request);
}

/** The signed-in caller; throws on a route that is not behind the access check (a wiring bug). */
export function requireRequestAccess(request: FastifyRequest): RequestAccess {
  const access = accesses.get(request);
  if (!access) throw new AppError(ErrorCode.internal, `${request.method} ${request.routeOptions.url ?? request.url} ran without an access check`);
  return access;
}

/** Team ids whose projects the caller sees; undefined for administrators (every team). */
export function visibleTeamsOf(request: FastifyRequest): number[] | undefined {
  return visibleTeamIds(requireRequestAccess(request).principal);
}
