/**
 * deploy/controller — turns a submitted deployment into running replicas behind the router (part of
 * deploy/; see its glossary for release, deployment, rollout, strategy, stable, promote, abort).
 *
 * Glossary
 * - deployment controller: one per server process; owns a local target and the built-in router, and
 *   runs a loop per deployment it accepted: gate → lock → materialize → reconcile until done.
 * - reconcile loop: observe (replicas + weights) → plan (strategies/planNextActions) → apply → record.
 * - signal: a promote or abort written to the store; the deployment's loop turns it into a strategy event.
 * - deployment status: queued → waiting_approval → waiting_lock → running ⇄ paused → succeeded | failed
 *   | aborted | superseded (a later deployment replaced it while it waited for the lock).
 * - environment release: the stable release of a service in an environment, set when a deployment
 *   succeeds, under the environment lock's fencing token.
 * - rollback: abort the rollout in progress, or deploy the previous (or named) release the fastest way.
 * - recovery: what start() does after a restart (`kill -9` included): stop the replicas the previous
 *   process left running (targets/local/replica-records.ts), then per environment, under its lock, fail
 *   the rollouts that were running or paused as interrupted and serve the stable release again; then
 *   resume the deployments that had not taken the lock yet.
 * - analysis: a canary step judged by the canary engine (run-canary-analysis.ts) when the controller is
 *   given one; otherwise a health threshold on the router's telemetry (run-health-analysis.ts).
 */
export {
  createDeployController,
  type DeployController,
  type DeployControllerOptions,
  type DeploymentView,
} from './deploy-controller.js';
export {
  type AppliedAction,
  type Deployment,
  type DeploymentFailure,
  type DeploymentStatus,
  deploymentStatuses,
  finishedStatuses,
  isFinished,
} from './deployment.js';
export type { RollbackInput, RollbackResult } from './rollback-environment.js';
export type { SubmitDeploymentInput } from './submit-deployment.js';
export { telemetryTopic } from './publish-telemetry.js';
export type { CanaryDecisionSummary, CanaryLink } from './canary-link.js';
