import { toBinary } from '@bufbuild/protobuf';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { toErrorBody } from '../../api/http-status.js';
import type { Bus } from '../../bus/bus.js';
import { createMemoryBus } from '../../bus/memory/bus.js';
import { TelemetryBatchSchema } from '../gen/slipway/canary/v1/canary_pb.js';
import { compactTelemetryEvents } from './compact-telemetry-events.js';
import { createTelemetryIngestor } from './create-telemetry-ingestor.js';
import { registerTelemetryRoutes } from './register-telemetry-routes.js';
import { nowMs, staticRolloutLookup, telemetryClock, testEvent } from './test-support/telemetry-fixtures.js';

const opened: { app: FastifyInstance; bus: Bus }[] = [];
afterEach(async () => {
  for (const { app, bus } of opened.splice(0)) {
    await app.close();
    await bus.close();
  }
});

/** The routes on a bare Fastify app with the API's error rendering (as api/create-server.ts sets it). */
async function createApp(): Promise<FastifyInstance> {
  const bus = createMemoryBus();
  const app = Fastify();
  app.setErrorHandler((error, _request, reply) => {
    const { status, body } = toErrorBody(error);
    void reply.status(status).send(body);
  });
  const ingestor = createTelemetryIngestor({ bus, rollouts: staticRolloutLookup({ 'web-42': 'web' }), clock: telemetryClock });
  registerTelemetryRoutes(app, { ingestor, bodyLimitBytes: 64 * 1024 });
  await app.ready();
  opened.push({ app, bus });
  return app;
}

const post = (app: FastifyInstance, contentType: string, payload: string | Buffer) =>
  app.inject({ method: 'POST', url: '/api/v1/telemetry', headers: { 'content-type': contentType }, payload });

describe('POST /api/v1/telemetry', () => {
  it('takes a protobuf batch and answers the counts', async () => {
    const app = await createApp();
    const batch = compactTelemetryEvents([testEvent(), testEvent({ latencyMs: -1 }), testEvent({ rollout: 'nope' })]);
    const response = await post(app, 'application/x-protobuf', Buffer.from(toBinary(TelemetryBatchSchema, batch)));
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ batches: 1, accepted: 1, rejected: 2, rejectedByReason: { invalid_latency: 1, unknown_rollout: 1 } });
  });

  it('takes the protobuf JSON form, with NaN counted as an invalid latency', async () => {
    const app = await createApp();
    const event = { service: 'web', rolloutId: 'web-42', version: 'v2', track: 'TRACK_CANARY', eventTimeMs: String(nowMs - 100) };
    const body = JSON.stringify({ events: [{ ...event, latencyMs: 3.5, statusCode: 200 }, { ...event, latencyMs: 'NaN' }] });
    const response = await post(app, 'application/json', body);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ batches: 1, accepted: 1, rejected: 1, rejectedByReason: { invalid_latency: 1 } });
  });

  it('answers 400 with the reason for garbage, truncated or mistyped bodies', async () => {
    const app = await createApp();
    const whole = Buffer.from(toBinary(TelemetryBatchSchema, compactTelemetryEvents([testEvent(), testEvent()])));
    const cases: [string, string | Buffer, string][] = [
      ['application/x-protobuf', Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f]), 'malformed_protobuf'],
      ['application/x-protobuf', whole.subarray(0, whole.length - 3), 'malformed_protobuf'],
      ['application/json', JSON.stringify({ events: [{ latencyMs: 'fast' }] }), 'malformed_json'],
      ['application/json', JSON.stringify({ evnts: [] }), 'malformed_json'],
    ];
    for (const [contentType, payload, reason] of cases) {
      const response = await post(app, contentType, payload);
      expect(response.statusCode, reason).toBe(400);
      expect(response.json().error).toMatchObject({ code: 'invalid_argument', details: { reason } });
    }
    const badJson = await post(app, 'application/json', '{"events": [');
    expect(badJson.statusCode).toBe(400);
    const mismatched = compactTelemetryEvents([testEvent(), testEvent()]);
    mismatched.columns[0]!.timeDeltaMs.push(5);
    const columnsResponse = await post(app, 'application/x-protobuf', Buffer.from(toBinary(TelemetryBatchSchema, mismatched)));
    expect(columnsResponse.statusCode).toBe(400);
    expect(columnsResponse.json().error.message).toContain('latency_ms has 2 values for 3 events');
    const text = await post(app, 'text/plain', 'hello');
    expect(text.statusCode).toBe(400);
    expect(text.json().error.message).toContain('application/x-protobuf or application/json');
    expect((await post(app, 'application/xml', '<batch/>')).statusCode).toBe(415);
    // Still serving after all that.
    expect((await post(app, 'application/x-protobuf', whole)).json()).toMatchObject({ accepted: 2 });
  });

  it('refuses a body over the limit with 413', async () => {
    const app = await createApp();
    const response = await post(app, 'application/x-protobuf', Buffer.alloc(65 * 1024));
    expect(response.statusCode).toBe(413);
  });
});
