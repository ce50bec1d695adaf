import { isTerminalJobStatus, type JobStatus, type RunStatus } from '../store/index.js';

export interface FinishedJobState {
  status: JobStatus;
  continueOnError: boolean;
}

/**
 * A run's final status once every job is terminal, else undefined: canceled when cancellation was
 * asked for, failed when a job failed without continue-on-error, canceled when a job was canceled
 * anyway (its agent gave up), succeeded otherwise. Skipped jobs do not fail a run: the job that caused
 * the skip already did.
 */
export function decideRunStatus(jobs: readonly FinishedJobState[], cancelRequested: boolean): RunStatus | undefined {
  if (!jobs.every((job) => isTerminalJobStatus(job.status))) return undefined;
  if (cancelRequested) return 'canceled';
  if (jobs.some((job) => job.status === 'failed' && !job.continueOnError)) return 'failed';
  if (jobs.some((job) => job.status === 'canceled')) return 'canceled';
  return 'succeeded';
}
