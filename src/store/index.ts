/**
 * store/ — the database: one Db interface over PostgreSQL (pg pool) or the embedded PGlite, plain-SQL
 * migrations applied at start-up, and the rows of projects, runs, jobs and steps.
 *
 * Glossary
 * - store: an open, migrated database (openStore). db: its handle for statements and transactions.
 * - kind: `postgres` (a server, DATABASE_URL) or `pglite` (PostgreSQL in this process, one connection).
 * - transaction: statements that commit or roll back together; nested transaction() calls join the outer one.
 * - migration: a numbered, forward-only SQL file (migrations/0001_init.sql), applied once, in its own
 *   transaction, and recorded with its checksum in schema_migrations. schema version: the highest applied.
 * - project: a repository whose pipelines run here; runs are numbered per project.
 * - run: one execution of a project's pipeline for a ref and commit; run number: 1, 2, 3… per project.
 * - job: one planned job of a run (a stage, or one matrix combination of it); job key: the plan's job id.
 * - attempt: one execution of a job; a retried job runs again with attempt + 1.
 * - step: one command or action of a job, by position (idx).
 * - failure: why a job did not succeed, as data: {kind: user|infra|timeout|canceled, retryable, message}.
 */
export type { Db, QueryResult, StoreKind } from './db.js';
export { type OpenStoreOptions, type Store, createStore, openStore } from './open-store.js';
export { type PgliteOptions, connectPglite } from './pglite/connect.js';
export { type PostgresOptions, connectPostgres } from './postgres/connect.js';
export { type Migration, loadMigrations, migrationsDir, parseMigration } from './load-migrations.js';
export { type MigrationReport, applyMigrations } from './apply-migrations.js';
export type { Project } from './projects/project.js';
export { type EnsureProjectInput, ensureProject } from './projects/ensure-project.js';
export { bindProjectRepo } from './projects/bind-project-repo.js';
export { findProjectByName, getProjectNames, listProjectsWithRepo } from './projects/find-projects.js';
export {
  type FailureKind,
  type Job,
  type JobDetail,
  type JobFailure,
  type JobStatus,
  type Run,
  type RunDetail,
  type RunStatus,
  type RunTrigger,
  type Step,
  type StepStatus,
  failureKinds,
  jobStatuses,
  runStatuses,
  runTriggers,
  stepStatuses,
} from './runs/run.js';
export { type CreateRunInput, type NewJob, createRun } from './runs/create-run.js';
export { getRun } from './runs/get-run.js';
export { readStageDurations, type StageDuration } from './runs/read-stage-durations.js';
export { type ListRunsOptions, listRuns, listRunsPage, maxListRunsLimit } from './runs/list-runs.js';
export { canTransitionJob, isTerminalJobStatus, jobTransitions } from './runs/job-transitions.js';
export { type JobStatusChange, updateJobStatus } from './runs/update-job-status.js';
export { listProjects, type ProjectSummary } from './projects/list-projects.js';
