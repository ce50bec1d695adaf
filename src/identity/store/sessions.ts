import type { Db } from '../../store/db.js';
import type { Principal } from '../principal.js';
import { hashSecret, newSecret } from '../secret-token.js';
import { type PrincipalRow, principalSelect, refuse, type TokenCheck, toPrincipal } from './tokens.js';

export interface OpenedSession {
  /** The cookie's value; shown once. */
  secret: string;
  /** Echoed by the browser in x-csrf-token on every request that changes something. */
  csrfToken: string;
  expiresAt: Date;
}

export interface SessionPrincipal {
  principal: Principal;
  csrfHash: string;
}

/** A browser session acting with the token `tokenId` until `ttlMs` from now, or until the token ends. */
export async function openSession(db: Db, input: { tokenId: number; nowMs: number; ttlMs: number }): Promise<OpenedSession> {
  const session = newSecret('session');
  const csrf = newSecret('session');
  const expiresAt = new Date(input.nowMs + input.ttlMs);
  await db.query('DELETE FROM sessions WHERE expires_at <= $1', [new Date(input.nowMs)]);
  await db.query('INSERT INTO sessions (secret_hash, token_id, csrf_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)', [
    session.hash,
    input.tokenId,
    csrf.hash,
    new Date(input.nowMs),
    expiresAt,
  ]);
  return { secret: session.secret, csrfToken: csrf.secret, expiresAt };
}

export async function authenticateSession(db: Db, secret: string, nowMs: number): Promise<TokenCheck<SessionPrincipal>> {
  const row = (
    await db.query<PrincipalRow & { csrfHash: string; sessionExpiresAt: Date }>(
      `${principalSelect.replace('SELECT ', 'SELECT s.csrf_hash AS "csrfHash", s.expires_at AS "sessionExpiresAt", ')}
        JOIN sessions s ON s.token_id = t.id WHERE s.secret_hash = $1`,
      [hashSecret(secret)],
    )
  ).rows[0];
  const refusal = refuse(row, 'user', nowMs);
  if (refusal) return { ok: false, refusal };
  if (new Date(row!.sessionExpiresAt).getTime() <= nowMs) return { ok: false, refusal: 'expired' };
  return { ok: true, value: { principal: toPrincipal(row!), csrfHash: row!.csrfHash } };
}

export async function closeSession(db: Db, secret: string): Promise<void> {
  await db.query('DELETE FROM sessions WHERE secret_hash = $1', [hashSecret(secret)]);
}
