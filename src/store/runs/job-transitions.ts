import { type JobStatus, jobStatuses } from './run.js';

/**
 * The legal moves of a job. Terminal states (succeeded, failed, skipped, canceled) have none: a retry
 * is running -> queued (attempt is bumped when it runs again), never a revived finished job.
 */
export const jobTransitions: Readonly<Record<JobStatus, readonly JobStatus[]>> = {
  // queued once its needs are done; skipped when its condition says no.
  pending: ['queued', 'skipped', 'canceled'],
  // failed without running: no agent could take it in time.
  queued: ['running', 'failed', 'canceled'],
  // queued again: retried, or its agent was lost.
  running: ['succeeded', 'failed', 'canceled', 'queued'],
  succeeded: [],
  failed: [],
  skipped: [],
  canceled: [],
};

export function canTransitionJob(from: JobStatus, to: JobStatus): boolean {
  return jobTransitions[from].includes(to);
}

/** The statuses a job may be in to move to `to`. */
export function jobStatusesBefore(to: JobStatus): JobStatus[] {
  return jobStatuses.filter((from) => canTransitionJob(from, to));
}

export function isTerminalJobStatus(status: JobStatus): boolean {
  return jobTransitions[status].length === 0;
}
