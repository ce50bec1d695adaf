import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { type AuditEntry, listAuditEntries, maxListAuditLimit, verifyStoredAuditChain } from '../audit/index.js';
import type { Db } from '../store/index.js';
import { parseBody } from './agents/parse-body.js';

export interface AuditRouteDeps {
  db: Db;
}

const text = z.string().min(1).max(500);
export const listQuery = z.object({
  project: text.optional(),
  actor: text.optional(),
  action: text.optional(),
  subjectType: text.optional(),
  subjectId: text.optional(),
  since: z.iso.datetime({ offset: true }).optional(),
  until: z.iso.datetime({ offset: true }).optional(),
  after: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(maxListAuditLimit).optional(),
});

/**
 * The audit log, read-only: entries filtered (oldest first; page on with `after` = the last seq, given
 * back as nextAfter when the page is full) and the chain's verification. Readable without identity,
 * like runs and environments, until RBAC decides who may read it.
 */
export function registerAuditRoutes(app: FastifyInstance, deps: AuditRouteDeps): void {
  app.get('/api/v1/audit', async (request) => {
    const query = parseBody(listQuery, request.query, 'audit query');
    const limit = query.limit ?? 100;
    const entries = await listAuditEntries(deps.db, {
      ...(query.project === undefined ? {} : { project: query.project }),
      ...(query.actor === undefined ? {} : { actor: query.actor }),
      ...(query.action === undefined ? {} : { action: query.action }),
      ...(query.subjectType === undefined ? {} : { subjectType: query.subjectType }),
      ...(query.subjectId === undefined ? {} : { subjectId: query.subjectId }),
      ...(query.since === undefined ? {} : { since: new Date(query.since) }),
      ...(query.until === undefined ? {} : { until: new Date(query.until) }),
      ...(query.after === undefined ? {} : { afterSeq: query.after }),
      limit,
    });
    return { entries: entries.map(present), ...(entries.length === limit ? { nextAfter: entries.at(-1)!.seq } : {}) };
  });

  app.get('/api/v1/audit/verify', async () => verifyStoredAuditChain(deps.db));
}

function present(entry: AuditEntry) {
  return { ...entry, at: entry.at.toISOString() };
}
