/**
 * notify/ — alert notifications: Slack-compatible JSON posted to webhooks maintainers configure.
 *
 * Glossary
 * - webhook: a named endpoint (URL), the event kinds it wants and optionally the projects it is limited
 *   to; set through the API/CLI, or SLIPWAY_NOTIFY_WEBHOOK_URL (webhook `env-default`).
 * - event: something worth telling people, decided from the store: run.failed (a run failed on its
 *   project's default branch), deployment.rolled_back (traffic went back to stable: an abort, an
 *   analysis rollback, or a rollback deployment), approval.waiting (a gate waits for people).
 * - detector: the poll that reads runs, deployments and approval requests after its cursor and records
 *   new events; cursor: per source table, a watermark (read up to) and a floor (enabled since).
 * - delivery: one event for one webhook, the outbox row; pending → delivered | failed, with attempts,
 *   last error and the time of its next attempt.
 * - lane: this process's posting to one webhook, one POST at a time.
 * - backoff: the wait between attempts, doubling and jittered. breaker: per webhook, opens after
 *   consecutive failures, refuses during a cool-down, then lets one probe through (half_open).
 */
export { type NotificationEventKind, notificationEventKinds } from './notification-event.js';
export { type BackoffOptions, computeBackoffMs, defaultBackoff } from './backoff-schedule.js';
export { type BreakerState, type CircuitBreakerOptions, createCircuitBreaker, defaultCircuitBreaker } from '../outbound/circuit-breaker.js';
export { formatSlackPayload, type SlackPayload } from './format-slack-payload.js';
export { parseWebhookInput, type WebhookInput, webhookNamePattern } from './webhook-input.js';
export { maskWebhookUrl } from './mask-webhook-url.js';
export { deleteWebhook, getWebhook, listWebhooks, putWebhook, type Webhook } from './webhook-store.js';
export { type Delivery, type DeliveryStatus, deliveryStatuses, type ListDeliveriesOptions, listDeliveries } from './delivery-store.js';
export { recordNewEvents } from './record-events.js';
export { createNotifier, envWebhookName, type Notifier } from './create-notifier.js';
export type { NotifierOptions } from './notifier-options.js';
