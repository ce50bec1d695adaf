/**
 * deploy/environments — environments and their protection rules (part of deploy/; see its glossary).
 *
 * Glossary
 * - environment: a named place a project deploys to (dev, staging, production, any name), created and
 *   changed by maintainers over the API/CLI, never by the pipeline file.
 * - protection rules: what a deployment to an environment must satisfy — required approvals (count,
 *   roles), allowed branches, a wait timer, freeze windows, auto-approval below a risk score.
 * - freeze window: a time nothing deploys to the environment; repeating (cron + duration) or once (start/end).
 * - maintainer: a role that may change environments (maintainer, admin) until RBAC (issue 6) lands.
 */
export { type Environment, checkEnvironmentName, checkMaintainer, maintainerRoles } from './environment.js';
export {
  type FreezeWindow,
  type ProtectionRules,
  type ProtectionRulesInput,
  approverRoles,
  maxFreezeDurationSeconds,
  maxWaitTimerSeconds,
  parseProtectionRules,
  protectionRulesSchema,
  roleNamePattern,
} from './protection-rules.js';
export { type ActiveFreeze, findActiveFreeze } from './freeze-windows.js';
export { type PutEnvironmentInput, type PutEnvironmentResult, putEnvironment } from './put-environment.js';
export { getEnvironment, listEnvironments } from './get-environment.js';
export { deleteEnvironment } from './delete-environment.js';
