import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { AppError, ErrorCode } from '../../errors/app-error.js';
import { authenticateSession, authenticateUserToken, hashSecret, type Principal, secretPrefixes, type TokenRefusal } from '../../identity/index.js';
import type { Db } from '../../store/db.js';

export const sessionCookie = 'slipway_session';
export const csrfHeader = 'x-csrf-token';
const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

const signIn = 'send `Authorization: Bearer <API token>` (CLI: `slipway login`, or SLIPWAY_TOKEN; web UI: sign in with a token)';

const tokenRefusals: Record<TokenRefusal, string> = {
  unknown: 'the API token is not valid: check it, or ask an administrator for a new one',
  expired: 'the API token has expired: create a new one with `slipway tokens create`',
  revoked: 'the API token was revoked: create a new one with `slipway tokens create`',
};

const sessionRefusals: Record<TokenRefusal, string> = {
  unknown: 'the session is not valid (signed out, or the server forgot it): sign in again',
  expired: 'the session has expired: sign in again',
  revoked: 'the token this session was opened with was revoked: sign in again with another token',
};

/**
 * A person's API token from `Authorization: Bearer`, else the web UI's session cookie, whose requests
 * that change something must echo the session's CSRF token (a page of another site can make the
 * browser send the cookie, but cannot read the token). Throws unauthenticated, or permission_denied for
 * a missing or wrong CSRF token.
 */
export async function authenticateRequest(db: Db, request: FastifyRequest, nowMs: number): Promise<{ principal: Principal; via: 'token' | 'session' }> {
  const authorization = headerValue(request, 'authorization');
  if (authorization !== undefined) return { principal: await authenticateBearer(db, authorization, nowMs), via: 'token' };
  const session = readCookie(headerValue(request, 'cookie'), sessionCookie);
  if (session !== undefined) {
    const checked = await authenticateSession(db, session, nowMs);
    if (!checked.ok) throw new AppError(ErrorCode.unauthenticated, sessionRefusals[checked.refusal]);
    if (!safeMethods.has(request.method)) {
      const csrf = headerValue(request, csrfHeader) ?? '';
      const given = Buffer.from(hashSecret(csrf));
      if (csrf === '' || !timingSafeEqual(given, Buffer.from(checked.value.csrfHash))) {
        throw new AppError(ErrorCode.permissionDenied, `the ${csrfHeader} header is missing or wrong: send the CSRF token the session was opened with (the web UI does); nothing was changed`);
      }
    }
    return { principal: checked.value.principal, via: 'session' };
  }
  throw new AppError(ErrorCode.unauthenticated, `sign in first: ${signIn}`);
}

/** A person's API token from an `Authorization: Bearer slp_…` value (HTTP header or gRPC metadata). */
export async function authenticateBearer(db: Db, authorization: string, nowMs: number, how = signIn): Promise<Principal> {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
  if (!match) throw new AppError(ErrorCode.unauthenticated, `the Authorization header is not a bearer token: ${how}`);
  const secret = match[1]!;
  if (!secret.startsWith(secretPrefixes.user)) {
    throw new AppError(ErrorCode.unauthenticated, `this is not a person's API token (slp_…); agent tokens only serve the agents' routes: ${how}`);
  }
  const checked = await authenticateUserToken(db, secret, nowMs);
  if (!checked.ok) throw new AppError(ErrorCode.unauthenticated, tokenRefusals[checked.refusal]);
  return checked.value;
}

function headerValue(request: FastifyRequest, name: string): string | undefined {
  const raw = request.headers[name];
  const value = (Array.isArray(raw) ? raw[0] : raw)?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/** One cookie's value from a Cookie header (RFC 6265 pairs separated by `;`). */
export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const pair of (header ?? '').split(';')) {
    const at = pair.indexOf('=');
    if (at > 0 && pair.slice(0, at).trim() === name) {
      const value = pair.slice(at + 1).trim();
      return value === '' ? undefined : value;
    }
  }
  return undefined;
}
