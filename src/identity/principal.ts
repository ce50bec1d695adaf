import { roleAtLeast, type TeamRole } from './roles.js';

export interface TeamMembership {
  teamId: number;
  team: string;
  role: TeamRole;
}

/** Who a request acts as: a person, through one of their API tokens (or a session opened with one). */
export interface Principal {
  userId: number;
  user: string;
  admin: boolean;
  tokenId: number;
  teams: readonly TeamMembership[];
}

/** The principal's role in a team: `admin` for administrators, undefined when they are not a member. */
export function roleInTeam(principal: Principal, teamId: number | null): TeamRole | undefined {
  if (principal.admin) return 'admin';
  if (teamId === null) return undefined;
  return principal.teams.find((membership) => membership.teamId === teamId)?.role;
}

/** Ids of the teams whose projects the principal sees; undefined: all of them (an administrator). */
export function visibleTeamIds(principal: Principal): number[] | undefined {
  return principal.admin ? undefined : principal.teams.map((membership) => membership.teamId);
}

/** Ids of the teams in which the principal has at least `role`; undefined: all of them (an administrator). */
export function teamIdsWithRole(principal: Principal, role: TeamRole): number[] | undefined {
  return principal.admin ? undefined : teamsWithRole(principal, role).map((membership) => membership.teamId);
}

/** The teams in which the principal has at least `role`. */
export function teamsWithRole(principal: Principal, role: TeamRole): TeamMembership[] {
  return principal.teams.filter((membership) => roleAtLeast(membership.role, role));
}
