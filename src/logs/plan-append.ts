import type { LogHead } from './log-head.js';

/** A byte range [start, end) in agent offsets. */
export interface ByteRange {
  start: number;
  end: number;
}

export type AppendPlan =
  /** The chunk starts past the acknowledged length: bytes in between were never sent. */
  | { kind: 'gap' }
  /** The chunk brings new bytes but the log is finished. */
  | { kind: 'finished'; verify: ByteRange | null }
  | {
      kind: 'accept';
      /** Already-stored bytes the chunk overlaps; they must be identical. null: nothing to compare. */
      verify: ByteRange | null;
      /** New bytes to store, at the same offsets in the stored log; null: none (a retry, or past the cap). */
      keep: ByteRange | null;
      /** Set when this append reaches the cap: store the marker at this offset, right after `keep`. */
      truncateAt: number | null;
      /** The acknowledged length afterwards. */
      length: number;
    };

/**
 * Decides what one append does, from the locked head alone. Stored and agent offsets agree up to
 * the cap; past it the agent's offsets keep counting (so its retries line up) while nothing is stored.
 * Bytes past the cap cannot be compared, so a retry there is acknowledged unchecked.
 */
export function planAppend(head: LogHead, chunk: { offset: number; byteLength: number }, maxBytes: number): AppendPlan {
  const end = chunk.offset + chunk.byteLength;
  if (chunk.offset > head.length) return { kind: 'gap' };
  const verifyEnd = Math.min(end, head.length, head.cappedAt ?? Number.POSITIVE_INFINITY);
  const verify = chunk.offset < verifyEnd ? { start: chunk.offset, end: verifyEnd } : null;
  if (end <= head.length) return { kind: 'accept', verify, keep: null, truncateAt: null, length: head.length };
  if (head.complete) return { kind: 'finished', verify };
  if (head.truncated) return { kind: 'accept', verify, keep: null, truncateAt: null, length: end };
  // A cap lowered below what is already stored truncates at the stored end: stored bytes never change.
  const keepEnd = Math.max(head.length, Math.min(end, maxBytes));
  return {
    kind: 'accept',
    verify,
    keep: keepEnd > head.length ? { start: head.length, end: keepEnd } : null,
    truncateAt: end > keepEnd ? keepEnd : null,
    length: end,
  };
}
