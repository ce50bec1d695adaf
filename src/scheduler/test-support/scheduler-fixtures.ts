import { randomBytes } from 'node:crypto';
import type { Clock } from '../../clock/clock.js';
import type { PlannedJob } from '../../pipeline/model.js';
import type { Db, JobFailure } from '../../store/index.js';
import { type EnqueuedRun, type EnqueueRunInput, enqueueRun } from '../enqueue-run.js';
import { type ScheduledJob, scheduledJobColumns } from '../scheduled-job.js';
import { makeJob } from '../../runner/test-support/fixtures.js';

/** Test-only builders; production code never imports this folder. */

export const t0 = Date.UTC(2030, 0, 1);

/**
 * A label no other test uses. Tests of one file share a database, so every job a test enqueues
 * runs on its lane and only the test's own agents (labels [lane]) can claim it.
 */
export function createLane(prefix = 'lane'): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

export function plannedJob(id: string, fields: Partial<PlannedJob> = {}): PlannedJob {
  return makeJob(id, [{ name: 'run', run: 'true' }], fields);
}

/** Enqueues jobs whose runs_on also include the lane. */
export function enqueueOnLane(
  db: Db,
  clock: Clock,
  projectId: number,
  lane: string,
  jobs: PlannedJob[],
  options: Partial<Omit<EnqueueRunInput, 'plan' | 'projectId'>> = {},
): Promise<EnqueuedRun> {
  return enqueueRun(db, clock, {
    projectId,
    ref: 'refs/heads/main',
    commitSha: 'b'.repeat(40),
    trigger: 'push',
    ...options,
    plan: { name: 'ci', jobs: jobs.map((job) => ({ ...job, runsOn: [...job.runsOn, lane] })) },
  });
}

export async function readJob(db: Db, jobId: number): Promise<ScheduledJob> {
  const { rows } = await db.query<ScheduledJob>(`SELECT ${scheduledJobColumns} FROM jobs WHERE id = $1`, [jobId]);
  if (!rows[0]) throw new Error(`job ${jobId} not found`);
  return rows[0];
}

/** key -> status of a run's jobs. */
export async function jobStatuses(db: Db, runId: number): Promise<Record<string, string>> {
  const { rows } = await db.query<{ key: string; status: string }>(
    'SELECT job_key AS key, status FROM jobs WHERE run_id = $1 ORDER BY id',
    [runId],
  );
  return Object.fromEntries(rows.map((row) => [row.key, row.status]));
}

export async function runStatus(db: Db, runId: number): Promise<string> {
  const { rows } = await db.query<{ status: string }>('SELECT status FROM runs WHERE id = $1', [runId]);
  return rows[0]!.status;
}

export const userFailure: JobFailure = { kind: 'user', retryable: false, message: 'exit code 1' };
export const infraFailure: JobFailure = { kind: 'infra', retryable: true, message: 'workspace disk full' };
