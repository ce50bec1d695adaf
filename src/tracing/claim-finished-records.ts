import type { Clock } from '../clock/clock.js';
import type { Db, JobFailure } from '../store/index.js';
import type { DecisionRecordForTrace, FinishedDeploymentRecord, FinishedRunRecord, JobRecord } from './describe-spans.js';

export interface ClaimFinishedOptions {
  /** How far behind its watermark a poll re-reads (ms): covers rows whose time was taken before a slower transaction committed. */
  overlapMs: number;
  /** Rows read per statement (count); a poll reads page after page until it is done. */
  pageSize: number;
}

export const defaultClaimFinishedOptions: ClaimFinishedOptions = { overlapMs: 60_000, pageSize: 200 };

export interface ClaimedRecords {
  runs: FinishedRunRecord[];
  deployments: FinishedDeploymentRecord[];
}

interface Source<Row, Record> {
  name: 'runs' | 'deployments';
  subject(row: Row): string;
  /** Rows finished at or after $1, after ($2 time, $3 id) in (finished_at, id) order, not exported yet, $4 at most; each with `at` and `id`. */
  sql: string;
  toRecord(row: Row): Record;
}

type Ms = number;
type RunRow = Omit<FinishedRunRecord, 'jobs'> & { at: Date; jobs: (Omit<JobRecord, 'startedAt' | 'finishedAt'> & { startedAtMs: Ms | null; finishedAtMs: Ms | null })[] };
type DeploymentRow = Omit<FinishedDeploymentRecord, 'job' | 'decisions'> & {
  at: Date;
  jobId: number | null;
  runId: number | null;
  jobKey: string | null;
  decisions: (Omit<DecisionRecordForTrace, 'createdAt'> & { createdAtMs: Ms })[];
};

// Times inside jsonb as epoch milliseconds: a timestamptz turned into JSON text has microseconds, which Date.parse need not accept.
const epochMs = (column: string) => `(extract(epoch FROM ${column}) * 1000)::float8`;

const runs: Source<RunRow, FinishedRunRecord> = {
  name: 'runs',
  subject: (row) => `run:${row.id}`,
  sql: `SELECT r.id, r.number, p.name AS project, r.ref, r.commit_sha AS "commitSha", r.trigger, r.status, r.pipeline_name AS "pipelineName",
      r.author, r.created_at AS "createdAt", r.finished_at AS "finishedAt", r.finished_at AS at,
      (SELECT coalesce(jsonb_agg(jsonb_build_object('id', j.id, 'jobKey', j.job_key, 'stage', j.stage, 'status', j.status, 'attempt', j.attempt,
          'failure', j.failure, 'startedAtMs', ${epochMs('j.started_at')}, 'finishedAtMs', ${epochMs('j.finished_at')}) ORDER BY j.id), '[]'::jsonb)
         FROM jobs j WHERE j.run_id = r.id) AS jobs
    FROM runs r JOIN projects p ON p.id = r.project_id
    WHERE r.finished_at IS NOT NULL AND r.finished_at >= $1 AND (r.finished_at, r.id) > ($2, $3)
      AND NOT EXISTS (SELECT 1 FROM trace_exports t WHERE t.subject = 'run:' || r.id)
    ORDER BY r.finished_at, r.id LIMIT $4`,
  toRecord: ({ at: _at, jobs, ...run }) => ({
    ...run,
    jobs: jobs.map(({ startedAtMs, finishedAtMs, failure, ...job }) => ({
      ...job,
      failure: failure as JobFailure | null,
      startedAt: startedAtMs === null ? null : new Date(startedAtMs),
      finishedAt: finishedAtMs === null ? null : new Date(finishedAtMs),
    })),
  }),
};

