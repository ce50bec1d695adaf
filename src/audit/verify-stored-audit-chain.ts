import type { Db } from '../store/index.js';
import { type AuditEntryRow, auditEntryColumns, toAuditEntry } from './audit-entry.js';
import { type AuditChainHead, type AuditChainReport, type AuditChainVerifierOptions, createAuditChainVerifier } from './verify-audit-chain.js';

export interface VerifyStoredAuditChainOptions extends AuditChainVerifierOptions {
  /** Entries read per query. Default 1000. */
  pageSize?: number;
}

/**
 * Verifies the stored log page by page, without one long transaction. Rows are only ever appended, so
 * pages read at different moments still form one consistent prefix. The head is read before and after:
 * every seq up to the first reading was committed by then (the head moves in the appending
 * transaction), so fewer rows than it means deletion; more rows than the second reading means rows
 * written around appendAuditEntry. Rows appended meanwhile are simply verified too.
 */
export async function verifyStoredAuditChain(db: Db, options: VerifyStoredAuditChainOptions = {}): Promise<AuditChainReport> {
  const pageSize = options.pageSize ?? 1000;
  const verifier = createAuditChainVerifier(options);
  const first = await readHead(db);
  let lastSeq = 0;
  for (;;) {
    const { rows } = await db.query<AuditEntryRow>(`SELECT ${auditEntryColumns} FROM audit_entries WHERE seq > $1 ORDER BY seq LIMIT $2`, [lastSeq, pageSize]);
    const entries = rows.map(toAuditEntry);
    if (verifier.feed(entries)) return verifier.finish();
    if (entries.length > 0) lastSeq = entries.at(-1)!.seq;
    if (entries.length < pageSize) break;
  }
  if (lastSeq <= first.seq) return verifier.finish(first);
  const second = await readHead(db);
  // Rows appended after the last page but before the second reading are not verified here; comparing
  // with that head would misreport them, so the head check is skipped (the next verify covers them).
  return verifier.finish(lastSeq >= second.seq ? second : undefined);
}

async function readHead(db: Db): Promise<AuditChainHead> {
  const { rows } = await db.query<{ seq: number | string; hash: string }>('SELECT seq, hash FROM audit_chain_head');
  return { seq: Number(rows[0]?.seq ?? 0), hash: rows[0]?.hash ?? '' };
}
