/**
 * identity/ — people, teams, roles and API tokens; pure rules plus their store.
 *
 * Glossary
 * - user: a person with a name; an administrator (`admin`) sees and changes everything.
 * - team: owns projects; each member has a role in it: viewer < developer < maintainer < admin.
 * - API token: a secret (`slp_…`) acting as its user; shown once, stored as its SHA-256, expiring
 *   (optionally) and revocable. Agent tokens (`slpa_…`) belong to no user and only serve agent routes.
 * - session: a browser's cookie opened with an API token; ends with it; changes need the CSRF token.
 * - principal: who a request acts as: the user, their teams and roles, the token used.
 */
export { roleInTeam, teamIdsWithRole, teamsWithRole, visibleTeamIds, type Principal, type TeamMembership } from './principal.js';
export { isTeamRole, roleAtLeast, teamRoleDescriptions, teamRoles, type TeamRole } from './roles.js';
export { hashSecret, newSecret, secretPrefixes } from './secret-token.js';
export { bootstrapAdminName, bootstrapIdentity, defaultTeamName, type BootstrapResult } from './store/bootstrap-identity.js';
export { checkName } from './store/names.js';
export { ensureProjectInTeam, findProjectAccess, type ProjectAccess, type ProjectLookup, setProjectTeam } from './store/project-teams.js';
export { authenticateSession, closeSession, openSession, type OpenedSession } from './store/sessions.js';
export { createTeam, findTeam, getTeam, listTeams, removeTeamMember, setTeamMember, type Team, type TeamMember } from './store/teams.js';
export {
  authenticateAgentToken,
  authenticateUserToken,
  getToken,
  type IssuedToken,
  issueToken,
  listTokens,
  revokeToken,
  type TokenCheck,
  type TokenInfo,
  type TokenKind,
  type TokenRefusal,
} from './store/tokens.js';
export { createUser, findUser, getUser, listUsers, type User } from './store/users.js';
