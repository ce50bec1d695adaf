import { createHash } from 'node:crypto';
import { AppError, ErrorCode } from '../errors/app-error.js';
import { checkPayloadSize } from './check-payload-size.js';
import { parseGitHubEvent } from './parse-github-event.js';
import { parseGitLabEvent } from './parse-gitlab-event.js';
import { type WebhookHeaders, readHeader } from './read-header.js';
import type { ParsedWebhook, Provider } from './trigger-event.js';
import { verifyGitHubSignature } from './verify-github-signature.js';
import { verifyGitLabToken } from './verify-gitlab-token.js';

export interface WebhookRequest {
  headers: WebhookHeaders;
  /** The body exactly as received: the signature covers these bytes, not a re-serialisation. */
  rawBody: Buffer;
  /** Default maxWebhookBytes. */
  maxBytes?: number;
}

export interface ReceivedWebhook {
  provider: Provider;
  /** Key of webhook_deliveries: a redelivery has the same one. */
  deliveryId: string;
  result: ParsedWebhook;
}

/**
 * An HTTP request from GitHub -> the delivery and what it asks for. Throws AppError:
 * payload_too_large, unauthenticated (signature), invalid_argument (headers, JSON, payload).
 * Size is checked first so an oversized body is never hashed; nothing is parsed before it is verified.
 */
export function receiveGitHubWebhook(secret: string, request: WebhookRequest): ReceivedWebhook {
  checkPayloadSize(request.rawBody, request.maxBytes);
  verifyGitHubSignature(secret, request.rawBody, readHeader(request.headers, 'x-hub-signature-256'));
  const eventName = requireHeader(request.headers, 'x-github-event');
  const deliveryId = requireHeader(request.headers, 'x-github-delivery');
  const result = parseGitHubEvent(eventName, deliveryId, parseJsonBody(request.rawBody));
  return { provider: 'github', deliveryId, result };
}

/** The same for GitLab, whose shared token is checked instead of a signature. */
export function receiveGitLabWebhook(token: string, request: WebhookRequest): ReceivedWebhook {
  checkPayloadSize(request.rawBody, request.maxBytes);
  verifyGitLabToken(token, readHeader(request.headers, 'x-gitlab-token'));
  const eventName = requireHeader(request.headers, 'x-gitlab-event');
  const deliveryId = gitLabDeliveryId(request.headers, request.rawBody);
  const result = parseGitLabEvent(eventName, deliveryId, parseJsonBody(request.rawBody));
  return { provider: 'gitlab', deliveryId, result };
}

/**
 * X-Gitlab-Event-UUID where GitLab sends it (15.x and later); before that nothing identifies a
 * delivery, so the body's sha256 does: a retry resends the same bytes, and two different pushes never
 * share a body (their `after` commits differ).
 */
export function gitLabDeliveryId(headers: WebhookHeaders, rawBody: Buffer): string {
  const uuid = readHeader(headers, 'x-gitlab-event-uuid');
  if (uuid !== undefined && uuid !== '') return uuid;
  return `sha256:${createHash('sha256').update(rawBody).digest('hex')}`;
}

function requireHeader(headers: WebhookHeaders, name: string): string {
  const value = readHeader(headers, name);
  if (value === undefined || value === '') {
    throw new AppError(ErrorCode.invalidArgument, `missing ${name} header: is this request from the provider's webhook?`);
  }
  return value;
}

/** The JSON body of a webhook; a form-encoded one gets a hint, since GitHub offers both. */
function parseJsonBody(rawBody: Buffer): unknown {
  const text = rawBody.toString('utf8');
  try {
    return JSON.parse(text);
  } catch (error) {
    const hint = text.startsWith('payload=')
      ? ': the webhook sends form data — set its content type to application/json'
      : '';
    throw new AppError(ErrorCode.invalidArgument, `webhook body is not JSON${hint}`, { cause: error });
  }
}
