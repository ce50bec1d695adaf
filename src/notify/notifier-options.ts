import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from '../clock/clock.js';
import type { Db } from '../store/index.js';
import { type BackoffOptions, defaultBackoff } from './backoff-schedule.js';
import { type CircuitBreakerOptions, defaultCircuitBreaker } from '../outbound/circuit-breaker.js';
import { defaultRecordEventsOptions, type RecordEventsOptions } from './record-events.js';

export interface NotifierOptions {
  db: Db;
  clock: Clock;
  logger: FastifyBaseLogger;
  /** The server's base URL the messages link to, e.g. http://ci.example:8080. */
  baseUrl: string;
  /** SLIPWAY_NOTIFY_WEBHOOK_URL: kept in the store as webhook `env-default` (every event, every project). */
  defaultWebhookUrl?: string;
  /** How often the store is polled for new events and due deliveries (ms). Default 2000. */
  pollIntervalMs?: number;
  /** One POST's limit, connect to last byte (ms). Default 5000. */
  requestTimeoutMs?: number;
  /** Attempts before a delivery is given up as `failed` (count). Default 8 (about 4 minutes of backoff). */
  maxAttempts?: number;
  /** Deliveries claimed per poll (count). Default 50. */
  claimLimit?: number;
  backoff?: BackoffOptions;
  breaker?: CircuitBreakerOptions;
  detector?: RecordEventsOptions;
  /** [0, 1) for the backoff jitter; default Math.random. */
  random?: () => number;
}

export type ResolvedNotifierOptions = Required<Omit<NotifierOptions, 'defaultWebhookUrl'>> & Pick<NotifierOptions, 'defaultWebhookUrl'>;

export function resolveNotifierOptions(options: NotifierOptions): ResolvedNotifierOptions {
  return {
    ...options,
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    pollIntervalMs: options.pollIntervalMs ?? 2_000,
    requestTimeoutMs: options.requestTimeoutMs ?? 5_000,
    maxAttempts: options.maxAttempts ?? 8,
    claimLimit: options.claimLimit ?? 50,
    backoff: options.backoff ?? defaultBackoff,
    breaker: options.breaker ?? defaultCircuitBreaker,
    detector: options.detector ?? defaultRecordEventsOptions,
    random: options.random ?? Math.random,
  };
}
