import type { JobCondition, Plan, PlannedJob } from '../../pipeline/model.js';
import type { JobOutcomeStatus } from './run-summary.js';

export interface ReadyJobs {
  /** Every need finished and the `if` holds, in plan order. */
  start: PlannedJob[];
  /** Every need finished and the `if` does not hold. */
  skip: PlannedJob[];
}

/**
 * The pure core of the local scheduler. `finished` holds the outcome of every finished job,
 * `started` the ids already running. One pass settles chains of skips because the plan is in
 * topological order: a job's needs are decided before the job is looked at.
 */
export function decideReadyJobs(
  plan: Plan,
  finished: ReadonlyMap<string, JobOutcomeStatus>,
  started: ReadonlySet<string>,
): ReadyJobs {
  const outcomes = new Map(finished);
  const byId = new Map(plan.jobs.map((job) => [job.id, job]));
  const ready: ReadyJobs = { start: [], skip: [] };
  for (const job of plan.jobs) {
    if (outcomes.has(job.id) || started.has(job.id)) continue;
    if (!job.needs.every((need) => outcomes.has(need) || !byId.has(need))) continue;
    if (conditionHolds(job.if, job, byId, outcomes)) {
      ready.start.push(job);
    } else {
      ready.skip.push(job);
      outcomes.set(job.id, 'skipped');
    }
  }
  return ready;
}

function conditionHolds(
  condition: JobCondition,
  job: PlannedJob,
  byId: ReadonlyMap<string, PlannedJob>,
  outcomes: ReadonlyMap<string, JobOutcomeStatus>,
): boolean {
  switch (condition) {
    case 'always':
      return true;
    case 'success':
      return job.needs.every((need) => countsAsSuccess(byId.get(need), outcomes.get(need)));
    case 'failure':
      // Like GitHub's failure(): any ancestor, so `a (fails) -> b (skipped) -> cleanup: failure()` runs.
      return ancestorsOf(job, byId).some((ancestor) => countsAsFailure(ancestor, outcomes.get(ancestor.id)));
  }
}

function countsAsSuccess(job: PlannedJob | undefined, outcome: JobOutcomeStatus | undefined): boolean {
  if (job === undefined) return false;
  return outcome === 'succeeded' || (outcome === 'failed' && job.continueOnError);
}

function countsAsFailure(job: PlannedJob, outcome: JobOutcomeStatus | undefined): boolean {
  return outcome === 'failed' && !job.continueOnError;
}

function ancestorsOf(job: PlannedJob, byId: ReadonlyMap<string, PlannedJob>): PlannedJob[] {
  const seen = new Set<string>();
  const ancestors: PlannedJob[] = [];
  const visit = (id: string) => {
    if (seen.has(id)) return;
    seen.add(id);
    const ancestor = byId.get(id);
    if (!ancestor) return;
    ancestors.push(ancestor);
    for (const need of ancestor.needs) visit(need);
  };
  for (const need of job.needs) visit(need);
  return ancestors;
}
