import { AppError, ErrorCode } from '../../errors/app-error.js';
import type { Db } from '../../store/db.js';
import type { TeamRole } from '../roles.js';
import { checkName, isUniqueViolation } from './names.js';

export interface Team {
  id: number;
  name: string;
  createdAt: Date;
}

export interface TeamMember {
  user: string;
  role: TeamRole;
}

const teamColumns = `id::int AS id, name, created_at AS "createdAt"`;

export async function createTeam(db: Db, input: { name: string; nowMs: number }): Promise<Team> {
  checkName('team', input.name);
  try {
    const result = await db.query<Team>(`INSERT INTO teams (name, created_at) VALUES ($1, $2) RETURNING ${teamColumns}`, [input.name, new Date(input.nowMs)]);
    return result.rows[0]!;
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError(ErrorCode.alreadyExists, `team ${input.name} already exists`);
    throw error;
  }
}

export async function findTeam(db: Db, name: string): Promise<Team | undefined> {
  return (await db.query<Team>(`SELECT ${teamColumns} FROM teams WHERE name = $1`, [name])).rows[0];
}

export async function getTeam(db: Db, name: string): Promise<Team> {
  const team = await findTeam(db, name);
  if (!team) throw new AppError(ErrorCode.notFound, `no team ${name}: an administrator creates teams with \`slipway teams create NAME\``);
  return team;
}

/** Teams with their members; `teamIds` limits them (undefined: every team). */
export async function listTeams(db: Db, teamIds?: readonly number[]): Promise<(Team & { members: TeamMember[] })[]> {
  const result = await db.query<Team & { members: TeamMember[] | null }>(
    `SELECT t.id::int AS id, t.name, t.created_at AS "createdAt",
            (SELECT json_agg(json_build_object('user', u.name, 'role', m.role) ORDER BY u.name)
               FROM team_members m JOIN users u ON u.id = m.user_id WHERE m.team_id = t.id) AS members
       FROM teams t
      WHERE $1::bigint[] IS NULL OR t.id = ANY($1::bigint[])
      ORDER BY t.name`,
    [teamIds ?? null],
  );
  return result.rows.map((row) => ({ ...row, members: row.members ?? [] }));
}

/** Adds the user to the team with `role`, or changes their role. */
export async function setTeamMember(db: Db, input: { teamId: number; userId: number; role: TeamRole }): Promise<void> {
  await db.query(
    `INSERT INTO team_members (team_id, user_id, role) VALUES ($1, $2, $3)
     ON CONFLICT (team_id, user_id) DO UPDATE SET role = EXCLUDED.role`,
    [input.teamId, input.userId, input.role],
  );
}

/** False when the user was not a member. */
export async function removeTeamMember(db: Db, input: { teamId: number; userId: number }): Promise<boolean> {
  const result = await db.query('DELETE FROM team_members WHERE team_id = $1 AND user_id = $2', [input.teamId, input.userId]);
  return (result.rowCount ?? 0) > 0;
}
