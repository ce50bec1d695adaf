import { AppError, ErrorCode } from '../errors/app-error.js';
import type { Db } from '../store/db.js';
import { emptyLogHead, getLogHead, readableLength } from './log-head.js';
import { readChunkRows, sliceRange } from './read-chunk-rows.js';

export interface ReadLogInput {
  jobId: number;
  /** First byte to return. Default 0. */
  fromOffset?: number;
  /** At most this many bytes; 0 reads only the length. */
  maxBytes: number;
}

export interface LogSlice {
  /** The stored bytes from fromOffset, up to maxBytes (fewer at the end of what is stored). */
  data: Buffer;
  /** fromOffset + data.length: where the next read starts. */
  nextOffset: number;
  /** Bytes stored so far (with the truncation marker, when truncated). */
  length: number;
  truncated: boolean;
  /** The log is finished and nextOffset is its end: nothing will ever follow. */
  complete: boolean;
}

/**
 * Reads stored log bytes. Stored bytes never change, so reading the head first and then only the rows
 * below its length is consistent without a transaction. A job without output reads as empty;
 * an unknown job is not_found; a fromOffset past the stored length is invalid_argument.
 */
export async function readLog(db: Db, input: ReadLogInput): Promise<LogSlice> {
  const fromOffset = input.fromOffset ?? 0;
  if (!Number.isSafeInteger(fromOffset) || fromOffset < 0 || !Number.isSafeInteger(input.maxBytes) || input.maxBytes < 0) {
    throw new AppError(
      ErrorCode.invalidArgument,
      `log read of job ${input.jobId} needs whole numbers >= 0 for fromOffset and maxBytes, got ${fromOffset} and ${input.maxBytes}`,
    );
  }
  const head = (await getLogHead(db, input.jobId)) ?? emptyLogHead(input.jobId);
  const length = readableLength(head);
  if (fromOffset > length) {
    throw new AppError(
      ErrorCode.invalidArgument,
      `job ${input.jobId}'s log has ${length} bytes, so it cannot be read from byte ${fromOffset}: read from an offset this server handed out`,
      { details: { jobId: input.jobId, fromOffset, length } },
    );
  }
  const end = Math.min(length, fromOffset + input.maxBytes);
  const data = end > fromOffset ? sliceRange(await readChunkRows(db, input.jobId, fromOffset, end), fromOffset, end) : Buffer.alloc(0);
  return {
    data,
    nextOffset: end,
    length,
    truncated: head.truncated,
    complete: head.complete && end === length,
  };
}
