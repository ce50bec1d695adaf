/**
 * runner/ — runs planned jobs: one executor, two drivers (local `slipway run` now, build agents
 * later).
 *
 * Glossary
 * - job: one PlannedJob (a stage, or one matrix combination): steps run in order in one workspace.
 * - step: one `run` script (a real process tree) or one `uses` action inside a job.
 * - attempt: one try of a step (step `retry`) or of a whole job (job `retry`, fresh workspace).
 * - workspace: the directory a job attempt runs in, a copy (never hard links) of the repository's
 *   working tree under the run directory.
 * - sandbox: what isolates a step's processes: bubblewrap (read-only host, private /tmp,
 *   writable workspace, optional no network) or none when bwrap is missing or cannot run.
 * - action: a built-in `uses:` step implemented by Slipway (`git-checkout`, `deploy` — the latter only
 *   through a server: the agent hands it a DeployStepClient, a local run does not).
 * - approval step: an `approval:` step; the driver waits at its gate (WaitForApproval). The local
 *   driver has no server and so nobody to approve: there it fails with a clear message.
 * - executor: executeJob — one job attempt, reporting results as data and output as events.
 * - driver: what feeds jobs to the executor — runPlanLocally here, the agent later.
 */
export type { Action, ActionContext, ActionOutcome, ActionRegistry, CheckoutSource } from './actions/action.js';
export { createActionRegistry } from './actions/action.js';
export { type BuiltInActionsOptions, createBuiltInActions } from './actions/built-in-actions.js';
export type { DeployStepAnswer, DeployStepClient, DeployStepDeployment, DeployStepRequest } from './actions/deploy-step-client.js';
export { createGitCheckoutAction } from './actions/git-checkout.js';
export { type ApprovalStepRequest, type WaitForApproval, describeApprovalNeedsServer } from './approval-step.js';
export type { ExecuteJobContext, ExecutorEvent, OutputSource } from './execute-job.js';
export { executeJob } from './execute-job.js';
export type { Failure, FailureKind } from './failure.js';
export type { JobResult, JobStatus, StepResult, StepStatus } from './job-result.js';
export { decideReadyJobs } from './local/decide-ready-jobs.js';
export type { LocalRunOptions, RunEvent } from './local/run-plan-locally.js';
export { runPlanLocally } from './local/run-plan-locally.js';
export { pruneRunDirs } from './local/prune-run-dirs.js';
export type { JobOutcomeStatus, JobSummary, RunStatus, RunSummary } from './local/run-summary.js';
export type { TerminalReporter, TerminalReporterOptions } from './reporter/create-terminal-reporter.js';
export { createTerminalReporter } from './reporter/create-terminal-reporter.js';
export { exitCodeFor } from './reporter/exit-code-for.js';
export { formatDurationMs } from './reporter/format-duration.js';
export { formatOutputLines } from './reporter/format-output-lines.js';
export { formatSummaryTable } from './reporter/format-summary-table.js';
export { createBubblewrapSandbox } from './sandbox/bubblewrap.js';
export type { DetectedSandbox } from './sandbox/detect-sandbox.js';
export { detectSandbox } from './sandbox/detect-sandbox.js';
export { createNoSandbox } from './sandbox/none.js';
export type { Sandbox, SandboxCommand } from './sandbox/sandbox.js';
export { type PrepareWarmStartOptions, prepareWarmStart, type WarmStart } from './warm-start.js';
export type { WorkspaceFactory } from './workspace/prepare-workspace.js';
export { createWorkspaceFactory, prepareWorkspace } from './workspace/prepare-workspace.js';
