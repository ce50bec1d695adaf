import type { Db } from '../../store/db.js';
import { issueToken } from './tokens.js';

export const bootstrapAdminName = 'admin';
export const defaultTeamName = 'default';

export interface BootstrapResult {
  /** Set on the very first start only: the administrator's first token, to print once. */
  adminToken?: string;
}

/**
 * First start: the administrator `admin`, the team `default` (with admin in it) and admin's first API
 * token. Later starts change nothing but give projects without a team (made before teams existed) to
 * `default`. Safe when several servers start at once: only the one whose insert made `admin` issues a token.
 */
export async function bootstrapIdentity(db: Db, input: { nowMs: number }): Promise<BootstrapResult> {
  return db.transaction(async (tx) => {
    const now = new Date(input.nowMs);
    const created = await tx.query<{ id: number }>(
      `INSERT INTO users (name, admin, created_at) SELECT $1, true, $2 WHERE NOT EXISTS (SELECT 1 FROM users)
       ON CONFLICT (name) DO NOTHING RETURNING id::int AS id`,
      [bootstrapAdminName, now],
    );
    await tx.query('INSERT INTO teams (name, created_at) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [defaultTeamName, now]);
    await tx.query(`UPDATE projects SET team_id = (SELECT id FROM teams WHERE name = $1) WHERE team_id IS NULL`, [defaultTeamName]);
    const admin = created.rows[0];
    if (!admin) return {};
    await tx.query(
      `INSERT INTO team_members (team_id, user_id, role) SELECT id, $2, 'admin' FROM teams WHERE name = $1 ON CONFLICT DO NOTHING`,
      [defaultTeamName, admin.id],
    );
    const token = await issueToken(tx, { kind: 'user', userId: admin.id, name: 'first start', createdBy: 'slipway', nowMs: input.nowMs });
    return { adminToken: token.secret };
  });
}
