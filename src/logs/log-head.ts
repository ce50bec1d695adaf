import { AppError, ErrorCode } from '../errors/app-error.js';
import type { Db } from '../store/db.js';
import { truncationMarker } from './truncation-marker.js';

/** The per-job log head row (job_logs). */
export interface LogHead {
  jobId: number;
  /** Bytes acknowledged to the agent, in agent offsets; past the cap it keeps growing. */
  length: number;
  truncated: boolean;
  /** Where the stored output stops and the truncation marker starts; null until truncated. */
  cappedAt: number | null;
  /** finishLog was called: no more output will come. */
  complete: boolean;
}

interface HeadRow {
  job_id: number;
  length: number;
  truncated: boolean;
  capped_at: number | null;
  complete: boolean;
}

const headColumns = 'job_id, length, truncated, capped_at, complete';

function toHead(row: HeadRow): LogHead {
  return {
    jobId: Number(row.job_id),
    length: Number(row.length),
    truncated: row.truncated,
    cappedAt: row.capped_at === null ? null : Number(row.capped_at),
    complete: row.complete,
  };
}

/** A log nobody has written to yet reads as this: empty, still open. */
export function emptyLogHead(jobId: number): LogHead {
  return { jobId, length: 0, truncated: false, cappedAt: null, complete: false };
}

/** Bytes a reader can read: the agent's length, or up to the cap plus the marker once truncated. */
export function readableLength(head: LogHead): number {
  return head.cappedAt === null ? head.length : head.cappedAt + truncationMarker(head.cappedAt).length;
}

/** The head, or undefined when the job has no log yet; not_found when the job does not exist. */
export async function getLogHead(db: Db, jobId: number): Promise<LogHead | undefined> {
  const { rows } = await db.query<HeadRow>(`SELECT ${headColumns} FROM job_logs WHERE job_id = $1`, [jobId]);
  if (rows[0]) return toHead(rows[0]);
  await assertJobExists(db, jobId);
  return undefined;
}

/**
 * Creates the head if missing and locks it for the rest of tx: every writer of a job's log goes
 * through this row, so concurrent appends of one job run one after the other.
 */
export async function lockLogHead(tx: Db, jobId: number): Promise<LogHead> {
  const locked = () => tx.query<HeadRow>(`SELECT ${headColumns} FROM job_logs WHERE job_id = $1 FOR UPDATE`, [jobId]);
  let { rows } = await locked();
  if (!rows[0]) {
    // Two first appends racing: the second INSERT waits on the first's unique key, then does nothing.
    await tx.query(
      'INSERT INTO job_logs (job_id) SELECT id FROM jobs WHERE id = $1 ON CONFLICT (job_id) DO NOTHING',
      [jobId],
    );
    ({ rows } = await locked());
    if (!rows[0]) throw jobNotFound(jobId);
  }
  return toHead(rows[0]);
}

export async function updateLogHead(tx: Db, head: LogHead): Promise<void> {
  await tx.query('UPDATE job_logs SET length = $2, truncated = $3, capped_at = $4, complete = $5 WHERE job_id = $1', [
    head.jobId,
    head.length,
    head.truncated,
    head.cappedAt,
    head.complete,
  ]);
}

async function assertJobExists(db: Db, jobId: number): Promise<void> {
  const { rowCount } = await db.query('SELECT 1 FROM jobs WHERE id = $1', [jobId]);
  if (rowCount === 0) throw jobNotFound(jobId);
}

function jobNotFound(jobId: number): AppError {
  return new AppError(ErrorCode.notFound, `job ${jobId} does not exist, so it has no log`, { details: { jobId } });
}
