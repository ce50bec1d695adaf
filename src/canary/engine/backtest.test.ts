import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock } from '../../clock/clock.js';
import { runBacktest } from './backtest.js';
import type { Decision } from './decision.js';
import { readTelemetryFile } from './read-telemetry-file.js';
import { createCanaryEngine } from './run-engine.js';
import { policyFromYaml } from './test-support/make-snapshot.js';
import { createPrng } from '../../clock/create-prng.js';
import { makeTraffic, scheduleArrivals } from './test-support/make-traffic.js';
import { formatTelemetryRecord, type TelemetryRecord } from './telemetry-record.js';

const T0 = 1_700_000_000_000;
const policy = policyFromYaml(`name: bt
windowSeconds: 10
allowedLatenessSeconds: 2
minSamples: 50
stepDurationSeconds: 20
rules:
  - { name: errors, metric: error_rate, compare: { max: 0.05 }, action: ROLLBACK }
  - { name: p99, metric: latency_p99, compare: { maxRatioTo: baseline, factor: 1.5 }, counting: consecutive, failures: 3, action: PAUSE }
`);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'slipway-backtest-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** 50 healthy seconds, 10 slow ones (a PAUSE), healthy again, then errors from 100 s on. */
function makeScenario() {
  const random = createPrng(42);
  const s = (seconds: number) => T0 + seconds * 1000;
  const events = [
    ...makeTraffic({ track: 'baseline', fromMs: s(0), toMs: s(120), requestsPerSecond: 10 }, random),
    ...makeTraffic({ track: 'canary', fromMs: s(0), toMs: s(50), requestsPerSecond: 10 }, random),
    ...makeTraffic({ track: 'canary', fromMs: s(50), toMs: s(60), requestsPerSecond: 10, latencyMs: { minMs: 200, maxMs: 300 } }, random),
    ...makeTraffic({ track: 'canary', fromMs: s(60), toMs: s(100), requestsPerSecond: 10 }, random),
    ...makeTraffic({ track: 'canary', fromMs: s(100), toMs: s(120), requestsPerSecond: 10, errorRate: 0.5 }, random),
  ];
  const arrivals = scheduleArrivals(events, 1500, random);
  // Bad values the engine rejects live must be rejected the same way in the replay.
  const bad = [{ latencyMs: Number.NaN }, { latencyMs: -1 }, { eventTimeMs: Number.POSITIVE_INFINITY }, { metrics: { bytes: Number.NaN } }];
  bad.forEach((fields, i) => {
    const at = arrivals[100 + i * 50]!;
    arrivals.splice(100 + i * 50, 0, { receivedAtMs: at.receivedAtMs, event: { ...at.event, ...fields } });
  });
  return arrivals;
}

/** The server's path: a clock reading per arrival, the engine recording what it ingests. */
function runLive(arrivals: ReturnType<typeof makeScenario>) {
  const clock = createManualClock(T0);
  const decisions: Decision[] = [];
  const evaluations: Decision[] = [];
  const records: TelemetryRecord[] = [];
  const engine = createCanaryEngine({
    clock,
    defaultPolicy: policy,
    onDecision: (d) => decisions.push(d),
    onEvaluation: (d) => evaluations.push(d),
    onRecord: (r) => records.push(r),
  });
  engine.startRollout({ id: 'r1', stepStartedMs: T0 });
  for (const { event, receivedAtMs } of arrivals) {
    clock.set(receivedAtMs);
    engine.ingestEvent(event);
  }
  return { decisions, evaluations, records, engine };
}

