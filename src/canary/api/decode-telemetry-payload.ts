import { fromBinary } from '@bufbuild/protobuf';
import { AppError, ErrorCode } from '../../errors/app-error.js';
import { TelemetryBatchSchema } from '../gen/slipway/canary/v1/canary_pb.js';
import { expandTelemetryBatch } from './expand-telemetry-batch.js';
import type { IngestedEvent } from './ingested-event.js';

/** The bus topic accepted telemetry is published to, as compact TelemetryBatch protobuf. */
export const telemetryTopic = 'telemetry.raw';

/**
 * The events of one `telemetry.raw` message, for the engine. They were validated at ingestion (known
 * rollout, sane times and latencies); the engine still applies its own window checks (lateness, tracks).
 */
export function decodeTelemetryPayload(payload: Uint8Array): IngestedEvent[] {
  try {
    return expandTelemetryBatch(fromBinary(TelemetryBatchSchema, payload)).events;
  } catch (error) {
    throw new AppError(ErrorCode.invalidArgument, `a ${telemetryTopic} message is not a valid TelemetryBatch: ${(error as Error).message}`, { cause: error });
  }
}
