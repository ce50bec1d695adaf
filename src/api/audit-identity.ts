import type { FastifyRequest } from 'fastify';
import type { RequestIdentity } from './request-identity.js';

/** The actor recorded when a route that needs no identity is called without one. */
export const anonymousActor = 'anonymous';
const maxHeaderLength = 200;

/**
 * Who to record in the audit log for routes that do not require an identity (trigger, cancel,
 * secrets): the x-slipway-actor / x-slipway-role headers when sent (trusted like every identity
 * header until RBAC), else anonymous. Routes that require one use readRequestIdentity instead.
 */
export function readAuditIdentity(request: FastifyRequest): RequestIdentity {
  return {
    actor: headerValue(request, 'x-slipway-actor') ?? anonymousActor,
    role: headerValue(request, 'x-slipway-role') ?? '',
  };
}

function headerValue(request: FastifyRequest, name: string): string | undefined {
  const raw = request.headers[name];
  const value = (Array.isArray(raw) ? raw[0] : raw)?.trim();
  return value === undefined || value === '' ? undefined : value.slice(0, maxHeaderLength);
}
