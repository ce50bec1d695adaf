import { toBinary } from '@bufbuild/protobuf';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { isAppError } from '../../errors/app-error.js';
import { TelemetryBatchSchema } from '../gen/slipway/canary/v1/canary_pb.js';
import { compactTelemetryEvents } from './compact-telemetry-events.js';
import { decodeTelemetryPayload } from './decode-telemetry-payload.js';
import { parseTelemetryBinary } from './parse-telemetry-body.js';
import { testEvent } from './test-support/telemetry-fixtures.js';

/** What a decoder may do with any bytes: return, or refuse with invalid_argument; never anything else. */
function outcome(decode: () => unknown): 'decoded' | 'refused' {
  try {
    decode();
    return 'decoded';
  } catch (error) {
    if (isAppError(error) && error.code === 'invalid_argument') return 'refused';
    throw error;
  }
}

const valid = toBinary(
  TelemetryBatchSchema,
  compactTelemetryEvents(Array.from({ length: 40 }, (_, i) => testEvent({ latencyMs: 3 + i, statusCode: i % 9 === 0 ? 503 : 200, isError: i % 9 === 0 }))),
);

it('refuses garbage bytes with invalid_argument or decodes them, and never throws anything else', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => {
      expect(['decoded', 'refused']).toContain(outcome(() => parseTelemetryBinary(bytes)));
      expect(['decoded', 'refused']).toContain(outcome(() => decodeTelemetryPayload(bytes)));
    }),
    { numRuns: 2000 },
  );
});

it('refuses or decodes every truncation and every single-byte corruption of a real batch', () => {
  fc.assert(
    fc.property(fc.nat({ max: valid.length }), fc.nat({ max: valid.length - 1 }), fc.integer({ min: 0, max: 255 }), (cut, at, value) => {
      const truncated = valid.subarray(0, cut);
      expect(['decoded', 'refused']).toContain(outcome(() => decodeTelemetryPayload(truncated)));
      const corrupted = Uint8Array.from(valid);
      corrupted[at] = value;
      expect(['decoded', 'refused']).toContain(outcome(() => decodeTelemetryPayload(corrupted)));
      // The whole batch, untouched, always decodes.
      expect(outcome(() => decodeTelemetryPayload(valid))).toBe('decoded');
    }),
    { numRuns: 1000 },
  );
});
