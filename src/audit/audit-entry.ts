/**
 * The actions the log records. Open-ended in the store (text), closed here so a typo is a compile
 * error.
 */
export const auditActions = [
  'run.trigger',
  'run.cancel',
  'secret.set',
  'secret.delete',
  'environment.put',
  'environment.delete',
  'approval.approve',
  'approval.reject',
  'deployment.deploy',
  'deployment.promote',
  'deployment.abort',
  'deployment.rollback',
  'notification_webhook.put',
  'notification_webhook.delete',
  'user.create',
  'team.create',
  'team_member.put',
  'team_member.delete',
  'project.create',
  'token.issue',
  'token.revoke',
  'policy.set',
] as const;
export type AuditAction = (typeof auditActions)[number];

/** What an action was done to: a run, a secret, an environment, an approval request, a deployment. */
export interface AuditSubject {
  type: string;
  id: string;
}

/** One row of audit_entries. before/after are redacted JSON, null when there is no such side. */
export interface AuditEntry {
  seq: number;
  at: Date;
  actor: string;
  role: string;
  action: string;
  subject: AuditSubject;
  project: string | null;
  before: unknown;
  after: unknown;
  prevHash: string;
  hash: string;
}

/** prev_hash of entry 1, and the head's hash while the log is empty. */
export const genesisHash = '0'.repeat(64);

export const auditEntryColumns = `seq, at, actor, role, action, subject_type AS "subjectType", subject_id AS "subjectId",
  project, before, after, prev_hash AS "prevHash", hash`;

export interface AuditEntryRow {
  seq: number | string;
  at: Date;
  actor: string;
  role: string;
  action: string;
  subjectType: string;
  subjectId: string;
  project: string | null;
  before: unknown;
  after: unknown;
  prevHash: string;
  hash: string;
}

export function toAuditEntry(row: AuditEntryRow): AuditEntry {
  return {
    seq: Number(row.seq),
    at: row.at,
    actor: row.actor,
    role: row.role,
    action: row.action,
    subject: { type: row.subjectType, id: row.subjectId },
    project: row.project,
    before: row.before ?? null,
    after: row.after ?? null,
    prevHash: row.prevHash,
    hash: row.hash,
  };
}
