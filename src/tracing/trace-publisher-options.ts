import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from '../clock/clock.js';
import type { Db } from '../store/index.js';
import { type ClaimFinishedOptions, defaultClaimFinishedOptions } from './claim-finished-records.js';

export interface TracePublisherOptions {
  db: Db;
  clock: Clock;
  logger: FastifyBaseLogger;
  /** The OTLP/HTTP traces endpoint, used as is, e.g. http://collector:4318/v1/traces (config: OTEL_EXPORTER_OTLP_*). */
  tracesUrl: string;
  /** The resource's service.name (OTEL_SERVICE_NAME). */
  serviceName: string;
  /** The resource's service.version: Slipway's version. */
  serviceVersion: string;
  /** How often the store is polled for newly finished runs and deployments (ms). Default 1000. */
  pollIntervalMs?: number;
  /** One OTLP request's limit (ms). Default 10 000. */
  exportTimeoutMs?: number;
  /** Spans per OTLP request (count). Default 512. */
  maxExportBatchSize?: number;
  claim?: ClaimFinishedOptions;
}

export type ResolvedTracePublisherOptions = Required<TracePublisherOptions>;

export function resolveTracePublisherOptions(options: TracePublisherOptions): ResolvedTracePublisherOptions {
  return {
    ...options,
    pollIntervalMs: options.pollIntervalMs ?? 1_000,
    exportTimeoutMs: options.exportTimeoutMs ?? 10_000,
    maxExportBatchSize: options.maxExportBatchSize ?? 512,
    claim: options.claim ?? defaultClaimFinishedOptions,
  };
}
