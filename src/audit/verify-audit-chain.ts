import { type AuditEntry, genesisHash } from './audit-entry.js';
import { hashAuditEntry } from './hash-audit-entry.js';

/**
 * Why an entry is bad:
 * - edited: its fields no longer give its hash (or its link to the previous entry was re-hashed);
 * - deleted: its seq is missing (a gap, or entries cut off the end of the log);
 * - reordered: its fields are intact but give its hash only under another seq (rows were renumbered or swapped);
 * - inserted: it lies beyond the chain head, so it was not appended through appendAuditEntry.
 */
export const auditDefectReasons = ['edited', 'deleted', 'reordered', 'inserted'] as const;
export type AuditDefectReason = (typeof auditDefectReasons)[number];

export interface AuditDefect {
  /** The first bad entry's seq; for `deleted`, the first missing seq. */
  seq: number;
  reason: AuditDefectReason;
  message: string;
}

export interface AuditChainReport {
  ok: boolean;
  /** Entries examined: all of them when ok, up to and including the first bad one otherwise. */
  entries: number;
  firstBad?: AuditDefect;
}

/** audit_chain_head: the seq and hash of the last entry appended. */
export interface AuditChainHead {
  seq: number;
  hash: string;
}

export interface AuditChainVerifier {
  /** The next entries in seq order (a page at a time); returns the first defect once found. */
  feed(entries: readonly AuditEntry[]): AuditDefect | undefined;
  /** The verdict. With the head, entries cut off the end, or appended around the log, are found too. */
  finish(head?: AuditChainHead): AuditChainReport;
}

export interface AuditChainVerifierOptions {
  /**
   * How far from its current seq to look for the seq an entry was hashed under, to tell `reordered`
   * from `edited`. Only entries that already fail are searched, so the cost is paid once. Default 1000.
   */
  reorderSearchSpan?: number;
}

/**
 * Recomputes the chain incrementally: pure, holding only the last seq and hash, so a log of any size
 * is verified page by page in constant memory. Stops at the first defect: everything after it is
 * suspect anyway, and naming the first one says where to start looking.
 */
export function createAuditChainVerifier(options: AuditChainVerifierOptions = {}): AuditChainVerifier {
  const span = options.reorderSearchSpan ?? 1000;
  let lastSeq = 0;
  let lastHash = genesisHash;
  let examined = 0;
  let defect: AuditDefect | undefined;

  const check = (entry: AuditEntry): AuditDefect | undefined => {
    const expected = lastSeq + 1;
    if (entry.seq > expected) {
      const missing = entry.seq - 1 === expected ? `entry ${expected} is` : `entries ${expected}–${entry.seq - 1} are`;
      return { seq: expected, reason: 'deleted', message: `${missing} missing: the log goes from ${lastSeq} to ${entry.seq}` };
    }
    if (entry.seq < expected) {
      // Only when the caller feeds out of order or repeats a page; the primary key makes duplicates impossible.
      return { seq: entry.seq, reason: 'reordered', message: `entry ${entry.seq} came after entry ${lastSeq}: entries must be fed in seq order` };
    }
    if (hashAuditEntry(entry) !== entry.hash) {
      const writtenAs = findWrittenSeq(entry, span);
      if (writtenAs !== undefined) {
        return { seq: entry.seq, reason: 'reordered', message: `entry ${entry.seq} was written as entry ${writtenAs}: rows were renumbered or swapped` };
      }
      return { seq: entry.seq, reason: 'edited', message: `entry ${entry.seq} (${entry.action} by ${entry.actor}) does not match its hash: a field was changed after it was written` };
    }
    if (entry.prevHash !== lastHash) {
      // The entry itself is intact, so one of the pair was rewritten together with its hash; the earlier one is named.
      const seq = Math.max(1, lastSeq);
      const which = lastSeq === 0 ? 'entry 1 does not start from the genesis hash' : `entry ${entry.seq} does not link to the hash of entry ${lastSeq}`;
      return { seq, reason: 'edited', message: `${which}: entry ${seq} or its link was rewritten and re-hashed` };
    }
    return undefined;
  };

  return {
    feed: (entries) => {
      for (const entry of entries) {
        if (defect) break;
        examined += 1;
        defect = check(entry);
        if (!defect) {
          lastSeq = entry.seq;
          lastHash = entry.hash;
        }
      }
      return defect;
    },
    finish: (head) => {
      if (!defect && head) defect = checkHead(head, lastSeq, lastHash);
      return defect ? { ok: false, entries: examined, firstBad: defect } : { ok: true, entries: examined };
    },
  };
}

/** Verifies a whole chain held in memory, in seq order. */
export function verifyAuditChain(entries: readonly AuditEntry[], head?: AuditChainHead, options?: AuditChainVerifierOptions): AuditChainReport {
  const verifier = createAuditChainVerifier(options);
  verifier.feed(entries);
  return verifier.finish(head);
}

function checkHead(head: AuditChainHead, lastSeq: number, lastHash: string): AuditDefect | undefined {
  if (head.seq > lastSeq) {
    const missing = head.seq === lastSeq + 1 ? `entry ${head.seq} is` : `entries ${lastSeq + 1}–${head.seq} are`;
    return { seq: lastSeq + 1, reason: 'deleted', message: `${missing} missing from the end: the chain head says the last entry is ${head.seq}` };
  }
  if (head.seq < lastSeq) {
    return { seq: head.seq + 1, reason: 'inserted', message: `entry ${head.seq + 1} was not appended through the audit log: the chain head says the last entry is ${head.seq}` };
  }
  if (lastSeq > 0 && head.hash !== lastHash) {
    return { seq: lastSeq, reason: 'edited', message: `entry ${lastSeq} does not have the hash the chain head recorded: it was rewritten and re-hashed` };
  }
  return undefined;
}

function findWrittenSeq(entry: AuditEntry, span: number): number | undefined {
  for (let distance = 1; distance <= span; distance++) {
    for (const seq of [entry.seq - distance, entry.seq + distance]) {
      if (seq >= 1 && hashAuditEntry({ ...entry, seq }) === entry.hash) return seq;
    }
  }
  return undefined;
}