const deployments: Source<DeploymentRow, FinishedDeploymentRecord> = {
  name: 'deployments',
  subject: (row) => `deployment:${row.id}`,
  // A deploy step's deployment carries the idempotency key job:<job id>:step:<index> (api/agents).
  sql: `SELECT d.id, p.name AS project, d.environment, d.service, rel.version, d.kind, d.status, d.strategy ->> 'type' AS strategy,
      d.failure ->> 'message' AS "failureMessage", d.created_at AS "createdAt", d.finished_at AS "finishedAt", d.finished_at AS at,
      j.id AS "jobId", j.run_id AS "runId", j.job_key AS "jobKey",
      (SELECT coalesce(jsonb_agg(jsonb_build_object('sequence', c.sequence, 'step', c.step, 'action', c.action, 'verdict', c.verdict,
          'reasons', c.reasons, 'policyVersion', c.policy_version, 'createdAtMs', ${epochMs('c.created_at')}) ORDER BY c.sequence), '[]'::jsonb)
         FROM canary_decisions c WHERE c.rollout_id = 'deployment-' || d.id) AS decisions
    FROM deployments d JOIN projects p ON p.id = d.project_id JOIN releases rel ON rel.id = d.release_id
      LEFT JOIN jobs j ON j.id = CASE WHEN d.idempotency_key ~ '^job:[0-9]+:step:' THEN split_part(d.idempotency_key, ':', 2)::bigint END
    WHERE d.finished_at IS NOT NULL AND d.finished_at >= $1 AND (d.finished_at, d.id) > ($2, $3)
      AND NOT EXISTS (SELECT 1 FROM trace_exports t WHERE t.subject = 'deployment:' || d.id)
    ORDER BY d.finished_at, d.id LIMIT $4`,
  toRecord: ({ at: _at, jobId, runId, jobKey, decisions, ...deployment }) => ({
    ...deployment,
    job: jobId === null || runId === null || jobKey === null ? null : { id: jobId, runId, jobKey },
    decisions: decisions.map(({ createdAtMs, ...decision }) => ({ ...decision, createdAt: new Date(createdAtMs) })),
  }),
};

/**
 * One poll: the runs and deployments finished since the cursors that no one has exported yet, each
 * claimed for this caller by inserting its subject into trace_exports. Another replica polling at the
 * same time claims a disjoint set; a restart finds them claimed. The caller exports what it gets.
 */
export async function claimFinishedRecords(db: Db, clock: Clock, options: ClaimFinishedOptions = defaultClaimFinishedOptions): Promise<ClaimedRecords> {
  return {
    runs: await claimSource(db, clock, runs, options),
    deployments: await claimSource(db, clock, deployments, options),
  };
}

async function claimSource<Row extends { id: number; at: Date }, Record>(db: Db, clock: Clock, source: Source<Row, Record>, options: ClaimFinishedOptions): Promise<Record[]> {
  const now = new Date(clock.now());
  // The first poll ever fixes the floor: history from before tracing was enabled is not exported.
  await db.query('INSERT INTO trace_export_cursors (source, watermark, floor) VALUES ($1, $2, $2) ON CONFLICT (source) DO NOTHING', [source.name, now]);
  const { rows: cursors } = await db.query<{ watermark: Date; floor: Date }>('SELECT watermark, floor FROM trace_export_cursors WHERE source = $1', [source.name]);
  const cursor = cursors[0]!;
  const fromMs = Math.max(cursor.floor.getTime(), cursor.watermark.getTime() - options.overlapMs);
  let after: { at: Date; id: number } = { at: new Date(0), id: 0 };
  const claimed: Record[] = [];
  for (;;) {
    const { rows } = await db.query<Row>(source.sql, [new Date(fromMs), after.at, after.id, options.pageSize]);
    if (rows.length === 0) break;
    const last = rows[rows.length - 1]!;
    const won = await db.transaction(async (tx) => {
      const { rows: inserted } = await tx.query<{ subject: string }>(
        'INSERT INTO trace_exports (subject, exported_at) SELECT unnest($1::text[]), $2 ON CONFLICT (subject) DO NOTHING RETURNING subject',
        [rows.map((row) => source.subject(row)), now],
      );
      await tx.query('UPDATE trace_export_cursors SET watermark = GREATEST(watermark, $2) WHERE source = $1', [source.name, last.at]);
      return new Set(inserted.map((row) => row.subject));
    });
    for (const row of rows) if (won.has(source.subject(row))) claimed.push(source.toRecord(row));
    if (rows.length < options.pageSize) break;
    after = { at: last.at, id: Number(last.id) };
  }
  return claimed;
}
