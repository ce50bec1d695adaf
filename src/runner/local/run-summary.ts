import type { Failure } from '../failure.js';

export type JobOutcomeStatus = 'succeeded' | 'failed' | 'skipped' | 'canceled';

export interface JobSummary {
  id: string;
  status: JobOutcomeStatus;
  /** From the first attempt's start to the last one's end; 0 for a job that never started. */
  durationMs: number;
  attempts: number;
  /** A failed job that does not fail the run (and counts as success for its dependants). */
  continueOnError: boolean;
  failure?: Failure;
  /** The last attempt's workspace, kept on disk for inspection. */
  workspaceDir?: string;
}

export type RunStatus = 'succeeded' | 'failed' | 'canceled';

export interface RunSummary {
  status: RunStatus;
  durationMs: number;
  /** In plan order. */
  jobs: JobSummary[];
}

/** canceled > failed (a job failed without continue-on-error) > succeeded. */
export function summarizeRunStatus(jobs: JobSummary[], canceled: boolean): RunStatus {
  if (canceled) return 'canceled';
  return jobs.some((job) => job.status === 'failed' && !job.continueOnError) ? 'failed' : 'succeeded';
}