describe('runBacktest', () => {
  it('replays recorded telemetry to exactly the live decisions and evaluations', async () => {
    const live = runLive(makeScenario());
    // No data at first; two 20 s steps; slow from 50 s, paused on the 3rd consecutive failure; 20 s
    // healthy once the slow seconds leave the window (window start 60 s); errors from 100 s pass 5 %
    // in the window ending at 102 s.
    const timeline = live.decisions.map((d) => `${d.action}@${(d.windowEndMs - T0) / 1000}s/step${d.step}`);
    expect(timeline).toEqual(['PAUSE@-2s/step1', 'PROMOTE@20s/step1', 'PROMOTE@43s/step2', 'PAUSE@53s/step3', 'PROMOTE@80s/step3', 'ROLLBACK@102s/step4']);
    const file = join(dir, 'recorded.ndjson');
    await writeFile(file, `${live.records.map(formatTelemetryRecord).join('\n')}\n`);
    const replayed = await runBacktest({ policy, records: readTelemetryFile(file) });
    expect(replayed.decisions).toEqual(live.decisions);
    expect(replayed.evaluations).toEqual(live.evaluations);
    expect(replayed.rollouts).toEqual([{ id: 'r1', step: 4, state: 'rolled_back' }]);
    expect(replayed.rejected).toEqual(live.engine.countRejected());
    expect(replayed.rejected).toMatchObject({ invalid_latency: 2, invalid_event_time: 1, invalid_metric: 1 });
    expect(new Set(replayed.evaluations.map((d) => d.idempotencyKey)).size).toBe(replayed.evaluations.length);
  });

  it('rolls back on a seeded high error rate in the first window that holds minSamples canary requests', async () => {
    const random = createPrng(3);
    const events = [
      ...makeTraffic({ track: 'baseline', fromMs: T0, toMs: T0 + 30_000, requestsPerSecond: 10 }, random),
      ...makeTraffic({ track: 'canary', fromMs: T0 + 250, toMs: T0 + 30_000, requestsPerSecond: 6, errorRate: 0.5 }, random),
    ].sort((a, b) => a.eventTimeMs - b.eventTimeMs);
    const result = await runBacktest({ policy, records: events.map((event) => ({ kind: 'event' as const, event })) });
    // Computed from the events alone: the first bucket boundary whose window holds 50 canary requests.
    const canaryTimes = events.filter((e) => e.track === 'canary').map((e) => e.eventTimeMs);
    let firstCompleteEndMs = T0;
    while (canaryTimes.filter((t) => t >= firstCompleteEndMs - 10_000 && t < firstCompleteEndMs).length < 50) {
      firstCompleteEndMs += 1000;
      if (firstCompleteEndMs > T0 + 30_000) throw new Error('the scenario never holds minSamples canary requests');
    }
    expect(result.decisions.at(-1)).toMatchObject({ action: 'ROLLBACK', windowEndMs: firstCompleteEndMs, verdict: 'FAIL' });
    const before = result.evaluations.filter((d) => d.windowEndMs < firstCompleteEndMs);
    expect(before.length).toBeGreaterThan(5);
    expect(before.every((d) => d.action === 'PAUSE' && d.verdict === 'NO_DATA')).toBe(true);
    expect(result.decisions.map((d) => d.action)).toEqual(['PAUSE', 'ROLLBACK']);
  });

  it('lets recorded step records steer the rollout, as the deploy controller did live', async () => {
    const random = createPrng(9);
    const events = makeTraffic({ track: 'canary', fromMs: T0, toMs: T0 + 40_000, requestsPerSecond: 10 }, random).map((event) => ({ kind: 'event' as const, event }));
    const step: TelemetryRecord = { kind: 'step', rollout: 'r1', step: 4, stepStartedMs: T0 + 15_000, atMs: T0 + 15_000 };
    const at = events.findIndex((r) => r.event.eventTimeMs >= T0 + 15_000);
    const result = await runBacktest({ policy, records: [...events.slice(0, at), step, ...events.slice(at)] });
    // No baseline: p99 has NO_DATA throughout, so nothing promotes; evaluations follow the recorded step.
    expect(result.evaluations.at(-1)).toMatchObject({ step: 4, action: 'PAUSE', verdict: 'NO_DATA' });
    expect(result.decisions.every((d) => d.action === 'PAUSE')).toBe(true);
  });
});

describe('readTelemetryFile', () => {
  it('names the file and line of a record it cannot read', async () => {
    const file = join(dir, 'bad.ndjson');
    const good = JSON.stringify({ rollout: 'r1', track: 'canary', eventTimeMs: T0, latencyMs: 1, isError: false });
    await writeFile(file, `${good}\n\n{"rollout":"r1","track":"canary","eventTimeMs":1,"latencyMs":1,"isErorr":false}\n`);
    await expect(runBacktest({ policy, records: readTelemetryFile(file) })).rejects.toThrow(`${file}:3:1: not an event`);
    await writeFile(file, `${good}\n{not json\n`);
    await expect(runBacktest({ policy, records: readTelemetryFile(file) })).rejects.toThrow(`${file}:2:1: not JSON`);
  });

  it('reports a missing file and a format it cannot read yet', async () => {
    await expect(runBacktest({ policy, records: readTelemetryFile(join(dir, 'nope.ndjson')) })).rejects.toThrow('telemetry file not found');
    expect(() => readTelemetryFile(join(dir, 'x.pb'))).toThrow('protobuf telemetry cannot be read yet');
  });

  it('passes well-formed but invalid values on, for the engine to reject as it would live', async () => {
    const file = join(dir, 'odd.ndjson');
    await writeFile(file, `${JSON.stringify({ rollout: 'r1', track: 'canary', eventTimeMs: T0, latencyMs: -5, isError: false })}\n`);
    const result = await runBacktest({ policy, records: readTelemetryFile(file) });
    expect(result.rejected.invalid_latency).toBe(1);
    expect(result.decisions).toEqual([]);
  });
});
