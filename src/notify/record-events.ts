import type { Clock } from '../clock/clock.js';
import type { Db } from '../store/index.js';
import {
  decideApprovalEvent,
  decideDeploymentEvent,
  decideRunEvent,
  type FinishedDeploymentRow,
  type FinishedRunRow,
  type GateRow,
} from './decide-events.js';
import type { DecidedEvent } from './notification-event.js';

export interface RecordEventsOptions {
  /** How far behind its watermark the detector re-reads (ms): covers rows whose time was taken before a slower transaction committed. */
  overlapMs: number;
  /** Rows read per statement (count); a poll reads page after page until it is done. */
  pageSize: number;
}

export const defaultRecordEventsOptions: RecordEventsOptions = { overlapMs: 60_000, pageSize: 500 };

interface Source<Row> {
  name: 'runs' | 'deployments' | 'approvals';
  /** Rows at or after $1 (a time), after ($2 time, $3 id) in (time, id) order, $4 at most; each with `at` and `id`. */
  sql: string;
  decide(row: Row): DecidedEvent | undefined;
}

const runs: Source<FinishedRunRow> = {
  name: 'runs',
  sql: `SELECT r.id, r.number, p.name AS project, p.default_branch AS "defaultBranch", r.ref, r.commit_sha AS "commitSha",
      r.status, r.pipeline_name AS "pipelineName", r.author, r.finished_at AS "finishedAt", r.finished_at AS at,
      (SELECT coalesce(jsonb_agg(jsonb_build_object('jobKey', j.job_key, 'message', coalesce(j.failure ->> 'message', '')) ORDER BY j.id), '[]'::jsonb)
         FROM jobs j WHERE j.run_id = r.id AND j.status = 'failed') AS "failedJobs"
    FROM runs r JOIN projects p ON p.id = r.project_id
    WHERE r.status = 'failed' AND r.finished_at >= $1 AND (r.finished_at, r.id) > ($2, $3)
    ORDER BY r.finished_at, r.id LIMIT $4`,
  decide: decideRunEvent,
};

const deployments: Source<FinishedDeploymentRow> = {
  name: 'deployments',
  sql: `SELECT d.id, p.name AS project, d.environment, d.service, r.version, s.version AS "stableVersion", d.kind, d.status,
      d.failure ->> 'message' AS "failureMessage", d.abort_requested_by AS "abortRequestedBy", d.finished_at AS "finishedAt", d.finished_at AS at,
      (SELECT x.e ->> 'reason' FROM jsonb_array_elements(d.events) WITH ORDINALITY AS x(e, n)
         WHERE x.e ->> 'type' = 'aborted' ORDER BY x.n DESC LIMIT 1) AS "abortedReason"
    FROM deployments d JOIN projects p ON p.id = d.project_id JOIN releases r ON r.id = d.release_id
      LEFT JOIN releases s ON s.id = d.stable_release_id
    WHERE d.status IN ('aborted', 'failed', 'succeeded') AND d.finished_at >= $1 AND (d.finished_at, d.id) > ($2, $3)
    ORDER BY d.finished_at, d.id LIMIT $4`,
  decide: decideDeploymentEvent,
};

const approvals: Source<GateRow> = {
  name: 'approvals',
  sql: `SELECT a.id, p.name AS project, a.environment, a.run_id AS "runId", a.job_key AS "jobKey", a.branch, a.author,
      a.required_approvals AS "requiredApprovals", a.risk_score AS "riskScore", a.status, a.reasons,
      a.expires_at AS "expiresAt", a.created_at AS "createdAt", a.created_at AS at
    FROM approval_requests a JOIN projects p ON p.id = a.project_id
    WHERE a.status = 'pending' AND a.created_at >= $1 AND (a.created_at, a.id) > ($2, $3)
    ORDER BY a.created_at, a.id LIMIT $4`,
  decide: decideApprovalEvent,
};

/**
 * One poll of the detector: decides the events of every source table since its cursor and records the
 * new ones, each with one pending delivery per webhook that wants it. Runs in the notifier's loop,
 * never in a run's or a deployment's path. Returns the events recorded by this call.
 */
export async function recordNewEvents(db: Db, clock: Clock, options: RecordEventsOptions = defaultRecordEventsOptions): Promise<number> {
  let recorded = 0;
  for (const source of [runs, deployments, approvals] as Source<never>[]) recorded += await recordSource(db, clock, source, options);
  return recorded;
}

async function recordSource<Row extends { id: number; at: Date }>(db: Db, clock: Clock, source: Source<Row>, options: RecordEventsOptions): Promise<number> {
  const nowMs = clock.now();
  // The first poll ever fixes the floor: history from before notifications were enabled is not announced.
  await db.query('INSERT INTO notification_cursors (source, watermark, floor) VALUES ($1, $2, $2) ON CONFLICT (source) DO NOTHING', [
    source.name,
    new Date(nowMs),
  ]);
  const { rows: cursors } = await db.query<{ watermark: Date; floor: Date }>('SELECT watermark, floor FROM notification_cursors WHERE source = $1', [source.name]);
  const cursor = cursors[0]!;
  const fromMs = Math.max(cursor.floor.getTime(), cursor.watermark.getTime() - options.overlapMs);
  let after: { at: Date; id: number } = { at: new Date(0), id: 0 };
  let recorded = 0;
  for (;;) {
    const { rows } = await db.query<Row>(source.sql, [new Date(fromMs), after.at, after.id, options.pageSize]);
    if (rows.length === 0) break;
    const events = rows.map((row) => source.decide(row)).filter((event): event is DecidedEvent => event !== undefined);
    const last = rows[rows.length - 1]!;
    recorded += await db.transaction(async (tx) => {
      let inserted = 0;
      for (const event of events) if (await insertEvent(tx, clock, event)) inserted += 1;
      await tx.query('UPDATE notification_cursors SET watermark = GREATEST(watermark, $2) WHERE source = $1', [source.name, last.at]);
      return inserted;
    });
    if (rows.length < options.pageSize) break;
    after = { at: last.at, id: Number(last.id) };
  }
  return recorded;
}

/** Inserts the event and its deliveries; false when another poll (or replica) recorded it first. */
async function insertEvent(tx: Db, clock: Clock, event: DecidedEvent): Promise<boolean> {
  const now = new Date(clock.now());
  const { rows } = await tx.query<{ id: number }>(
    `INSERT INTO notification_events (kind, subject, project, fields, occurred_at, created_at)
     VALUES ($1, $2, $3, $4::jsonb, $5, $6) ON CONFLICT (kind, subject) DO NOTHING RETURNING id`,
    [event.kind, event.subject, event.project, JSON.stringify(event.fields), new Date(event.occurredAtMs), now],
  );
  if (!rows[0]) return false;
  await tx.query(
    `INSERT INTO notification_deliveries (event_id, webhook_id, next_attempt_at, created_at, updated_at)
     SELECT $1, w.id, $4, $4, $4 FROM notification_webhooks w
     WHERE $2 = ANY (w.events) AND (cardinality(w.projects) = 0 OR $3 = ANY (w.projects))`,
    [rows[0].id, event.kind, event.project, now],
  );
  return true;
}
