/**
 * Drives the Connect server as a plain gRPC client would: @grpc/grpc-js with the .proto loaded at run
 * time by @grpc/proto-loader, so nothing of the generated TypeScript is shared with the client.
 */
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Bus } from '../../bus/bus.js';
import { createMemoryBus } from '../../bus/memory/bus.js';
import { describePglite } from '../../test-support/test-store.js';
import { createRollout } from '../decisions/create-rollout.js';
import { createDecisionNotifier } from '../decisions/decision-notifier.js';
import { recordAndPublishDecision } from '../decisions/record-and-publish-decision.js';
import { testDecision } from '../decisions/test-support/decision-fixtures.js';
import { createTelemetryIngestor } from './create-telemetry-ingestor.js';
import { decodeTelemetryPayload, telemetryTopic } from './decode-telemetry-payload.js';
import { createRolloutLookup } from './rollout-lookup.js';
import { type GrpcServer, startGrpcServer } from './start-grpc-server.js';
import { nowMs, telemetryClock } from './test-support/telemetry-fixtures.js';

const protoRoot = fileURLToPath(new URL('../../../proto/', import.meta.url));

interface CanaryClient extends grpc.Client {
  IngestTelemetry(callback: grpc.requestCallback<IngestSummaryResponse>): grpc.ClientWritableStream<unknown>;
  IngestBatch(request: unknown, callback: grpc.requestCallback<IngestSummaryResponse>): grpc.ClientUnaryCall;
  WatchDecisions(request: unknown): grpc.ClientReadableStream<{ decision: WireDecision }>;
  GetRollout(request: unknown, callback: grpc.requestCallback<{ rollout: Record<string, unknown> }>): grpc.ClientUnaryCall;
}
interface IngestSummaryResponse {
  summary: { batches: number; accepted: string; rejected: string; rejectedByReason: { reason: string; count: string }[] };
}
interface WireDecision {
  sequence: string;
  rolloutId: string;
  action: string;
  idempotencyKey: string;
}

function loadClient(port: number): CanaryClient {
  const definition = protoLoader.loadSync('slipway/canary/v1/canary.proto', {
    includeDirs: [protoRoot],
    longs: String,
    enums: String,
    defaults: true,
  });
  const loaded = grpc.loadPackageDefinition(definition) as unknown as {
    slipway: { canary: { v1: { CanaryService: grpc.ServiceClientConstructor } } };
  };
  return new loaded.slipway.canary.v1.CanaryService(`127.0.0.1:${port}`, grpc.credentials.createInsecure()) as unknown as CanaryClient;
}

function columns(rolloutId: string, latencies: number[], service = 'web') {
  return {
    service,
    rolloutId,
    version: 'v2',
    track: 'TRACK_CANARY',
    baseTimeMs: String(nowMs - 2000),
    timeDeltaMs: latencies.map(() => 10),
    latencyMs: latencies,
  };
}

const summaryOf = (response: IngestSummaryResponse) => ({
  batches: response.summary.batches,
  accepted: Number(response.summary.accepted),
  rejected: Number(response.summary.rejected),
  rejectedByReason: Object.fromEntries(response.summary.rejectedByReason.map((r) => [r.reason, Number(r.count)])),
});

function unary<T>(call: (callback: grpc.requestCallback<T>) => unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    call((error, response) => (error ? reject(error) : resolve(response!)));
  });
}

