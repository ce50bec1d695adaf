import type { ApprovalSpec, PlannedJob, PlannedStep } from '../pipeline/model.js';
import type { Failure } from './failure.js';

/** What a driver gets when a job reaches an `- approval:` step. */
export interface ApprovalStepRequest {
  job: PlannedJob;
  step: PlannedStep;
  approval: ApprovalSpec;
  /** Aborted when the job is canceled or runs out of time: stop waiting. */
  signal: AbortSignal;
  /** One line to the job's log (no trailing newline). */
  log(line: string): void;
}

/**
 * Waits until the step's gate is decided: undefined once approved, the failure otherwise (rejected,
 * expired, or the server could not be asked). Only a driver with a server has one (the agent).
 */
export type WaitForApproval = (request: ApprovalStepRequest) => Promise<Failure | undefined>;

/** Why `slipway run` cannot pass an approval step: nobody can approve a run that has no server. */
export function describeApprovalNeedsServer(step: PlannedStep): string {
  return (
    `step '${step.name}' waits for approvals, which need a Slipway server: nobody can approve a local run. ` +
    'Run the pipeline on a server (`slipway trigger`), or leave the approval step out of local runs'
  );
}
