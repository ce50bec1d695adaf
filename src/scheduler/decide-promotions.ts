import type { JobCondition, PlannedJob } from '../pipeline/model.js';
import { decideReadyJobs } from '../runner/index.js';
import { isTerminalJobStatus, type JobStatus } from '../store/index.js';

/** What deciding a run's next jobs needs to know of each of its jobs. */
export interface RunJobState {
  id: number;
  jobKey: string;
  needs: string[];
  status: JobStatus;
  condition: JobCondition;
  continueOnError: boolean;
}

export interface Promotions {
  /** Pending jobs whose needs all finished and whose `if` holds: to queue. */
  queue: number[];
  /** Pending jobs whose needs all finished and whose `if` does not hold, transitively: to skip. */
  skip: number[];
}

/**
 * The same rule as the local runner (decideReadyJobs): success/failure/always, continue-on-error
 * counting as success. `jobs` must be in plan order (ids are), which settles skip chains in one pass.
 */
export function decidePromotions(jobs: readonly RunJobState[]): Promotions {
  const finished = new Map<string, 'succeeded' | 'failed' | 'skipped' | 'canceled'>();
  const started = new Set<string>();
  for (const job of jobs) {
    if (isTerminalJobStatus(job.status)) finished.set(job.jobKey, job.status as 'succeeded' | 'failed' | 'skipped' | 'canceled');
    else if (job.status !== 'pending') started.add(job.jobKey);
  }
  const idByKey = new Map(jobs.map((job) => [job.jobKey, job.id]));
  const ready = decideReadyJobs({ name: '', jobs: jobs.map(toPlannedJob) }, finished, started);
  return {
    queue: ready.start.map((job) => idByKey.get(job.id)!),
    skip: ready.skip.map((job) => idByKey.get(job.id)!),
  };
}

/** decideReadyJobs reads only id, needs, if and continueOnError. */
function toPlannedJob(job: RunJobState): PlannedJob {
  return {
    id: job.jobKey,
    stage: job.jobKey,
    matrix: {},
    needs: job.needs,
    if: job.condition,
    continueOnError: job.continueOnError,
    retry: 0,
    runsOn: [],
    cache: [],
    steps: [],
  };
}
