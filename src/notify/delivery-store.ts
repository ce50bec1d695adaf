import type { Clock } from '../clock/clock.js';
import type { Db } from '../store/index.js';
import type { NotificationEventFields, NotificationEventKind } from './notification-event.js';

export const deliveryStatuses = ['pending', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];

/** One delivery as the API shows it. */
export interface Delivery {
  id: number;
  webhook: string;
  eventId: number;
  kind: NotificationEventKind;
  subject: string;
  project: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: Date | null;
  lastError: string | null;
  lastStatusCode: number | null;
  deliveredAt: Date | null;
  createdAt: Date;
}

/** A claimed delivery: everything the worker needs to post it. */
export interface ClaimedDelivery {
  id: number;
  webhookId: number;
  url: string;
  eventId: number;
  event: NotificationEventFields;
  attempts: number;
}

export interface ClaimOptions {
  /** Deliveries claimed at most (count). */
  limit: number;
  /** How long a claim keeps other workers off (ms): longer than one attempt can take. */
  leaseMs: number;
  /** Webhooks this worker is already posting to: their deliveries wait for that lane. */
  busyWebhookIds: readonly number[];
}

/**
 * Claims due deliveries, oldest first, by pushing next_attempt_at past the lease. SKIP LOCKED lets
 * several server replicas claim side by side; a worker that dies leaves its claims to come due again
 * (so an endpoint can, rarely, receive a notification twice — never zero times).
 */
export async function claimDueDeliveries(db: Db, clock: Clock, options: ClaimOptions): Promise<ClaimedDelivery[]> {
  const nowMs = clock.now();
  const { rows } = await db.query<{ id: number; webhookId: number; url: string; eventId: number; kind: NotificationEventKind; fields: never; attempts: number }>(
    `WITH due AS (
       SELECT id FROM notification_deliveries
       WHERE status = 'pending' AND next_attempt_at <= $1 AND NOT (webhook_id = ANY ($4::bigint[]))
       ORDER BY next_attempt_at, id LIMIT $3 FOR UPDATE SKIP LOCKED),
     claimed AS (
       UPDATE notification_deliveries d SET next_attempt_at = $2 FROM due WHERE d.id = due.id
       RETURNING d.id, d.webhook_id, d.event_id, d.attempts)
     SELECT c.id, c.webhook_id AS "webhookId", w.url, c.event_id AS "eventId", e.kind, e.fields, c.attempts
     FROM claimed c JOIN notification_webhooks w ON w.id = c.webhook_id JOIN notification_events e ON e.id = c.event_id
     ORDER BY c.id`,
    [new Date(nowMs), new Date(nowMs + options.leaseMs), options.limit, options.busyWebhookIds],
  );
  return rows.map((row) => ({
    id: Number(row.id),
    webhookId: Number(row.webhookId),
    url: row.url,
    eventId: Number(row.eventId),
    event: { kind: row.kind, fields: row.fields },
    attempts: row.attempts,
  }));
}

export async function markDelivered(db: Db, clock: Clock, id: number, statusCode: number): Promise<void> {
  const now = new Date(clock.now());
  await db.query(
    `UPDATE notification_deliveries SET status = 'delivered', attempts = attempts + 1, last_status_code = $2, last_error = NULL,
       delivered_at = $3, updated_at = $3 WHERE id = $1 AND status = 'pending'`,
    [id, statusCode, now],
  );
}

/** Records a failed attempt: retried at retryAtMs, or given up (`failed`) when retryAtMs is undefined. */
export async function markAttemptFailed(
  db: Db,
  clock: Clock,
  id: number,
  failure: { error: string; statusCode: number | null; retryAtMs: number | undefined },
): Promise<void> {
  const now = new Date(clock.now());
  await db.query(
    `UPDATE notification_deliveries SET attempts = attempts + 1, last_error = $2, last_status_code = $3, updated_at = $4,
       status = CASE WHEN $5::timestamptz IS NULL THEN 'failed' ELSE 'pending' END,
       next_attempt_at = coalesce($5::timestamptz, next_attempt_at)
     WHERE id = $1 AND status = 'pending'`,
    [id, failure.error, failure.statusCode, now, failure.retryAtMs === undefined ? null : new Date(failure.retryAtMs)],
  );
}

/** Puts a delivery off without an attempt: its endpoint's breaker is open (reason), or its worker is stopping (no reason). */
export async function postponeDelivery(db: Db, clock: Clock, id: number, atMs: number, reason: string | null = null): Promise<void> {
  await db.query(
    `UPDATE notification_deliveries SET next_attempt_at = $2, last_error = coalesce(last_error, $3), updated_at = $4
     WHERE id = $1 AND status = 'pending'`,
    [id, new Date(atMs), reason, new Date(clock.now())],
  );
}

export interface ListDeliveriesOptions {
  webhook?: string;
  status?: DeliveryStatus;
  /** Default 100. */
  limit?: number;
}

/** Newest first. */
export async function listDeliveries(db: Db, options: ListDeliveriesOptions = {}): Promise<Delivery[]> {
  const { rows } = await db.query<Delivery & { pending: boolean }>(
    `SELECT d.id, w.name AS webhook, d.event_id AS "eventId", e.kind, e.subject, e.project, d.status, d.attempts,
       CASE WHEN d.status = 'pending' THEN d.next_attempt_at END AS "nextAttemptAt", d.last_error AS "lastError",
       d.last_status_code AS "lastStatusCode", d.delivered_at AS "deliveredAt", d.created_at AS "createdAt"
     FROM notification_deliveries d JOIN notification_webhooks w ON w.id = d.webhook_id JOIN notification_events e ON e.id = d.event_id
     WHERE ($1::text IS NULL OR w.name = $1) AND ($2::text IS NULL OR d.status = $2)
     ORDER BY d.id DESC LIMIT $3`,
    [options.webhook ?? null, options.status ?? null, options.limit ?? 100],
  );
  return rows.map((row) => ({ ...row, id: Number(row.id), eventId: Number(row.eventId) }));
}
