import { toBinary } from '@bufbuild/protobuf';
import type { Bus } from '../../bus/bus.js';
import type { Clock } from '../../clock/clock.js';
import { AppError, ErrorCode } from '../../errors/app-error.js';
import type { Metrics } from '../../metrics/index.js';
import { type TelemetryBatch, TelemetryBatchSchema } from '../gen/slipway/canary/v1/canary_pb.js';
import { RejectReason } from '../windows/reject-reason.js';
import { checkEvent } from '../windows/check-event.js';
import { compactTelemetryEvents } from './compact-telemetry-events.js';
import { telemetryTopic } from './decode-telemetry-payload.js';
import { expandTelemetryBatch } from './expand-telemetry-batch.js';
import { countRejected, type IngestCounts } from './ingest-counts.js';
import { IngestRejectReason } from './ingest-reject-reason.js';
import type { IngestedEvent } from './ingested-event.js';
import type { RolloutLookup } from './rollout-lookup.js';
import type { RolloutOwner } from '../decisions/get-rollout.js';
import type { TeamScope } from '../decisions/team-scope.js';

export interface TelemetryIngestorOptions {
  bus: Bus;
  rollouts: RolloutLookup;
  clock: Clock;
  /** How far ahead of this server's clock an event time may be (producer clock skew). Default 10_000, as the windows'. */
  maxFutureSkewMs?: number;
  /**
   * How far behind the clock an event time may be. The windows drop late events themselves; this bounds
   * what a producer with a broken clock or a replay can put on the bus. Below 2^31 (the delta column).
   * Default 3_600_000 (1 h).
   */
  maxEventAgeMs?: number;
  /** Custom metrics per event. Default 16, as the windows' maxMetricNames. */
  maxMetricsPerEvent?: number;
  /** Events accepted and rejected by reason, and the lag of the accepted ones; absent: not counted. */
  metrics?: Metrics;
}

/** Validates batches and publishes the accepted events; shared by gRPC, HTTP and the bus intake. */
export interface TelemetryIngestor {
  /**
   * Counts every event as accepted or rejected with a reason; publishes the accepted ones to
   * `telemetry.raw` (compact form) before resolving. Throws invalid_argument for a malformed batch
   * (columns of unequal length: nothing of it is published) and unavailable when the bus is down.
   */
  ingest(batch: TelemetryBatch, caller?: TelemetryCaller): Promise<IngestCounts>;
}

/** Who sends a batch, when it is a person or their tool (the HTTP and gRPC intakes); absent for the platform's own. */
export interface TelemetryCaller {
  /**
   * Teams whose rollouts the caller may feed (team-scope.ts); undefined: every rollout. An event for
   * any other rollout is rejected as unknown_rollout, exactly like one for a rollout that does not
   * exist, so another team's rollout ids cannot be probed.
   */
  teams: TeamScope;
}

const maxDeltaMs = 2 ** 31 - 1;

export function createTelemetryIngestor(options: TelemetryIngestorOptions): TelemetryIngestor {
  const maxFutureSkewMs = options.maxFutureSkewMs ?? 10_000;
  const maxEventAgeMs = options.maxEventAgeMs ?? 3_600_000;
  const maxMetricsPerEvent = options.maxMetricsPerEvent ?? 16;
  // Keeps every accepted time within one delta column's reach of every other.
  if (!(maxEventAgeMs + maxFutureSkewMs < maxDeltaMs) || maxEventAgeMs < 0 || maxFutureSkewMs < 0) {
    throw new AppError(ErrorCode.invalidArgument, `maxEventAgeMs + maxFutureSkewMs must be ≥ 0 and below ${maxDeltaMs} ms (about 24 days)`);
  }

  return {
    ingest: async (batch, caller) => {
      const { events, counts } = expandTelemetryBatch(batch);
      counts.batches = 1;
      const owners = await options.rollouts.ownersOf(events.map((event) => event.rollout));
      const teams = caller?.teams;
      if (teams !== undefined) {
        for (const [id, owner] of owners) if (owner.teamId === null || !teams.includes(owner.teamId)) owners.delete(id);
      }
      const nowMs = options.clock.now();
      const context = { nowMs, watermarkMs: nowMs - maxEventAgeMs, maxFutureSkewMs };
      const accepted: IngestedEvent[] = [];
      for (const event of events) {
        const reason = rejectReasonOf(event, owners, context, maxMetricsPerEvent);
        if (reason) countRejected(counts, reason);
        else accepted.push(event);
      }
      counts.accepted = accepted.length;
      if (accepted.length > 0) {
        const payload = toBinary(TelemetryBatchSchema, compactTelemetryEvents(accepted));
        try {
          await options.bus.publish(telemetryTopic, payload);
        } catch (error) {
          throw new AppError(ErrorCode.unavailable, `could not publish ${accepted.length} telemetry events to ${telemetryTopic}: retry the batch`, { cause: error });
        }
      }
      // Only once published: a batch failed for the bus is retried whole by its producer, and would count twice.
      const { metrics } = options;
      if (metrics) {
        metrics.telemetryIngested(accepted.length, counts.rejectedByReason);
        for (const event of accepted) metrics.telemetryLag((nowMs - event.eventTimeMs) / 1000);
      }
      return counts;
    },
  };
}

function rejectReasonOf(
  event: IngestedEvent,
  owners: Map<string, RolloutOwner>,
  context: { nowMs: number; watermarkMs: number; maxFutureSkewMs: number },
  maxMetricsPerEvent: number,
): IngestRejectReason | undefined {
  const service = owners.get(event.rollout)?.service;
  if (service === undefined) return IngestRejectReason.unknownRollout;
  if (service !== event.service) return IngestRejectReason.serviceMismatch;
  if (event.metrics && Object.keys(event.metrics).length > maxMetricsPerEvent) return IngestRejectReason.tooManyMetrics;
  const reason = checkEvent(event, context);
  // checkEvent's watermark here is the age limit, not a window's: behind it means too old, not too late.
  if (reason === RejectReason.tooLate) return IngestRejectReason.tooOld;
  return reason as IngestRejectReason | undefined;
}
