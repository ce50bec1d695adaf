import { toBinary } from '@bufbuild/protobuf';
import { TelemetryBatchSchema } from '../gen/slipway/canary/v1/canary_pb.js';
import { compactTelemetryEvents } from './compact-telemetry-events.js';
import type { IngestedEvent } from './ingested-event.js';

/**
 * Events as one `telemetry.raw` message (compact TelemetryBatch protobuf), for producers that publish
 * to the bus directly (the built-in router): decodeTelemetryPayload reads it back.
 */
export function encodeTelemetryEvents(events: readonly IngestedEvent[]): Uint8Array {
  return toBinary(TelemetryBatchSchema, compactTelemetryEvents(events));
}
