import type { FastifyRequest } from 'fastify';
import { AppError, ErrorCode } from '../errors/app-error.js';
import { roleNamePattern } from '../deploy/environments/index.js';

export interface RequestIdentity {
  actor: string;
  role: string;
}

const maxActorLength = 200;

/**
 * Who is acting, from the `x-slipway-actor` and `x-slipway-role` headers. Stopgap until RBAC with
 * tokens (issue 6): the headers are trusted as sent, which is only acceptable while the server binds
 * to loopback (the default), where every client is already a local user. RBAC replaces this function.
 */
export function readRequestIdentity(request: FastifyRequest): RequestIdentity {
  const actor = headerValue(request, 'x-slipway-actor');
  if (actor === undefined) {
    throw new AppError(ErrorCode.unauthenticated, 'who is acting? send the x-slipway-actor header (CLI: --as NAME, or SLIPWAY_ACTOR)');
  }
  if (actor.length > maxActorLength) throw new AppError(ErrorCode.invalidArgument, `x-slipway-actor is longer than ${maxActorLength} characters`);
  const role = headerValue(request, 'x-slipway-role');
  if (role === undefined) {
    throw new AppError(ErrorCode.unauthenticated, `in which role does ${actor} act? send the x-slipway-role header (CLI: --role ROLE, or SLIPWAY_ROLE)`);
  }
  if (!roleNamePattern.test(role)) {
    throw new AppError(ErrorCode.invalidArgument, `x-slipway-role ${JSON.stringify(role)} is not a role name like maintainer (lower case letters, digits, _ or -)`);
  }
  return { actor, role };
}

function headerValue(request: FastifyRequest, name: string): string | undefined {
  const raw = request.headers[name];
  const value = (Array.isArray(raw) ? raw[0] : raw)?.trim();
  return value === undefined || value === '' ? undefined : value;
}
