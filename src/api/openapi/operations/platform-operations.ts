import { z } from 'zod';
import * as canaryRoutes from '../../canary-routes.js';
import * as notificationRoutes from '../../notification-routes.js';
import { webhookSchema } from '../../../notify/webhook-input.js';
import { type ApiOperation, type ApiResponse, createdOrExisting } from '../api-operation.js';
import { decisionSchema, deliverySchema, notificationWebhookSchema } from '../response-schemas.js';

const policyName = z.object({ name: z.string(), version: z.string() });
/** The body stays raw bytes: the signature or token is checked over them before anything is parsed. */
const webhookPayload = { schema: z.looseObject({}).meta({ description: "The provider's event payload." }), required: true } as const;
const webhookResponses: Record<number, ApiResponse> = {
  201: {
    description: 'A new run for the pushed commit.',
    schema: z.object({ runId: z.number().int(), number: z.number().int(), commitSha: z.string(), trigger: z.string(), reason: z.string() }),
  },
  200: { description: 'A redelivery: the run its first receipt started.', schema: z.object({ duplicate: z.literal(true), runId: z.number().int().nullable() }) },
  202: {
    description: 'Nothing started: an event that starts nothing (ignored), or one the pipeline trigger filters out (skipped).',
    schema: z.union([z.object({ ignored: z.string() }), z.object({ skipped: z.string() })]),
  },
};
const webhookErrors = [404, 409, 413, 503] as const;
const webhookNotes = '503 when its secret is not configured on this server.';

