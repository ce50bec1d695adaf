/** Roles of a team member, weakest first. Each includes what the ones before it may do. */
export const teamRoles = ['viewer', 'developer', 'maintainer', 'admin'] as const;
export type TeamRole = (typeof teamRoles)[number];

/** What each role adds, as the API documents it. */
export const teamRoleDescriptions: Record<TeamRole, string> = {
  viewer: "reads the team's projects: runs, logs, artifacts, environments, deployments",
  developer: 'also triggers and cancels runs',
  maintainer: 'also changes environments and secrets, approves, deploys, promotes, aborts and rolls back',
  admin: "also manages the team's members",
};

export function isTeamRole(value: string): value is TeamRole {
  return (teamRoles as readonly string[]).includes(value);
}

/** True when `role` may do what `needed` may. */
export function roleAtLeast(role: TeamRole, needed: TeamRole): boolean {
  return teamRoles.indexOf(role) >= teamRoles.indexOf(needed);
}
