import { type Clock, systemClock } from '../clock/clock.js';
import { AppError, ErrorCode } from '../errors/app-error.js';
import type { Db } from '../store/index.js';
import type { AuditAction, AuditEntry, AuditSubject } from './audit-entry.js';
import { hashAuditEntry } from './hash-audit-entry.js';
import { redact } from './redact.js';

export interface AuditEntryInput {
  /** Who acted; the API passes 'anonymous' when no identity was sent. */
  actor: string;
  role: string;
  action: AuditAction;
  subject: AuditSubject;
  /** The project's name; omitted or null for actions outside a project. */
  project?: string | null;
  /** Metadata only (names, scopes, rules, statuses), never a secret value; redact() runs on both anyway. */
  before?: unknown;
  after?: unknown;
}

export interface AppendAuditOptions {
  /** Default the system clock. */
  clock?: Clock;
}

/**
 * Appends one entry to the chain. Pass the transaction of the change being recorded to make the two
 * commit together; otherwise it runs in its own. The chain head row stays locked until that
 * transaction ends, which serialises appends across connections and server replicas — keep the
 * transaction short after appending.
 */
export async function appendAuditEntry(db: Db, input: AuditEntryInput, options: AppendAuditOptions = {}): Promise<AuditEntry> {
  if (input.actor.trim() === '') throw new AppError(ErrorCode.internal, `audit entry ${input.action} needs an actor: pass 'anonymous' when none is known`);
  const before = redact(input.before);
  const after = redact(input.after);
  const nowMs = (options.clock ?? systemClock).now();
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{ seq: number | string; hash: string }>('SELECT seq, hash FROM audit_chain_head FOR UPDATE');
    const head = rows[0];
    if (!head) throw new AppError(ErrorCode.internal, 'the audit chain head row is missing: migration 0014_audit.sql creates it; the audit log cannot be appended to');
    const unhashed: Omit<AuditEntry, 'hash'> = {
      seq: Number(head.seq) + 1,
      // Whole milliseconds: what timestamptz gives back as a Date is then exactly what was hashed.
      at: new Date(Math.floor(nowMs)),
      actor: input.actor,
      role: input.role,
      action: input.action,
      subject: input.subject,
      project: input.project ?? null,
      before,
      after,
      prevHash: head.hash,
    };
    const entry: AuditEntry = { ...unhashed, hash: hashAuditEntry(unhashed) };
    // The entry and the new head in one statement (a run's trigger pays for this in its latency).
    await tx.query(
      `WITH entry AS (
         INSERT INTO audit_entries (seq, at, actor, role, action, subject_type, subject_id, project, before, after, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10::jsonb, $11, $12))
       UPDATE audit_chain_head SET seq = $1, hash = $12`,
      [
        entry.seq, entry.at, entry.actor, entry.role, entry.action, entry.subject.type, entry.subject.id, entry.project,
        jsonParam(entry.before), jsonParam(entry.after), entry.prevHash, entry.hash,
      ],
    );
    return entry;
  });
}

/** SQL NULL for no side; both a missing side and JSON null read back as null, and hash as null. */
function jsonParam(value: unknown): string | null {
  return value === null ? null : JSON.stringify(value);
}
