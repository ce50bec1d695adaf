/**
 * Whose rollouts a caller may see (or feed telemetry to): undefined for every rollout (administrators,
 * and the platform's own callers such as the deploy controller and the bus intake); else the ids of
 * the teams whose projects' rollouts they may see. A rollout registered without a project is seen by
 * administrators only. Kept as plain team ids so canary/ does not depend on identity/.
 */
export type TeamScope = readonly number[] | undefined;

/**
 * SQL condition on `canary_rollouts r` for a TeamScope passed as parameter `$n` (null for every
 * rollout, else a bigint[] of team ids).
 */
export function rolloutInTeamsSql(n: number): string {
  return `($${n}::bigint[] IS NULL OR r.project_id IN (SELECT p.id FROM projects p WHERE p.team_id = ANY($${n}::bigint[])))`;
}

/** The parameter for rolloutInTeamsSql. */
export function teamScopeParam(scope: TeamScope): number[] | null {
  return scope === undefined ? null : [...scope];
}
