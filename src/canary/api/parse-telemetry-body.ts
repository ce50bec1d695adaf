import { fromBinary, fromJson, type JsonValue } from '@bufbuild/protobuf';
import { AppError, ErrorCode } from '../../errors/app-error.js';
import { type TelemetryBatch, TelemetryBatchSchema } from '../gen/slipway/canary/v1/canary_pb.js';

/** A TelemetryBatch from protobuf bytes; garbage or truncated input is invalid_argument, never a crash. */
export function parseTelemetryBinary(bytes: Uint8Array): TelemetryBatch {
  try {
    return fromBinary(TelemetryBatchSchema, bytes);
  } catch (error) {
    throw new AppError(
      ErrorCode.invalidArgument,
      `the body is not a protobuf slipway.canary.v1.TelemetryBatch (${(error as Error).message}): check that the producer encodes TelemetryBatch and sends the whole body`,
      { cause: error, details: { reason: 'malformed_protobuf' } },
    );
  }
}

/**
 * A TelemetryBatch from its protobuf JSON form (camelCase or proto names; int64 as number or string;
 * "NaN" allowed for doubles, and then rejected per event as invalid_latency). Unknown fields are errors,
 * so a typo is not silently dropped.
 */
export function parseTelemetryJson(json: unknown): TelemetryBatch {
  try {
    return fromJson(TelemetryBatchSchema, json as JsonValue);
  } catch (error) {
    throw new AppError(
      ErrorCode.invalidArgument,
      `the body is not a TelemetryBatch in protobuf JSON form (${(error as Error).message}), e.g. {"events":[{"service":"web","rolloutId":"web-42","track":"TRACK_CANARY","eventTimeMs":"1767225600000","latencyMs":12.5}]}`,
      { cause: error, details: { reason: 'malformed_json' } },
    );
  }
}
