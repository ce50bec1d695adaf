import type { Db } from '../store/index.js';
import { type AuditEntry, type AuditEntryRow, auditEntryColumns, toAuditEntry } from './audit-entry.js';

export interface ListAuditEntriesOptions {
  project?: string;
  actor?: string;
  action?: string;
  subjectType?: string;
  subjectId?: string;
  /** Entries at or after this time. */
  since?: Date;
  /** Entries strictly before this time. */
  until?: Date;
  /** Only entries with a larger seq: the cursor of the next page (the last seq of this one). */
  afterSeq?: number;
  /** Default 100, at most maxListAuditLimit. */
  limit?: number;
}

export const maxListAuditLimit = 1000;
const defaultLimit = 100;

/** Entries matching every given filter, oldest first (by seq, the chain's order). */
export async function listAuditEntries(db: Db, options: ListAuditEntriesOptions = {}): Promise<AuditEntry[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown): void => {
    params.push(value);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (options.project !== undefined) add('project = ?', options.project);
  if (options.actor !== undefined) add('actor = ?', options.actor);
  if (options.action !== undefined) add('action = ?', options.action);
  if (options.subjectType !== undefined) add('subject_type = ?', options.subjectType);
  if (options.subjectId !== undefined) add('subject_id = ?', options.subjectId);
  if (options.since !== undefined) add('at >= ?', options.since);
  if (options.until !== undefined) add('at < ?', options.until);
  if (options.afterSeq !== undefined) add('seq > ?', options.afterSeq);
  params.push(Math.min(Math.max(1, options.limit ?? defaultLimit), maxListAuditLimit));
  const { rows } = await db.query<AuditEntryRow>(
    `SELECT ${auditEntryColumns} FROM audit_entries ${where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`}
     ORDER BY seq LIMIT $${params.length}`,
    params,
  );
  return rows.map(toAuditEntry);
}
