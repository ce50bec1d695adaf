/**
 * What the agent target and a deploy agent say to each other. Commands go down the agent's held-open
 * replica command stream (SSE); everything the agent says — command results, replica events and a
 * snapshot of its replicas — goes up in report batches, POSTed one at a time so the server applies
 * them in the order they happened (a replica's `stopped` event before the result of its stop).
 */
import { z } from 'zod';
import type { ServiceSpecInput } from '../service-spec.js';
import type { Replica, ReplicaEvent, StopOutcome } from '../target.js';

export type ReplicaCommand =
  | {
      type: 'start';
      commandId: string;
      /** The agent fetches the files by `digest` (GET /api/v1/blobs/:digest) into its own work dir. */
      release: { version: string; service: ServiceSpecInput; digest: string };
      index: number;
    }
  | { type: 'stop'; commandId: string; replicaId: string; timeoutMs?: number };

/** The first event of a command stream: how often the agent must report for its replicas to count as alive. */
export interface ReplicaStreamHello {
  leaseMs: number;
}

export interface CommandError {
  /** An AppError code, e.g. already_exists, not_found, failed_precondition. */
  code: string;
  message: string;
}

export type ReplicaReport =
  | { type: 'result'; commandId: string; replica?: Replica; outcome?: StopOutcome; error?: CommandError }
  | { type: 'event'; event: ReplicaEvent };

export interface ReplicaReportBatch {
  reports: ReplicaReport[];
  /** Every replica the agent runs after these reports; a batch with no reports is a heartbeat. */
  replicas: Replica[];
}

const failureSchema = z.object({
  exitCode: z.number().int().nullable(),
  exitSignal: z.string().nullable(),
  stderrTail: z.array(z.string()),
  message: z.string(),
});

export const replicaSchema = z.object({
  id: z.string().min(1),
  service: z.string().min(1),
  version: z.string().min(1),
  index: z.number().int().min(0),
  host: z.string(),
  port: z.number().int().min(0).max(65_535),
  url: z.string(),
  state: z.enum(['starting', 'ready', 'unhealthy', 'crashed', 'failed', 'stopping', 'stopped']),
  restarts: z.number().int().min(0),
  startedAtMs: z.number(),
  readyAtMs: z.number().optional(),
  pid: z.number().int().optional(),
  failure: failureSchema.optional(),
});

const eventSchema = z.object({
  type: z.enum(['ready', 'unhealthy', 'crashed', 'restarted', 'failed', 'stopped']),
  replica: replicaSchema,
  timeMs: z.number(),
  detail: z.string().optional(),
});

export const replicaReportBatchSchema = z.object({
  reports: z
    .array(
      z.discriminatedUnion('type', [
        z.object({
          type: z.literal('result'),
          commandId: z.string().min(1),
          replica: replicaSchema.optional(),
          outcome: z.object({ forced: z.boolean() }).optional(),
          error: z.object({ code: z.string(), message: z.string() }).optional(),
        }),
        z.object({ type: z.literal('event'), event: eventSchema }),
      ]),
    )
    .max(10_000),
  replicas: z.array(replicaSchema).max(10_000),
});
