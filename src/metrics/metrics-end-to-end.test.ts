/**
 * GET /metrics of a server with an in-process agent and a canary service: a two-job pipeline, telemetry
 * with a rejected event and a canary decision show up as counts; a job report's log line carries its ids.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../api/test-support/start-test-platform.js';
import { waitFor } from '../api/test-support/wait-for.js';
import { type Bus, createBus } from '../bus/index.js';
import { type CanaryService, createRollout, parsePolicy, startCanaryService } from '../canary/index.js';
import { systemClock } from '../clock/clock.js';
import { describePglite } from '../test-support/test-store.js';
import { createMetrics } from './create-metrics.js';
import { parseExposition, type Sample, sampleValue } from './test-support/parse-exposition.js';
import { fastPolicyYaml } from '../canary/test-support/fast-policy.js';

/** 2 s windows of 1 s buckets: a burst of events 6 s old is judged at once. */
const policy = parsePolicy(fastPolicyYaml({ name: 'metrics-test', maxErrorRate: 0.05 }), 'test');

describePglite('metrics end to end', (h) => {
  let workDir: string;
  let bus: Bus;
  let canary: CanaryService;
  let platform: TestPlatform;
  const logLines: Record<string, unknown>[] = [];

  const scrape = async (): Promise<Sample[]> => {
    const response = await fetch(`${platform.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    // parseExposition throws on any line that is neither a comment nor `name{labels} value`.
    return parseExposition(await response.text());
  };

  beforeAll(async () => {
    if (!policy.ok) throw new Error('the test policy is invalid');
    workDir = await mkdtemp(join(tmpdir(), 'slipway-metrics-'));
    const metrics = createMetrics({ db: h.db });
    bus = await createBus({ kind: 'memory' });
    canary = await startCanaryService({ db: h.db, bus, clock: systemClock, logger: pino({ level: 'silent' }), grpcPort: 0, policy: policy.policy, metrics });
    const logger = pino({ level: 'info' }, { write: (line: string) => void logLines.push(JSON.parse(line) as Record<string, unknown>) });
    platform = await startTestPlatform(h.db, { metrics, logger, canary: { canary }, agent: { name: 'metrics-agent', capacity: 2, workDir } });
  });
  afterAll(async () => {
    await platform?.stop();
    await canary?.close();
    await bus?.close();
    await rm(workDir, { recursive: true, force: true });
  });

  it('counts a two-job pipeline: jobs and the run by result, queue waits, the connected agent; its report logs carry jobId and runId', async () => {
    const pipeline = ['name: m', 'stages:', '  - name: a', '    steps: [{ run: "true" }]', '  - name: b', '    needs: [a]', '    steps: [{ run: "true" }]'].join('\n');
    const posted = await fetch(`${platform.url}/api/v1/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ project: 'acme/metrics', ref: 'main', pipeline }),
    });
    expect(posted.status).toBe(201);
    const { runId, jobs } = (await posted.json()) as { runId: number; jobs: { id: number }[] };
    await waitFor('the run to finish', async () => {
      const run = (await (await fetch(`${platform.url}/api/v1/runs/${runId}`)).json()) as { status: string };
      return ['succeeded', 'failed', 'canceled'].includes(run.status) ? run : undefined;
    });

    // The route counts after its commit: the run can read as finished a moment before the counters move.
    const samples = await waitFor('the run to be counted', async () => {
      const now = await scrape();
      return sampleValue(now, 'slipway_runs_finished_total', { status: 'succeeded' }) === 1 ? now : undefined;
    });
    expect(sampleValue(samples, 'slipway_jobs_finished_total', { status: 'succeeded' })).toBe(2);
    expect(sampleValue(samples, 'slipway_runs_finished_total', { status: 'succeeded' })).toBe(1);
    expect(sampleValue(samples, 'slipway_job_queue_wait_seconds_count')).toBe(2);
    expect(sampleValue(samples, 'slipway_job_duration_seconds_count')).toBe(2);
    // One observation per stage of the finished run, labelled with its name.
    expect(sampleValue(samples, 'slipway_stage_duration_seconds_count', { stage: 'a' })).toBe(1);
    expect(sampleValue(samples, 'slipway_agents_connected')).toBe(1);
    expect(sampleValue(samples, 'slipway_agent_slots')).toBe(2);
    expect(sampleValue(samples, 'slipway_agent_slots_busy')).toBe(0);
    expect(sampleValue(samples, 'slipway_jobs_queued')).toBe(0);
    expect(sampleValue(samples, 'slipway_jobs_running')).toBe(0);

    const finished = logLines.filter((line) => line.msg === 'job finished');
    expect(finished.map((line) => [line.jobId, line.runId, line.status]).sort()).toEqual(jobs.map((job) => [job.id, runId, 'succeeded']).sort());
    expect(logLines.find((line) => line.msg === 'run finished')).toMatchObject({ runId, runStatus: 'succeeded', jobId: jobs[1]!.id });
  });

  it('counts telemetry accepted and rejected by reason, its lag, and canary decisions with their latency', async () => {
    await createRollout(h.db, systemClock, { id: 'metrics-web-1', service: 'web', policyVersion: policy.ok ? policy.policy.version : '' });
    const t0 = Math.floor((Date.now() - 6000) / 1000) * 1000;
    const event = (i: number, rolloutId = 'metrics-web-1') => ({
      service: 'web',
      rolloutId,
      version: 'v2',
      track: 'TRACK_CANARY',
      eventTimeMs: String(t0 + 10 + i * 20),
      latencyMs: 5,
      statusCode: i % 2 === 0 ? 500 : 200,
      error: i % 2 === 0,
    });
    // 40 events in one bucket, half failing, one 2.5 s later to close the window, one of an unknown rollout.
    const events = [...Array.from({ length: 40 }, (_, i) => event(i)), { ...event(1), eventTimeMs: String(t0 + 2500) }, event(3, 'no-such-rollout')];
    const response = await fetch(`${platform.url}/api/v1/telemetry`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ events }),
    });
    expect(await response.json()).toMatchObject({ accepted: 41, rejected: 1 });

    const samples = await waitFor('a ROLLBACK decision to be counted', async () => {
      const now = await scrape();
      return sampleValue(now, 'slipway_canary_decisions_total', { action: 'ROLLBACK' }) === 1 ? now : undefined;
    });
    expect(sampleValue(samples, 'slipway_telemetry_events_total', { result: 'accepted' })).toBe(41);
    expect(sampleValue(samples, 'slipway_telemetry_events_total', { result: 'rejected', reason: 'unknown_rollout' })).toBe(1);
    expect(sampleValue(samples, 'slipway_telemetry_lag_seconds_count')).toBe(41);
    // Events 3.5 to 6 s old: all above the 2.5 s bucket, all within the 10 s one.
    expect(sampleValue(samples, 'slipway_telemetry_lag_seconds_bucket', { le: '2.5' })).toBe(0);
    expect(sampleValue(samples, 'slipway_telemetry_lag_seconds_bucket', { le: '10' })).toBe(41);
    const decisions = samples.filter((s) => s.name === 'slipway_canary_decisions_total').reduce((sum, s) => sum + s.value, 0);
    expect(sampleValue(samples, 'slipway_canary_decision_latency_seconds_count')).toBe(decisions);
    expect(sampleValue(samples, 'slipway_canary_decision_latency_seconds_sum')).toBeGreaterThan(0);
  });
});
