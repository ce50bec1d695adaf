/**
 * The validated pipeline model (what `.pipeline.yml` means once parsed) and the plan derived
 * from it. These types are the contract between pipeline/ (pure parsing, validation, planning)
 * and the executors (local runner now, build agents later).
 */

/** A problem found in a user file, located for `file:line:col: message` output. */
export interface Diagnostic {
  file: string;
  /** 1-based line. */
  line: number;
  /** 1-based column. */
  col: number;
  /** Dotted path of the offending key, e.g. `stages[1].needs`. */
  path: string;
  message: string;
}

/** When a job runs relative to the outcome of the jobs it needs (GitHub's status functions). */
export type JobCondition = 'success' | 'failure' | 'always';

export type MatrixValue = string | number | boolean;

export interface MatrixSpec {
  /** Axis name -> values, in file order. */
  axes: Record<string, MatrixValue[]>;
  include: Record<string, MatrixValue>[];
  exclude: Record<string, MatrixValue>[];
}

export interface ArtifactSpec {
  paths: string[];
  /** Retention in ms; undefined = server default. */
  expireInMs?: number;
  /** When the job's artifacts are uploaded (GitLab's `artifacts:when`); undefined = on_success. */
  when?: ArtifactWhen;
}

export type ArtifactWhen = 'on_success' | 'on_failure' | 'always';


export interface CacheSpec {
  key: string;
  paths: string[];
  restoreKeys: string[];
}

export interface TriggerSpec {
  /** Glob patterns (picomatch) for branch names; empty = every branch. */
  branches: string[];
  /** Glob patterns for changed paths; empty = any change. */
  paths: string[];
  /** Cron schedules the pipeline also runs on; absent = none. */
  schedule?: ScheduleSpec[];
}

export interface ScheduleSpec {
  /** Five-field cron expression (croner), e.g. `0 3 * * *`. */
  cron: string;
  /** IANA time zone the fields are read in; undefined = UTC. */
  timezone?: string;
}

/** An inline `- approval:` step: the job waits at a gate until enough people approve. */
export interface ApprovalSpec {
  /** Approvals needed, never counting the change's author. */
  approvers: number;
  /** Nobody decided by then: the gate expires and the step fails. */
  timeoutMs: number;
}

export interface StepSpec {
  name: string;
  run?: string;
  uses?: string;
  approval?: ApprovalSpec;
  with: Record<string, string>;
  env: Record<string, string>;
  timeoutMs?: number;
  /** Extra attempts after a failure (0 = run once). */
  retry: number;
  workingDirectory?: string;
  continueOnError: boolean;
  /** false = no network inside the sandbox for this step; undefined = inherit from the job. */
  network?: boolean;
}

/** A stage of the file. Without a matrix it is exactly one job; with one, one job per combination. */
export interface StageSpec {
  name: string;
  needs: string[];
  if: JobCondition;
  continueOnError: boolean;
  matrix?: MatrixSpec;
  env: Record<string, string>;
  timeoutMs?: number;
  /** Extra attempts of the whole job, each in a fresh workspace (0 = run once). */
  retry: number;
  workingDirectory?: string;
  environment?: string;
  /** Agent labels the job needs; empty = any agent. */
  runsOn: string[];
  network: boolean;
  artifacts?: ArtifactSpec;
  cache: CacheSpec[];
  steps: StepSpec[];
}

/** `concurrency:` of a pipeline: one run of the group at a time (GitHub Actions' workflow concurrency). */
export interface ConcurrencySpec {
  /** May contain `${{ ref }}`, replaced by the run's ref when it is enqueued. */
  group: string;
  /** Cancel the group's older unfinished runs instead of queueing behind them. */
  cancelInProgress: boolean;
}

export interface Pipeline {
  name: string;
  trigger: TriggerSpec;
  env: Record<string, string>;
  concurrency?: ConcurrencySpec;
  /** Queued jobs of higher priority are dispatched first; default 0. */
  priority: number;
  stages: StageSpec[];
}

export interface PlannedStep {
  /** 0-based position within the job. */
  index: number;
  name: string;
  run?: string;
  uses?: string;
  /** Exactly one of run, uses and approval is set. */
  approval?: ApprovalSpec;
  with: Record<string, string>;
  /** Fully merged env: pipeline < job < step, matrix values interpolated. */
  env: Record<string, string>;
  timeoutMs?: number;
  retry: number;
  workingDirectory?: string;
  continueOnError: boolean;
  network: boolean;
}

export interface PlannedJob {
  /** Stable id: the stage name, or `name[axis=value,...]` for a matrix combination. */
  id: string;
  stage: string;
  matrix: Record<string, MatrixValue>;
  /** Ids of the jobs this one waits for. */
  needs: string[];
  if: JobCondition;
  continueOnError: boolean;
  timeoutMs?: number;
  retry: number;
  workingDirectory?: string;
  environment?: string;
  runsOn: string[];
  artifacts?: ArtifactSpec;
  cache: CacheSpec[];
  steps: PlannedStep[];
}

export interface Plan {
  name: string;
  concurrency?: ConcurrencySpec;
  /** Of every job of the run; absent = 0. */
  priority?: number;
  /** Jobs in a topological order (every job after all of its needs), stable for a given file. */
  jobs: PlannedJob[];
}

export type ParseResult =
  | { ok: true; pipeline: Pipeline; diagnostics: [] }
  | { ok: false; diagnostics: Diagnostic[] };
