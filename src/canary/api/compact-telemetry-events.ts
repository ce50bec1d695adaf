import { create } from '@bufbuild/protobuf';
import {
  type EventColumns,
  EventColumnsSchema,
  MetricColumnSchema,
  type TelemetryBatch,
  TelemetryBatchSchema,
} from '../gen/slipway/canary/v1/canary_pb.js';
import type { IngestedEvent } from './ingested-event.js';
import { trackOf } from './track-names.js';

interface Group {
  columns: EventColumns;
  lastTimeMs: number;
  events: IngestedEvent[];
}

/**
 * The columnar form of events, as published to `telemetry.raw`: one EventColumns per (service, rollout,
 * version, track), events in their given order, times as deltas from the previous event. Optional
 * columns (status, error) are left empty when they hold nothing. Event times must be whole
 * milliseconds within ±2^31 ms of each other; ingestion's time checks guarantee both.
 */
export function compactTelemetryEvents(events: readonly IngestedEvent[]): TelemetryBatch {
  const groups = new Map<string, Group>();
  for (const event of events) {
    const key = JSON.stringify([event.service, event.rollout, event.version, event.track]);
    let group = groups.get(key);
    if (!group) {
      const columns = create(EventColumnsSchema, {
        service: event.service,
        rolloutId: event.rollout,
        version: event.version,
        track: trackOf(event.track),
        baseTimeMs: BigInt(event.eventTimeMs),
      });
      group = { columns, lastTimeMs: event.eventTimeMs, events: [] };
      groups.set(key, group);
    }
    group.columns.timeDeltaMs.push(event.eventTimeMs - group.lastTimeMs);
    group.lastTimeMs = event.eventTimeMs;
    group.columns.latencyMs.push(event.latencyMs);
    group.columns.statusCode.push(event.statusCode);
    group.columns.error.push(event.isError);
    group.events.push(event);
  }
  const batch = create(TelemetryBatchSchema);
  for (const { columns, events: groupEvents } of groups.values()) {
    if (columns.statusCode.every((code) => code === 0)) columns.statusCode = [];
    if (!columns.error.some(Boolean)) columns.error = [];
    const metricNames = new Set(groupEvents.flatMap((event) => Object.keys(event.metrics ?? {})));
    // An event lacking a metric its neighbours have gets 0: metrics are only ever summed per bucket.
    columns.metrics = [...metricNames].map((name) =>
      create(MetricColumnSchema, { name, values: groupEvents.map((event) => event.metrics?.[name] ?? 0) }),
    );
    batch.columns.push(columns);
  }
  return batch;
}