/** The canary control plane, git host webhooks, notification webhooks, and the server itself. */
export const platformOperations: readonly ApiOperation[] = [
  {
    method: 'POST',
    path: '/api/v1/telemetry',
    operationId: 'ingestTelemetry',
    summary: 'Ingest one TelemetryBatch (protobuf, or its JSON form) of request events',
    tag: 'canary',
    body: {
      schema: z.looseObject({ events: z.array(z.looseObject({ service: z.string(), rolloutId: z.string().optional() })).optional() }),
      contentTypes: ['application/json', 'application/x-protobuf'],
      required: true,
      description: 'slipway.canary.v1.TelemetryBatch.',
    },
    responses: {
      200: {
        description: 'Counts; rejected events are counted by reason, not errors.',
        schema: z.object({ batches: z.number().int(), accepted: z.number().int(), rejected: z.number().int(), rejectedByReason: z.record(z.string(), z.number().int()) }),
      },
    },
    errors: [413],
  },
  {
    method: 'GET',
    path: '/api/v1/canary/policy',
    operationId: 'getCanaryPolicy',
    summary: 'The policy new rollouts pin',
    tag: 'canary',
    responses: { 200: { description: 'Its name and version.', schema: z.object({ policy: policyName }) } },
  },
  {
    method: 'PUT',
    path: '/api/v1/canary/policy',
    operationId: 'setCanaryPolicy',
    summary: 'Set the policy of new rollouts, or of one running rollout',
    tag: 'canary',
    query: canaryRoutes.policyQuery,
    body: { schema: z.string().meta({ description: 'The policy YAML.' }), contentTypes: ['application/yaml', 'text/yaml'], required: true },
    responses: { 200: { description: 'The policy set.', schema: z.object({ policy: policyName, appliesTo: z.string() }) } },
    errors: [404],
  },
  {
    method: 'GET',
    path: '/api/v1/canary/decisions',
    operationId: 'listCanaryDecisions',
    summary: 'Canary decisions after a sequence; with wait=1 held open until one arrives',
    tag: 'canary',
    query: canaryRoutes.decisionsQuery,
    responses: { 200: { description: 'Decisions, and the sequence to ask after next.', schema: z.object({ decisions: z.array(decisionSchema), next: z.number().int() }) } },
  },
  {
    method: 'GET',
    path: '/api/v1/canary/decisions/:sequence',
    operationId: 'getCanaryDecision',
    summary: 'One decision with its evidence',
    tag: 'canary',
    params: canaryRoutes.sequenceParams,
    responses: { 200: { description: 'The decision.', schema: z.object({ decision: decisionSchema }) } },
    errors: [404],
  },
  {
    method: 'GET',
    path: '/api/v1/canary/rollouts/:id',
    operationId: 'getCanaryRollout',
    summary: "A rollout, and the engine's state of it when it runs here",
    tag: 'canary',
    params: canaryRoutes.rolloutParams,
    responses: { 200: { description: 'The rollout.', schema: z.object({ rollout: z.looseObject({}), engine: z.looseObject({ step: z.number().int(), state: z.string() }).nullable() }) } },
    errors: [404],
  },
  {
    method: 'POST',
    path: '/api/v1/webhooks/github',
    operationId: 'receiveGitHubWebhook',
    summary: 'A GitHub push or pull_request webhook starts the project pipeline at the pushed commit',
    description: `Verified with X-Hub-Signature-256 (SLIPWAY_GITHUB_WEBHOOK_SECRET); once per X-GitHub-Delivery. ${webhookNotes}`,
    tag: 'webhooks',
    headers: [
      { name: 'x-hub-signature-256', description: 'sha256=HMAC of the body with the webhook secret.', required: true },
      { name: 'x-github-event', description: 'push, pull_request (others are ignored).', required: true },
      { name: 'x-github-delivery', description: 'The delivery id; a redelivery starts nothing new.', required: true },
    ],
    body: webhookPayload,
    responses: webhookResponses,
    errors: webhookErrors,
  },
  {
    method: 'POST',
    path: '/api/v1/webhooks/gitlab',
    operationId: 'receiveGitLabWebhook',
    summary: 'A GitLab push hook starts the project pipeline at the pushed commit',
    description: `Verified with X-Gitlab-Token (SLIPWAY_GITLAB_WEBHOOK_TOKEN). ${webhookNotes}`,
    tag: 'webhooks',
    headers: [
      { name: 'x-gitlab-token', description: 'The webhook secret token.', required: true },
      { name: 'x-gitlab-event', description: 'Push Hook, Tag Push Hook (others are ignored).', required: true },
      { name: 'x-gitlab-event-uuid', description: 'The delivery id; a redelivery starts nothing new.' },
    ],
    body: webhookPayload,
    responses: webhookResponses,
    errors: webhookErrors,
  },
  {
    method: 'PUT',
    path: '/api/v1/notifications/webhooks/:name',
    operationId: 'putNotificationWebhook',
    summary: 'Create or change a notification webhook (maintainers)',
    tag: 'notifications',
    identity: true,
    params: notificationRoutes.nameParams,
    body: { schema: webhookSchema },
    responses: createdOrExisting(z.object({ webhook: notificationWebhookSchema }), 'Created.', 'Changed.'),
    errors: [403, 412],
  },
  {
    method: 'GET',
    path: '/api/v1/notifications/webhooks',
    operationId: 'listNotificationWebhooks',
    summary: 'Notification webhooks, URLs masked',
    tag: 'notifications',
    responses: { 200: { description: 'By name.', schema: z.object({ webhooks: z.array(notificationWebhookSchema) }) } },
  },
  {
    method: 'GET',
    path: '/api/v1/notifications/webhooks/:name',
    operationId: 'getNotificationWebhook',
    summary: 'A notification webhook with its recent deliveries',
    tag: 'notifications',
    params: notificationRoutes.nameParams,
    responses: { 200: { description: 'The webhook.', schema: z.object({ webhook: notificationWebhookSchema, deliveries: z.array(deliverySchema) }) } },
    errors: [404],
  },
  {
    method: 'DELETE',
    path: '/api/v1/notifications/webhooks/:name',
    operationId: 'deleteNotificationWebhook',
    summary: 'Delete a notification webhook (maintainers)',
    tag: 'notifications',
    identity: true,
    params: notificationRoutes.nameParams,
    responses: { 204: { description: 'Deleted.' } },
    errors: [403, 404, 412],
  },
  {
    method: 'GET',
    path: '/api/v1/notifications/deliveries',
    operationId: 'listNotificationDeliveries',
    summary: 'Notification deliveries, optionally by webhook and status',
    tag: 'notifications',
    query: notificationRoutes.deliveriesQuery,
    responses: { 200: { description: 'Newest first.', schema: z.object({ deliveries: z.array(deliverySchema) }) } },
  },
  {
    method: 'GET',
    path: '/api/v1/health',
    operationId: 'getHealth',
    summary: 'Readiness: the server and its store',
    tag: 'system',
    responses: {
      200: { description: 'Ready.', schema: z.looseObject({ status: z.literal('ok'), version: z.string() }) },
      503: { description: 'Not ready (the store is not open).', schema: z.looseObject({ status: z.literal('unavailable'), version: z.string() }) },
    },
  },
  {
    method: 'GET',
    path: '/api/v1/openapi.json',
    operationId: 'getOpenApiDocument',
    summary: 'This document: the routes this server serves',
    tag: 'system',
    responses: { 200: { description: 'OpenAPI 3.1.', schema: z.looseObject({ openapi: z.string(), paths: z.record(z.string(), z.unknown()) }) } },
  },
  {
    method: 'GET',
    path: '/healthz',
    operationId: 'getLiveness',
    summary: 'Liveness: the process serves HTTP',
    tag: 'system',
    responses: { 200: { description: 'Alive.', schema: z.object({ status: z.literal('ok') }) } },
  },
  {
    method: 'GET',
    path: '/metrics',
    operationId: 'getMetrics',
    summary: 'Prometheus metrics',
    tag: 'system',
    responses: { 200: { description: 'The Prometheus text format.', contentType: 'text/plain', schema: z.string() } },
  },
];
