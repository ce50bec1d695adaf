/** Rows of runs, jobs and steps, in camelCase, and the SQL select lists that produce them. */

export const runTriggers = ['push', 'pull_request', 'manual', 'schedule', 'local'] as const;
export type RunTrigger = (typeof runTriggers)[number];

export const runStatuses = ['queued', 'running', 'succeeded', 'failed', 'canceled'] as const;
export type RunStatus = (typeof runStatuses)[number];

export const jobStatuses = ['pending', 'queued', 'running', 'succeeded', 'failed', 'skipped', 'canceled'] as const;
export type JobStatus = (typeof jobStatuses)[number];

export const stepStatuses = ['pending', 'running', 'succeeded', 'failed', 'skipped', 'canceled'] as const;
export type StepStatus = (typeof stepStatuses)[number];

export const failureKinds = ['user', 'infra', 'timeout', 'canceled'] as const;
export type FailureKind = (typeof failureKinds)[number];

/** Why a job did not succeed, stored as data (same shape as the runner's Failure). */
export interface JobFailure {
  kind: FailureKind;
  retryable: boolean;
  message: string;
}

export interface Run {
  id: number;
  projectId: number;
  /** 1, 2, 3… per project, without gaps. */
  number: number;
  ref: string;
  commitSha: string | null;
  trigger: RunTrigger;
  status: RunStatus;
  pipelineName: string;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

export interface Job {
  id: number;
  runId: number;
  /** The plan's job id: the stage name, or `name[axis=value,...]` for a matrix combination. */
  jobKey: string;
  stage: string;
  /** Job keys of the same run this job waits for. */
  needs: string[];
  status: JobStatus;
  /** Attempts started so far: 0 until the job first runs. */
  attempt: number;
  failure: JobFailure | null;
  startedAt: Date | null;
  finishedAt: Date | null;
}

export interface Step {
  jobId: number;
  /** 0-based position within the job. */
  idx: number;
  name: string;
  status: StepStatus;
  exitCode: number | null;
  startedAt: Date | null;
  finishedAt: Date | null;
}

export interface JobDetail extends Job {
  steps: Step[];
}

/** A run with its jobs (plan order) and each job's steps. */
export interface RunDetail extends Run {
  jobs: JobDetail[];
}

export const runColumns = `id, project_id AS "projectId", number, ref, commit_sha AS "commitSha", trigger, status,
  pipeline_name AS "pipelineName", created_at AS "createdAt", started_at AS "startedAt", finished_at AS "finishedAt"`;

export const jobColumns = `id, run_id AS "runId", job_key AS "jobKey", stage, needs, status, attempt, failure,
  started_at AS "startedAt", finished_at AS "finishedAt"`;

export const stepColumns = `job_id AS "jobId", idx, name, status, exit_code AS "exitCode",
  started_at AS "startedAt", finished_at AS "finishedAt"`;

/** Nests steps under their jobs; both lists are expected in display order. */
export function assembleRunDetail(run: Run, jobs: readonly Job[], steps: readonly Step[]): RunDetail {
  const stepsByJob = new Map<number, Step[]>();
  for (const step of steps) {
    const list = stepsByJob.get(step.jobId);
    if (list) list.push(step);
    else stepsByJob.set(step.jobId, [step]);
  }
  return { ...run, jobs: jobs.map((job) => ({ ...job, steps: stepsByJob.get(job.id) ?? [] })) };
}
