/**
 * The canary control plane end to end in one server: telemetry over HTTP → `telemetry.raw` (memory bus)
 * → engine → decision stored once → `decisions` topic, a WatchDecisions client (Connect over gRPC), and
 * `slipway rollouts watch`; `rollouts explain` prints the evidence; a policy set through the API is
 * pinned by new rollouts only.
 */
import { createClient } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Bus } from '../bus/index.js';
import { busServices } from '../bus/test-support/bus-services.js';
import { type CanaryService, createRollout, decisionsTopic, decodeDecision, type DecisionRecord, listDecisions, parsePolicy, startCanaryService } from '../canary/index.js';
import { CanaryService as CanaryGrpcService } from '../canary/gen/slipway/canary/v1/canary_pb.js';
import { systemClock } from '../clock/clock.js';
import { describePglite } from '../test-support/test-store.js';
import { runCliInProcess as cli } from './test-support/run-cli-in-process.js';
import { startTestPlatform, type TestPlatform } from './test-support/start-test-platform.js';
import { fastPolicyYaml } from '../canary/test-support/fast-policy.js';

/** Small windows so a test decides in seconds: 2 s windows of 1 s buckets, 1 s lateness. */
const policyYaml = (name: string, maxErrorRate: number) => fastPolicyYaml({ name, maxErrorRate });

async function pollUntil<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * 40 canary requests in one bucket, `errorEvery` of them failing, then one request 2.5 s later: the
 * watermark passes the bucket's end, so the engine judges a window holding all 40.
 */
function errorBurst(rolloutId: string, errorEvery: number) {
  const t0 = Math.floor((Date.now() - 6000) / 1000) * 1000;
  const events = Array.from({ length: 40 }, (_, i) => ({
    service: 'web',
    rolloutId,
    version: 'v2',
    track: 'TRACK_CANARY',
    eventTimeMs: String(t0 + 10 + i * 20),
    latencyMs: 5 + (i % 7),
    statusCode: i % errorEvery === 0 ? 500 : 200,
    error: i % errorEvery === 0,
  }));
  events.push({ ...events[1]!, eventTimeMs: String(t0 + 2500) });
  return { events };
}

