import { createHash } from 'node:crypto';
import type { AuditEntry } from './audit-entry.js';
import { canonicalJson } from './canonical-json.js';

/**
 * sha256 (hex) over the canonical JSON of everything an entry says, its seq and the previous entry's
 * hash included: editing any field, moving the entry to another seq, or cutting the chain above it
 * changes the result. Changing this function invalidates every stored chain — don't.
 */
export function hashAuditEntry(entry: Omit<AuditEntry, 'hash'>): string {
  const hashed = {
    seq: entry.seq,
    at: entry.at.toISOString(),
    actor: entry.actor,
    role: entry.role,
    action: entry.action,
    subject: { type: entry.subject.type, id: entry.subject.id },
    project: entry.project,
    before: entry.before ?? null,
    after: entry.after ?? null,
    prevHash: entry.prevHash,
  };
  return createHash('sha256').update(canonicalJson(hashed)).digest('hex');
}