async function pollUntil(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describePglite('CanaryService over gRPC (grpc-js client)', (h) => {
  let bus: Bus;
  let server: GrpcServer;
  let client: CanaryClient;
  const notifier = createDecisionNotifier();
  const published: Uint8Array[] = [];

  beforeAll(async () => {
    bus = createMemoryBus();
    await bus.subscribe(telemetryTopic, { group: 'engine', consumer: 'test', fromStart: true }, (messages) => {
      for (const message of messages) {
        published.push(message.payload);
        message.ack();
      }
    });
    await createRollout(h.db, telemetryClock, { id: 'web-42', service: 'web', policyVersion: 'p1' });
    const rollouts = createRolloutLookup({ db: h.db, clock: telemetryClock });
    const ingestor = createTelemetryIngestor({ bus, rollouts, clock: telemetryClock });
    // A long poll interval: live decisions must come through the notifier.
    server = await startGrpcServer({ port: 0, db: h.db, notifier, ingestor, pollIntervalMs: 60_000, logError: () => {} });
    client = loadClient(server.port);
  });

  afterAll(async () => {
    client?.close();
    await server?.close();
    await bus?.close();
  });

  it('IngestTelemetry: takes a client stream of batches and answers the counts of them all', async () => {
    const before = published.length;
    const response = await unary<IngestSummaryResponse>((callback) => {
      const call = client.IngestTelemetry(callback);
      call.write({ batch: { columns: [columns('web-42', [10, 12, 14])] } });
      call.write({ batch: { columns: [columns('web-42', [11, Number.NaN, -3])] } });
      call.write({ batch: { events: [{ service: 'web', rolloutId: 'gone-1', track: 'TRACK_BASELINE', eventTimeMs: String(nowMs), latencyMs: 9 }] } });
      call.end();
    });
    expect(summaryOf(response)).toEqual({ batches: 3, accepted: 4, rejected: 3, rejectedByReason: { invalid_latency: 2, unknown_rollout: 1 } });
    await pollUntil('two published batches', () => published.length === before + 2);
    expect(published.slice(before).flatMap((payload) => decodeTelemetryPayload(payload)).map((e) => e.latencyMs)).toEqual([10, 12, 14, 11]);
  });

  it('IngestBatch: one batch, rejected events counted by reason', async () => {
    const response = await unary<IngestSummaryResponse>((callback) =>
      client.IngestBatch({ batch: { columns: [columns('web-42', [1, 2]), columns('web-42', [3], 'api'), { ...columns('web-42', [4]), baseTimeMs: String(nowMs + 86_400_000) }] } }, callback),
    );
    expect(summaryOf(response)).toEqual({ batches: 1, accepted: 2, rejected: 2, rejectedByReason: { future_event_time: 1, service_mismatch: 1 } });
  });

  it('WatchDecisions: resumes after a sequence, then streams decisions recorded meanwhile, with no gap or repeat', async () => {
    const deps = { db: h.db, clock: telemetryClock, notifier, bus };
    const early = [];
    for (let i = 0; i < 3; i++) early.push((await recordAndPublishDecision(deps, testDecision('web-42', `watch:${i}`))).decision);
    const received: WireDecision[] = [];
    const stream = client.WatchDecisions({ rolloutId: 'web-42', afterSequence: String(early[0]!.sequence) });
    stream.on('data', (message: { decision: WireDecision }) => received.push(message.decision));
    const ended = new Promise<grpc.ServiceError>((resolve) => stream.on('error', resolve));
    await Promise.all(
      Array.from({ length: 3 }, async (_, w) => {
        for (let i = 0; i < 5; i++) await recordAndPublishDecision(deps, testDecision('web-42', `watch:live:${w}:${i}`));
      }),
    );
    await pollUntil('17 decisions', () => received.length >= 17);
    stream.cancel();
    expect((await ended).code).toBe(grpc.status.CANCELLED);
    const sequences = received.map((d) => Number(d.sequence));
    expect(sequences).toEqual([...sequences].sort((a, b) => a - b));
    expect(new Set(sequences).size).toBe(sequences.length);
    expect(received.slice(0, 2).map((d) => d.idempotencyKey)).toEqual(['watch:1', 'watch:2']);
    expect(received.every((d) => d.rolloutId === 'web-42' && d.action === 'ACTION_PROMOTE')).toBe(true);

    // Resume from the middle: exactly the rest, once each.
    const resumed: WireDecision[] = [];
    const again = client.WatchDecisions({ rolloutId: 'web-42', afterSequence: received[9]!.sequence });
    again.on('data', (message: { decision: WireDecision }) => resumed.push(message.decision));
    again.on('error', () => {});
    await pollUntil('the rest', () => resumed.length >= 7);
    await new Promise((resolve) => setTimeout(resolve, 50));
    again.cancel();
    expect(resumed.map((d) => d.sequence)).toEqual(received.slice(10).map((d) => d.sequence));
  });

  it('GetRollout: the stored rollout, or NOT_FOUND', async () => {
    const { rollout } = await unary<{ rollout: Record<string, unknown> }>((callback) => client.GetRollout({ rolloutId: 'web-42' }, callback));
    expect(rollout).toMatchObject({ id: 'web-42', service: 'web', currentStep: 1, policyVersion: 'p1', state: 'ROLLOUT_STATE_PROGRESSING' });
    await expect(unary((callback) => client.GetRollout({ rolloutId: 'web-43' }, callback))).rejects.toMatchObject({ code: grpc.status.NOT_FOUND });
  });

  it('answers garbage and truncated protobuf with an error status and keeps serving', async () => {
    const path = '/slipway.canary.v1.CanaryService/IngestBatch';
    const send = (bytes: Buffer) =>
      unary((callback) =>
        client.makeUnaryRequest(path, (buffer: Buffer) => buffer, (buffer: Buffer) => buffer, bytes, callback as grpc.requestCallback<Buffer>),
      );
    const garbage = send(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0x07]));
    // Field 1 (batch), length 100, then only 3 bytes: cut off mid-message.
    const truncated = send(Buffer.from([0x0a, 0x64, 0x12, 0x05, 0x0a]));
    // Connect, like grpc-go, reports a request it cannot decode as INTERNAL, naming the decoding error.
    for (const call of [garbage, truncated]) await expect(call).rejects.toMatchObject({ code: grpc.status.INTERNAL, details: expect.stringContaining('parse binary') });
    const { rollout } = await unary<{ rollout: Record<string, unknown> }>((callback) => client.GetRollout({ rolloutId: 'web-42' }, callback));
    expect(rollout['id']).toBe('web-42');
  });

  it('fails a client stream with INVALID_ARGUMENT on a malformed batch, naming the column', async () => {
    const call = unary<IngestSummaryResponse>((callback) => {
      const stream = client.IngestTelemetry(callback);
      stream.write({ batch: { columns: [{ ...columns('web-42', [1, 2]), latencyMs: [1] }] } });
      stream.end();
    });
    await expect(call).rejects.toMatchObject({ code: grpc.status.INVALID_ARGUMENT, details: expect.stringContaining('latency_ms has 1 values for 2 events') });
  });
});
