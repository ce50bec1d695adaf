import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError, ErrorCode } from '../../errors/app-error.js';
import type { TelemetryCaller, TelemetryIngestor } from './create-telemetry-ingestor.js';
import type { IngestCounts } from './ingest-counts.js';
import { parseTelemetryBinary, parseTelemetryJson } from './parse-telemetry-body.js';

export interface TelemetryRouteDeps {
  ingestor: TelemetryIngestor;
  /** Largest accepted body. Default 4 MiB, as the gRPC server's readMaxBytes. */
  bodyLimitBytes?: number;
  /** Who sent the request, for the rollouts they may feed; absent: every rollout. */
  callerOf?: (request: FastifyRequest) => TelemetryCaller;
}

const protobufTypes = ['application/x-protobuf', 'application/protobuf', 'application/vnd.google.protobuf'];

/**
 * POST /api/v1/telemetry: one TelemetryBatch, as protobuf (application/x-protobuf) or protobuf JSON
 * (application/json). Answers 200 with the counts — rejected events are counted by reason, not
 * errors — or 400 for a body that is not a batch at all. The protobuf parser is registered inside its
 * own plugin scope, so it applies to this route only.
 */
export function registerTelemetryRoutes(app: FastifyInstance, deps: TelemetryRouteDeps): void {
  const bodyLimit = deps.bodyLimitBytes ?? 4 * 1024 * 1024;
  void app.register(async (scope) => {
    scope.addContentTypeParser(protobufTypes, { parseAs: 'buffer', bodyLimit }, (_request, body, done) => done(null, body));
    scope.post('/api/v1/telemetry', { bodyLimit }, async (request) => {
      const body = request.body;
      let batch: ReturnType<typeof parseTelemetryJson>;
      if (Buffer.isBuffer(body)) batch = parseTelemetryBinary(body);
      else if (body !== undefined && body !== null && typeof body === 'object') batch = parseTelemetryJson(body);
      else throw new AppError(ErrorCode.invalidArgument, 'send a TelemetryBatch as application/x-protobuf or application/json');
      return toSummaryJson(await deps.ingestor.ingest(batch, deps.callerOf?.(request)));
    });
  });
}

function toSummaryJson(counts: IngestCounts) {
  return { batches: counts.batches, accepted: counts.accepted, rejected: counts.rejected, rejectedByReason: counts.rejectedByReason };
}
