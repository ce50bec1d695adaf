/**
 * audit/ — the append-only, hash-chained record of every mutating action: who did what to which
 * subject, when, and what it looked like before and after (metadata only, never a secret value).
 *
 * Glossary
 * - entry: one recorded action; seq 1, 2, 3… with no gaps, in the order appends committed.
 * - action: what was done, `<subject type>.<verb>` (run.trigger, secret.set, environment.put, …).
 * - subject: what it was done to (type + id), e.g. run 42, secret acme/web:production:DEPLOY_TOKEN.
 * - actor, role: who did it, from the request identity; 'anonymous' when none was sent.
 * - before / after: the subject's metadata either side of the change, passed through redact().
 * - chain: each entry's hash covers its fields and the previous entry's hash (prev_hash); the first
 *   entry links to the genesis hash (64 zeros). chain head: one row with the last seq and hash,
 *   locked by every append so the chain stays linear across server replicas.
 * - verify: recompute the chain in seq order and name the first bad entry: edited, deleted,
 *   reordered, or inserted (beyond the head).
 */
export { type AuditAction, type AuditEntry, type AuditSubject, auditActions, genesisHash } from './audit-entry.js';
export { canonicalJson } from './canonical-json.js';
export { redact, redactedKeys } from './redact.js';
export { hashAuditEntry } from './hash-audit-entry.js';
export { type AppendAuditOptions, type AuditEntryInput, appendAuditEntry } from './append-audit-entry.js';
export { type ListAuditEntriesOptions, listAuditEntries, maxListAuditLimit } from './list-audit-entries.js';
export {
  type AuditChainHead,
  type AuditChainReport,
  type AuditChainVerifier,
  type AuditChainVerifierOptions,
  type AuditDefect,
  type AuditDefectReason,
  auditDefectReasons,
  createAuditChainVerifier,
  verifyAuditChain,
} from './verify-audit-chain.js';
export { type VerifyStoredAuditChainOptions, verifyStoredAuditChain } from './verify-stored-audit-chain.js';
