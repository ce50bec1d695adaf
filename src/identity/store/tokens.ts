import { AppError, ErrorCode } from '../../errors/app-error.js';
import type { Db } from '../../store/db.js';
import { isTeamRole } from '../roles.js';
import type { Principal, TeamMembership } from '../principal.js';
import { hashSecret, newSecret } from '../secret-token.js';

export type TokenKind = 'user' | 'agent';

/** A token as lists show it: never its secret. */
export interface TokenInfo {
  id: number;
  kind: TokenKind;
  /** The owner (user tokens). */
  user: string | null;
  name: string;
  prefix: string;
  createdBy: string;
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

export interface IssuedToken extends TokenInfo {
  /** Shown once. */
  secret: string;
}

const tokenColumns = `t.id::int AS id, t.kind, u.name AS "user", t.name, t.prefix, t.created_by AS "createdBy",
  t.created_at AS "createdAt", t.expires_at AS "expiresAt", t.revoked_at AS "revokedAt", t.last_used_at AS "lastUsedAt"`;

export interface IssueTokenInput {
  kind: TokenKind;
  /** Required for user tokens. */
  userId?: number;
  name: string;
  createdBy: string;
  nowMs: number;
  /** undefined: never expires. */
  expiresAtMs?: number;
}

export async function issueToken(db: Db, input: IssueTokenInput): Promise<IssuedToken> {
  if (input.name.trim() === '' || input.name.length > 200) throw new AppError(ErrorCode.invalidArgument, 'a token needs a name of 1 to 200 characters');
  if (input.expiresAtMs !== undefined && input.expiresAtMs <= input.nowMs) {
    throw new AppError(ErrorCode.invalidArgument, 'the token would already be expired: give an expiry in the future');
  }
  const fresh = newSecret(input.kind);
  const result = await db.query<TokenInfo>(
    `WITH t AS (
       INSERT INTO api_tokens (kind, user_id, name, secret_hash, prefix, created_by, created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *)
     SELECT ${tokenColumns} FROM t LEFT JOIN users u ON u.id = t.user_id`,
    [
      input.kind,
      input.userId ?? null,
      input.name,
      fresh.hash,
      fresh.prefix,
      input.createdBy,
      new Date(input.nowMs),
      input.expiresAtMs === undefined ? null : new Date(input.expiresAtMs),
    ],
  );
  return { ...result.rows[0]!, secret: fresh.secret };
}

export async function listTokens(db: Db, filter: { kind: TokenKind; userId?: number }): Promise<TokenInfo[]> {
  const result = await db.query<TokenInfo>(
    `SELECT ${tokenColumns} FROM api_tokens t LEFT JOIN users u ON u.id = t.user_id
      WHERE t.kind = $1 AND ($2::bigint IS NULL OR t.user_id = $2) ORDER BY t.id`,
    [filter.kind, filter.userId ?? null],
  );
  return result.rows;
}

export async function getToken(db: Db, id: number): Promise<TokenInfo | undefined> {
  const result = await db.query<TokenInfo>(`SELECT ${tokenColumns} FROM api_tokens t LEFT JOIN users u ON u.id = t.user_id WHERE t.id = $1`, [id]);
  return result.rows[0];
}

/** Revokes the token (and so its sessions). Revoking twice keeps the first time. */
export async function revokeToken(db: Db, input: { id: number; nowMs: number }): Promise<TokenInfo | undefined> {
  await db.query('UPDATE api_tokens SET revoked_at = coalesce(revoked_at, $2) WHERE id = $1', [input.id, new Date(input.nowMs)]);
  await db.query('DELETE FROM sessions WHERE token_id = $1', [input.id]);
  return getToken(db, input.id);
}

/** Why a secret does not authenticate; the messages name no token, user or secret. */
export type TokenRefusal = 'unknown' | 'expired' | 'revoked';

export type TokenCheck<T> = { ok: true; value: T } | { ok: false; refusal: TokenRefusal };

interface PrincipalRow {
  tokenId: number;
  kind: TokenKind;
  userId: number | null;
  user: string | null;
  admin: boolean | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  teams: { teamId: number; team: string; role: string }[] | null;
}

const principalSelect = `SELECT t.id::int AS "tokenId", t.kind, t.user_id::int AS "userId", u.name AS "user", u.admin,
    t.expires_at AS "expiresAt", t.revoked_at AS "revokedAt", t.last_used_at AS "lastUsedAt",
    (SELECT json_agg(json_build_object('teamId', m.team_id, 'team', tm.name, 'role', m.role) ORDER BY tm.name)
       FROM team_members m JOIN teams tm ON tm.id = m.team_id WHERE m.user_id = t.user_id) AS teams
  FROM api_tokens t LEFT JOIN users u ON u.id = t.user_id`;

/** How often last_used_at is written for a token in use: not on every request. */
const lastUsedResolutionMs = 60_000;

/** The person a user token acts for, with their teams, in one query. */
export async function authenticateUserToken(db: Db, secret: string, nowMs: number): Promise<TokenCheck<Principal>> {
  const row = (await db.query<PrincipalRow>(`${principalSelect} WHERE t.secret_hash = $1`, [hashSecret(secret)])).rows[0];
  const refusal = refuse(row, 'user', nowMs);
  if (refusal) return { ok: false, refusal };
  await touch(db, row!, nowMs);
  return { ok: true, value: toPrincipal(row!) };
}

/** A stored agent token: its id and name. */
export async function authenticateAgentToken(db: Db, secret: string, nowMs: number): Promise<TokenCheck<{ id: number; name: string }>> {
  const row = (await db.query<PrincipalRow & { name: string }>(`${principalSelect.replace('SELECT ', 'SELECT t.name, ')} WHERE t.secret_hash = $1`, [hashSecret(secret)])).rows[0];
  const refusal = refuse(row, 'agent', nowMs);
  if (refusal) return { ok: false, refusal };
  await touch(db, row!, nowMs);
  return { ok: true, value: { id: row!.tokenId, name: row!.name } };
}

export function toPrincipal(row: PrincipalRow): Principal {
  const teams: TeamMembership[] = (row.teams ?? []).flatMap((team) =>
    isTeamRole(team.role) ? [{ teamId: Number(team.teamId), team: team.team, role: team.role }] : [],
  );
  return { userId: row.userId!, user: row.user!, admin: row.admin === true, tokenId: row.tokenId, teams };
}

export function refuse(row: PrincipalRow | undefined, kind: TokenKind, nowMs: number): TokenRefusal | undefined {
  if (!row || row.kind !== kind) return 'unknown';
  if (row.revokedAt !== null) return 'revoked';
  if (row.expiresAt !== null && new Date(row.expiresAt).getTime() <= nowMs) return 'expired';
  return undefined;
}

async function touch(db: Db, row: PrincipalRow, nowMs: number): Promise<void> {
  if (row.lastUsedAt !== null && nowMs - new Date(row.lastUsedAt).getTime() < lastUsedResolutionMs) return;
  await db.query('UPDATE api_tokens SET last_used_at = $2 WHERE id = $1', [row.tokenId, new Date(nowMs)]);
}

export { principalSelect, type PrincipalRow };
