import { AppError, ErrorCode } from '../../errors/app-error.js';
import type { EventColumns, TelemetryBatch, TelemetryEvent } from '../gen/slipway/canary/v1/canary_pb.js';
import { countRejected, createIngestCounts, type IngestCounts } from './ingest-counts.js';
import { IngestRejectReason } from './ingest-reject-reason.js';
import type { IngestedEvent } from './ingested-event.js';
import { trackName } from './track-names.js';

export interface ExpandedBatch {
  /** Every event of the batch with a known track, rows first, then columns in order; not yet validated. */
  events: IngestedEvent[];
  /** Events dropped while expanding (invalid_track), counted by reason. */
  counts: IngestCounts;
}

/**
 * The batch's events as one list, whichever form they came in. A batch whose columns disagree in length
 * says nothing trustworthy about which value belongs to which event, so it is refused as a whole
 * (invalid_argument, naming the column); everything else is judged per event later.
 */
export function expandTelemetryBatch(batch: TelemetryBatch): ExpandedBatch {
  const events: IngestedEvent[] = [];
  const counts = createIngestCounts();
  batch.events.forEach((row) => {
    const event = fromRow(row);
    if (event) events.push(event);
    else countRejected(counts, IngestRejectReason.invalidTrack);
  });
  batch.columns.forEach((columns, index) => {
    const track = trackName(columns.track);
    const n = columns.timeDeltaMs.length;
    checkColumnLengths(columns, index, n);
    if (!track) {
      countRejected(counts, IngestRejectReason.invalidTrack, n);
      return;
    }
    // Number() of an int64 outside ±2^53 loses digits, but such a time is rejected as invalid or future anyway.
    let eventTimeMs = Number(columns.baseTimeMs);
    for (let i = 0; i < n; i++) {
      eventTimeMs += columns.timeDeltaMs[i]!;
      const event: IngestedEvent = {
        service: columns.service,
        rollout: columns.rolloutId,
        version: columns.version,
        track,
        eventTimeMs,
        latencyMs: columns.latencyMs[i]!,
        statusCode: columns.statusCode[i] ?? 0,
        isError: columns.error[i] ?? false,
      };
      if (columns.metrics.length > 0) {
        const metrics: Record<string, number> = {};
        for (const metric of columns.metrics) metrics[metric.name] = metric.values[i]!;
        event.metrics = metrics;
      }
      events.push(event);
    }
  });
  return { events, counts };
}

function fromRow(row: TelemetryEvent): IngestedEvent | undefined {
  const track = trackName(row.track);
  if (!track) return undefined;
  const event: IngestedEvent = {
    service: row.service,
    rollout: row.rolloutId,
    version: row.version,
    track,
    eventTimeMs: Number(row.eventTimeMs),
    latencyMs: row.latencyMs,
    statusCode: row.statusCode,
    isError: row.error,
  };
  if (Object.keys(row.metrics).length > 0) event.metrics = { ...row.metrics };
  return event;
}

function checkColumnLengths(columns: EventColumns, index: number, n: number): void {
  const fail = (column: string, length: number, rule: string) =>
    new AppError(
      ErrorCode.invalidArgument,
      `telemetry batch columns[${index}].${column} has ${length} values for ${n} events (time_delta_ms): it must have ${rule}`,
      { details: { columns: index, column, length, events: n } },
    );
  if (columns.latencyMs.length !== n) throw fail('latency_ms', columns.latencyMs.length, 'one per event');
  if (columns.statusCode.length !== 0 && columns.statusCode.length !== n) throw fail('status_code', columns.statusCode.length, 'one per event or none');
  if (columns.error.length !== 0 && columns.error.length !== n) throw fail('error', columns.error.length, 'one per event or none');
  const names = new Set<string>();
  for (const metric of columns.metrics) {
    if (metric.name === '' || names.has(metric.name)) {
      throw new AppError(ErrorCode.invalidArgument, `telemetry batch columns[${index}].metrics has an empty or repeated name ${JSON.stringify(metric.name)}`);
    }
    names.add(metric.name);
    if (metric.values.length !== n) throw fail(`metrics[${JSON.stringify(metric.name)}].values`, metric.values.length, 'one per event');
  }
}
