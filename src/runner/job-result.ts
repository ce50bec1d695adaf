import type { Failure } from './failure.js';

export type StepStatus = 'succeeded' | 'failed' | 'timed-out' | 'canceled' | 'skipped';

export interface StepResult {
  index: number;
  name: string;
  status: StepStatus;
  /** Exit code of the last attempt; null when it never ran, was killed, or is a built-in action. */
  exitCode: number | null;
  durationMs: number;
  /** Attempts made (0 for a skipped step). */
  attempts: number;
  /** Set when status is not 'succeeded' (also for a failed continue-on-error step). */
  failure?: Failure;
}

export type JobStatus = 'succeeded' | 'failed' | 'canceled';

/** The outcome of one job attempt; failures are data, never exceptions. */
export interface JobResult {
  status: JobStatus;
  failure?: Failure;
  durationMs: number;
  steps: StepResult[];
}
