import type { Registry } from 'prom-client';

/** What the dispatcher holds in memory about the agents connected to this server. */
export interface AgentLoad {
  connected: number;
  /** Capacity of the connected agents, in jobs. */
  slots: number;
  /** Jobs handed to agents of this server that have not reported yet. */
  busySlots: number;
}

/**
 * The recording side of the metrics, handed to the code that sees the events. Every taker holds it
 * as an optional dependency (`metrics?.jobClaimed(...)`), so tests and tools that do not scrape pay nothing.
 */
export interface Metrics {
  /** This server's own registry: never prom-client's global one, so servers in one process do not collide. */
  readonly registry: Registry;
  /** The text exposition of every metric; store-backed gauges are read now (bounded by their timeout). */
  scrape(): Promise<string>;
  /** The Content-Type of scrape()'s text. */
  readonly contentType: string;

  /** A job was claimed after waiting `queueWaitSeconds` since it became claimable. */
  jobClaimed(queueWaitSeconds: number): void;
  /** A job reached a final status by a report; the attempt's duration when its start is known. */
  jobFinished(status: string, durationSeconds?: number): void;
  runFinished(status: string): void;
  /** A stage of a finished run took `durationSeconds` (its first job's start to its last job's finish). */
  stageFinished(stage: string, durationSeconds: number): void;
  /** The dispatcher's in-memory agents, read at scrape time; returns the unwatch function. */
  watchAgents(read: () => AgentLoad): () => void;

  deploymentFinished(environment: string, status: string): void;
  rollbackRequested(environment: string): void;

  /** A decision stored for the first time (not a duplicate of its idempotency key). */
  canaryDecisionRecorded(action: string, latencySeconds: number): void;
  telemetryIngested(accepted: number, rejectedByReason: Readonly<Partial<Record<string, number>>>): void;
  /** One accepted event's age at ingestion. */
  telemetryLag(seconds: number): void;
}
