/**
 * scheduler/ — runs and jobs in PostgreSQL: enqueueing a plan, handing jobs to agents under leases,
 * fencing out stale agents, retries with backoff, concurrency groups, cancellation. The transport
 * (agents' streams) calls these; the store is the only shared state, so any number of server
 * replicas may call them at once.
 *
 * Glossary
 * - run: one execution of a project's plan for a ref and commit; finishes when every job is terminal.
 * - job: one PlannedJob of a run. pending (needs unfinished) -> queued -> running -> succeeded | failed
 *   | canceled; skipped when its `if` does not hold; running -> queued again for a retry.
 * - attempt: one execution of a job by an agent; a claim starts the next attempt (attempt + 1).
 * - lease: an agent's time-limited hold on a running job (lease_owner, lease_expires_at), renewed by
 *   heartbeats (extendLease); an expired lease is taken back (requeueExpiredLeases).
 * - fencing token: a per-job number bumped by every claim; heartbeats and reports must carry the
 *   current one, so an agent that lost its lease cannot change the job.
 * - agent: a process that runs jobs; its labels say which jobs it may take (a job's runs_on ⊆ labels).
 * - concurrency group: a name shared by jobs of which at most one runs at a time, taken in creation
 *   order; with cancel-in-progress a new run cancels the group's older unfinished runs.
 * - priority: higher is claimed first; then the job ready longest, then the oldest.
 * - backoff: a retried job's wait before it is ready again (ready_at), doubling per attempt up to a cap.
 * - gate: the approval request (deploy/approvals) a job with `environment: E` waits at when its project
 *   defines E: the job stays pending with gate_id set until advanceGates sees the gate pass (queued) or
 *   refuse (failed, kind user). An environment the project does not define gates nothing.
 * - author: who made a run's change (webhook sender, manual run's actor); never approves its gates.
 */
export { type AdvancedGates, advanceGates, defaultAdvanceGatesLimit } from './advance-gates.js';
export { type ClaimedJob, type ClaimJobInput, claimJob, type JobPlacement } from './claim-job.js';
export { type RefusedGate, describeGateRefusal } from './describe-gate-refusal.js';
export { gateFailure } from './open-job-gates.js';
export { type RunChange, readRunChange, unknownAuthor } from './read-run-change.js';
export type { GatedPromotions } from './promote-dependants.js';
export type { CanceledRun } from './cancel-run-jobs.js';
export { cancelRun } from './cancel-run.js';
export { type Promotions, type RunJobState, decidePromotions } from './decide-promotions.js';
export {
  type FailedAttempt,
  type RetryDecision,
  type RetryOptions,
  backoffDelayMs,
  decideRetry,
  defaultBackoffBaseMs,
  defaultBackoffCapMs,
} from './decide-retry.js';
export { type FinishedJobState, decideRunStatus } from './decide-run-status.js';
export {
  type ConcurrencyOptions,
  type EnqueuedRun,
  type EnqueueRunInput,
  type HandedOffJob,
  defaultMaxAttempts,
  enqueueRun,
} from './enqueue-run.js';
export { type ExtendLeaseInput, extendLease } from './extend-lease.js';
export { runScheduling } from './run-concurrency.js';
export { type Agent, type RegisterAgentInput, registerAgent } from './register-agent.js';
export {
  type JobAttemptResult,
  type ReportJobResultInput,
  type ReportOutcome,
  type ReportRejection,
  type StepReport,
  reportJobResult,
} from './report-job-result.js';
export { repairStalledRuns } from './repair-stalled-runs.js';
export { type ReleaseUndeliveredJobsInput, releaseUndeliveredJobs } from './release-undelivered-jobs.js';
export { type ReclaimedLeases, type RequeueExpiredLeasesOptions, requeueExpiredLeases } from './requeue-expired-leases.js';
export type { RunningJobRef, ScheduledJob } from './scheduled-job.js';
export type { SettledAttempt } from './settle-attempt.js';