// The memory bus always; Redis Streams too when reachable (the path of SLIPWAY_BUS=redis).
for (const busService of busServices.filter((b) => b.name !== 'nats' && b.probe.ok)) {
  describePglite(`canary control plane over the ${busService.name} bus: HTTP telemetry → engine → decisions`, (h) => {
    let bus: Bus;
    let disposeBus: (() => Promise<void>) | undefined;
    // Ids unique per bus run, should both runs share one store.
    const id = (name: string) => `${busService.name}-${name}`;
    let canary: CanaryService;
    let platform: TestPlatform;
    const onBus: DecisionRecord[] = [];
    const firstPolicy = parsePolicy(policyYaml('strict', 0.05), 'test');
    if (!firstPolicy.ok) throw new Error('test policy is invalid');

    const post = async (path: string, body: string, contentType: string, method = 'POST') => {
      const response = await fetch(`${platform.url}${path}`, { method, headers: { 'content-type': contentType }, body });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };

    beforeAll(async () => {
      const opened = await busService.open();
      bus = opened.bus;
      disposeBus = opened.dispose;
      await bus.subscribe(decisionsTopic, { group: 'test', consumer: 'c1', fromStart: true }, (messages) => {
        for (const message of messages) {
          onBus.push(decodeDecision(message.payload));
          message.ack();
        }
      });
      canary = await startCanaryService({ db: h.db, bus, clock: systemClock, logger: pino({ level: 'silent' }), grpcPort: 0, policy: firstPolicy.policy, pollIntervalMs: 60_000 });
      platform = await startTestPlatform(h.db, { canary: { canary } });
    });
    afterAll(async () => {
      await platform?.stop();
      await canary?.close();
      await disposeBus?.();
    });

    it('a canary with a high error rate gets one ROLLBACK: stored once, on the bus, on WatchDecisions and in `rollouts watch`; explain shows the evidence', async () => {
      const started = Date.now();
      await createRollout(h.db, systemClock, { id: id('web-1'), service: 'web', policyVersion: firstPolicy.policy.version });
      const grpc = createClient(CanaryGrpcService, createGrpcTransport({ baseUrl: `http://127.0.0.1:${canary.grpcPort}` }));
      const stop = new AbortController();
      const streamed: { sequence: number; action: number }[] = [];
      const watching = (async () => {
        try {
          for await (const response of grpc.watchDecisions({ rolloutId: id('web-1'), afterSequence: 0n }, { signal: stop.signal })) {
            streamed.push({ sequence: Number(response.decision?.sequence), action: response.decision?.action ?? 0 });
          }
        } catch (error) {
          if (!stop.signal.aborted) throw error;
        }
      })();
      // The first event makes an empty window (PAUSE: no data); the burst's window then decides ROLLBACK.
      const watched = cli('rollouts', 'watch', '--rollout', id('web-1'), '--count', '2', '--server', platform.url);

      const ingested = await post('/api/v1/telemetry', JSON.stringify(errorBurst(id('web-1'), 2)), 'application/json');
      expect(ingested).toMatchObject({ status: 200, body: { accepted: 41, rejected: 0 } });

      const decisions = await pollUntil('a ROLLBACK of web-1', async () => {
        const stored = await listDecisions(h.db, { rolloutId: id('web-1') });
        return stored.some((d) => d.action === 'ROLLBACK') ? stored : undefined;
      });
      const printed = await watched;
      // Posting the same telemetry again decides nothing new: the rollout is rolled back, the windows seen.
      await post('/api/v1/telemetry', JSON.stringify(errorBurst(id('web-1'), 2)), 'application/json');
      await canary.flushDecisions();
      const stored = await listDecisions(h.db, { rolloutId: id('web-1') });
      expect(stored.map((d) => d.action)).toEqual(['PAUSE', 'ROLLBACK']);
      const rollback = stored[1]!;
      expect(rollback).toMatchObject({ verdict: 'FAIL', policyVersion: firstPolicy.policy.version, service: 'web' });
      expect(decisions.filter((d) => d.action === 'ROLLBACK')).toHaveLength(1);

      await pollUntil('the bus copy', () => (onBus.some((d) => d.sequence === rollback.sequence) ? true : undefined));
      expect(onBus.filter((d) => d.rolloutId === id('web-1')).map((d) => d.action)).toEqual(['PAUSE', 'ROLLBACK']);
      await pollUntil('the WatchDecisions copy', () => (streamed.length === 2 ? true : undefined));
      expect(streamed.map((d) => d.sequence)).toEqual(stored.map((d) => d.sequence));
      stop.abort();
      await watching;

      expect(printed).toMatchObject({ code: 0, err: '' });
      const lines = printed.out.trimEnd().split('\n');
      expect(lines).toHaveLength(2);
      expect(lines[1]).toMatch(new RegExp(`^#${rollback.sequence}  web  .*${id('web-1')}  step 1  ROLLBACK\\s+FAIL\\s+error-rate \\[error_rate ≤ 0.05\\]: canary 0.5`));

      const explained = await cli('rollouts', 'explain', String(rollback.sequence), '--server', platform.url);
      expect(explained.code).toBe(0);
      expect(explained.out).toContain(`decision #${rollback.sequence} of service web`);
      expect(explained.out).toContain(`decision ROLLBACK (FAIL) for rollout ${id('web-1')} step 1`);
      expect(explained.out).toContain(`policy    strict ${firstPolicy.policy.version}`);
      expect(explained.out).toMatch(/rule error-rate → ROLLBACK: FAIL — .*\n {4}error_rate ≤ 0\.05, canary 0\.5 \(n=40\), .*failures 1\/1 consecutive/);

      const got = await cli('rollouts', 'get', id('web-1'), '--server', platform.url);
      expect(got.out).toMatch(/engine {3}step 1 rolled_back/);
      // The live charts' series: the burst's second as the judges saw it, 40 requests, every second one failed.
      const series = await fetch(`${platform.url}/api/v1/canary/rollouts/${id('web-1')}/series`);
      const { tracks, windowEndMs } = (await series.json()) as { windowEndMs: number; tracks: Record<string, { requests: number; errors: number; p99Ms: number }[]> };
      expect(windowEndMs).toBeGreaterThan(0);
      expect(tracks['canary']).toEqual([expect.objectContaining({ requests: 40, errors: 20 })]);
      expect(tracks['canary']![0]!.p99Ms).toBeGreaterThanOrEqual(10);
      expect((await fetch(`${platform.url}/api/v1/canary/rollouts/nowhere-${id('x')}/series`)).status).toBe(404);
      const missing = await cli('rollouts', 'explain', '999999', '--server', platform.url);
      expect(missing).toMatchObject({ code: 1, err: expect.stringContaining('no decision 999999') });
      console.info(`${busService.name} bus: HTTP telemetry → ROLLBACK on bus, gRPC and CLI: ${Date.now() - started} ms`);
    });

    it('a policy set through the API is pinned by new rollouts only; an invalid one is refused with file:line:col', async () => {
      const bad = await post('/api/v1/canary/policy', 'apiVersion: slipway/v1\nname: broken\nrules:\n  - name: x\n    metric: error_rate\n    compare: { max: "high" }\n', 'application/yaml', 'PUT');
      expect(bad.status).toBe(400);
      expect(bad.body).toMatchObject({ error: { code: 'invalid_argument', message: expect.stringMatching(/^the policy is invalid:\napi:6:\d+: /) } });

      // web-2 starts (in the engine) under the strict policy; then a lenient one is set; web-3 starts after.
      await createRollout(h.db, systemClock, { id: id('web-2'), service: 'web', policyVersion: firstPolicy.policy.version });
      await createRollout(h.db, systemClock, { id: id('web-3'), service: 'web', policyVersion: firstPolicy.policy.version });
      const warmUp = { events: [{ service: 'web', rolloutId: id('web-2'), version: 'v2', track: 'TRACK_CANARY', eventTimeMs: String(Date.now() - 9000), latencyMs: 5 }] };
      expect((await post('/api/v1/telemetry', JSON.stringify(warmUp), 'application/json')).status).toBe(200);
      await pollUntil('web-2 in the engine', () => (canary.engine.hasRollout(id('web-2')) ? true : undefined));

      const set = await post('/api/v1/canary/policy', policyYaml('lenient', 0.9), 'application/yaml', 'PUT');
      expect(set.status).toBe(200);
      const lenientVersion = (set.body['policy'] as { version: string }).version;
      expect(set.body).toEqual({ policy: { name: 'lenient', version: lenientVersion }, appliesTo: 'new rollouts' });
      expect(lenientVersion).not.toBe(firstPolicy.policy.version);
      expect(await (await fetch(`${platform.url}/api/v1/canary/policy`)).json()).toEqual({ policy: { name: 'lenient', version: lenientVersion } });
      // Recorded with who set it, what it replaced and its text; the refused one left no entry.
      const audited = (await (await fetch(`${platform.url}/api/v1/audit?action=policy.set`)).json()) as { entries: { actor: string; before: unknown; after: unknown }[] };
      expect(audited.entries).toContainEqual(
        expect.objectContaining({
          actor: 'admin',
          before: { name: 'strict', version: firstPolicy.policy.version },
          after: { name: 'lenient', version: lenientVersion, source: policyYaml('lenient', 0.9) },
        }),
      );
      expect(audited.entries.some((entry) => JSON.stringify(entry.after).includes('broken'))).toBe(false);

      await post('/api/v1/telemetry', JSON.stringify(errorBurst(id('web-2'), 2)), 'application/json');
      await post('/api/v1/telemetry', JSON.stringify(errorBurst(id('web-3'), 2)), 'application/json');
      await pollUntil('web-3 in the engine', () => (canary.engine.hasRollout(id('web-3')) ? true : undefined));
      await pollUntil('a ROLLBACK of web-2', async () => ((await listDecisions(h.db, { rolloutId: id('web-2') })).some((d) => d.action === 'ROLLBACK') ? true : undefined));
      await canary.flushDecisions();
      expect(canary.engine.readRollout(id('web-2'))?.policyVersion).toBe(firstPolicy.policy.version);
      expect(canary.engine.readRollout(id('web-3'))?.policyVersion).toBe(lenientVersion);
      const web3 = await listDecisions(h.db, { rolloutId: id('web-3') });
      expect(web3.every((d) => d.policyVersion === lenientVersion && d.action !== 'ROLLBACK')).toBe(true);
    });
  });
}
