import type { FastifyRequest } from 'fastify';
import { requireRequestAccess } from './auth/request-access.js';

export interface RequestIdentity {
  /** The signed-in user's name. */
  actor: string;
  /**
   * Their role where they act: in the team owning the route's project, `admin` for administrators
   * elsewhere, '' for a person acting outside any project.
   */
  role: string;
}

/** Who is acting, as the access check established it (src/api/auth): recorded in the audit log and checked by gates. */
export function readRequestIdentity(request: FastifyRequest): RequestIdentity {
  const access = requireRequestAccess(request);
  return { actor: access.principal.user, role: access.role ?? (access.principal.admin ? 'admin' : '') };
}
