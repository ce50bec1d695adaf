import { AppError, ErrorCode } from '../errors/app-error.js';
import type { Db } from '../store/db.js';
import { type LogHead, lockLogHead, updateLogHead } from './log-head.js';
import { defaultMaxLogBytes, maxLogChunkBytes } from './log-limits.js';
import { type ByteRange, planAppend } from './plan-append.js';
import { readChunkRows, sliceRange } from './read-chunk-rows.js';
import { truncationMarker } from './truncation-marker.js';

export interface LogChunk {
  jobId: number;
  /** Where data starts in the job's output, in bytes from its first byte. */
  offset: number;
  data: Uint8Array;
}

export interface AppendLogOptions {
  /** Bytes of the job's output stored; past it the output is acknowledged and dropped. Default 50 MiB. */
  maxBytes?: number;
}

export interface AppendResult {
  /** Bytes acknowledged: the agent's next chunk starts here. */
  length: number;
  truncated: boolean;
  /**
   * What this append added to the stored log (new bytes, and the marker if it hit the cap), for
   * publishing to live subscribers; null when it added nothing.
   */
  appended: { offset: number; data: Buffer } | null;
}

/**
 * Stores one chunk of a job's output, idempotently: resending stored bytes is acknowledged without
 * change, a chunk overlapping the end stores only its new tail. Different bytes at stored offsets fail
 * with already_exists; a chunk past the end fails with failed_precondition and the length to resend
 * from (details.length). Appends of one job serialise on its log head row.
 */
export async function appendLogChunk(db: Db, chunk: LogChunk, options: AppendLogOptions = {}): Promise<AppendResult> {
  checkChunk(chunk);
  const maxBytes = options.maxBytes ?? defaultMaxLogBytes;
  const data = Buffer.from(chunk.data.buffer, chunk.data.byteOffset, chunk.data.byteLength);
  return db.transaction(async (tx) => {
    const head = await lockLogHead(tx, chunk.jobId);
    const plan = planAppend(head, { offset: chunk.offset, byteLength: data.length }, maxBytes);
    if (plan.kind === 'gap') {
      throw new AppError(
        ErrorCode.failedPrecondition,
        `log chunk of job ${chunk.jobId} starts at byte ${chunk.offset} but the log has only ${head.length} bytes: resend from byte ${head.length}`,
        { details: { jobId: chunk.jobId, offset: chunk.offset, length: head.length } },
      );
    }
    if (plan.verify) await verifyStored(tx, chunk, data, plan.verify);
    if (plan.kind === 'finished') {
      throw new AppError(
        ErrorCode.failedPrecondition,
        `the log of job ${chunk.jobId} is finished at ${head.length} bytes; bytes from ${head.length} on cannot be added`,
        { details: { jobId: chunk.jobId, offset: chunk.offset, length: head.length } },
      );
    }
    const parts: Buffer[] = [];
    if (plan.keep) parts.push(data.subarray(plan.keep.start - chunk.offset, plan.keep.end - chunk.offset));
    if (plan.truncateAt !== null) parts.push(truncationMarker(plan.truncateAt));
    const stored = parts.length > 0 ? Buffer.concat(parts) : null;
    // Stored and agent offsets agree until the cap, and the cap is reached at most once.
    const storedAt = head.length;
    if (stored) {
      // base64 text rather than a bytea parameter: PGlite converts bytea byte by byte in JS (~2 MB/s
      // measured), while Buffer's base64 is native; pg would send hex text anyway, and base64 is smaller.
      // A Buffer parameter travels as binary bytea on both stores (no text encoding of the bytes).
      await tx.query(`INSERT INTO log_chunks (job_id, "offset", data) VALUES ($1, $2, $3)`, [chunk.jobId, storedAt, stored]);
    }
    const next: LogHead =
      plan.truncateAt === null ? { ...head, length: plan.length } : { ...head, length: plan.length, truncated: true, cappedAt: plan.truncateAt };
    if (next.length !== head.length || next.truncated !== head.truncated) await updateLogHead(tx, next);
    return {
      length: next.length,
      truncated: next.truncated,
      appended: stored ? { offset: storedAt, data: stored } : null,
    };
  });
}

function checkChunk(chunk: LogChunk): void {
  if (!Number.isSafeInteger(chunk.offset) || chunk.offset < 0) {
    throw new AppError(ErrorCode.invalidArgument, `log chunk offset must be a whole number of bytes >= 0, got ${chunk.offset}`, {
      details: { jobId: chunk.jobId, offset: chunk.offset },
    });
  }
  if (chunk.data.byteLength > maxLogChunkBytes) {
    throw new AppError(
      ErrorCode.invalidArgument,
      `log chunk of ${chunk.data.byteLength} bytes is larger than ${maxLogChunkBytes}: split it (256 KiB chunks are best)`,
      { details: { jobId: chunk.jobId, offset: chunk.offset, byteLength: chunk.data.byteLength } },
    );
  }
}

async function verifyStored(tx: Db, chunk: LogChunk, data: Buffer, range: ByteRange): Promise<void> {
  const stored = sliceRange(await readChunkRows(tx, chunk.jobId, range.start, range.end), range.start, range.end);
  const sent = data.subarray(range.start - chunk.offset, range.end - chunk.offset);
  if (stored.equals(sent)) return;
  let at = 0;
  while (at < sent.length && sent[at] === stored[at]) at++;
  const firstDifference = range.start + at;
  throw new AppError(
    ErrorCode.alreadyExists,
    `log chunk of job ${chunk.jobId} at bytes ${range.start}..${range.end} differs from the bytes already stored there (first difference at byte ${firstDifference}): stored log bytes never change — the agent is resending different output for the same offsets`,
    { details: { jobId: chunk.jobId, offset: chunk.offset, firstDifference } },
  );
}
