import type { Db } from '../store/db.js';

export interface StoredPiece {
  offset: number;
  data: Buffer;
}

/**
 * The stored rows covering [start, end), in order. The lower bound is the row holding `start`, found
 * through the primary key, so a read never scans the job's earlier rows.
 */
export async function readChunkRows(db: Db, jobId: number, start: number, end: number): Promise<StoredPiece[]> {
  // base64 for the reason appendLogChunk writes it: a bytea column decodes byte by byte in PGlite.
  const { rows } = await db.query<{ offset: number; data: string }>(
    `SELECT "offset", encode(data, 'base64') AS data FROM log_chunks
     WHERE job_id = $1 AND "offset" < $3
       AND "offset" >= coalesce((SELECT max("offset") FROM log_chunks WHERE job_id = $1 AND "offset" <= $2), 0)
     ORDER BY "offset"`,
    [jobId, start, end],
  );
  return rows.map((row) => ({ offset: Number(row.offset), data: Buffer.from(row.data, 'base64') }));
}

/** Copies the bytes [start, end) out of pieces that cover them. */
export function sliceRange(pieces: readonly StoredPiece[], start: number, end: number): Buffer {
  const parts: Buffer[] = [];
  for (const piece of pieces) {
    const from = Math.max(start, piece.offset);
    const to = Math.min(end, piece.offset + piece.data.length);
    if (from < to) parts.push(piece.data.subarray(from - piece.offset, to - piece.offset));
  }
  return Buffer.concat(parts);
}
