import { expect, it } from 'vitest';
import type { Db } from '../store/index.js';
import { createMetrics } from './create-metrics.js';
import { metricHelp } from './metric-names.js';
import { parseExposition, sampleValue } from './test-support/parse-exposition.js';

/** Just enough of a Db for the queue gauges' one query. */
function fakeDb(query: () => Promise<{ rows: { queued: number; running: number }[] }>): Db {
  return { query: async () => ({ ...(await query()), rowCount: 1 }) } as unknown as Db;
}

it('exports every named metric with its HELP text, and two servers in one process do not collide', async () => {
  const first = createMetrics({ db: fakeDb(async () => ({ rows: [{ queued: 3, running: 1 }] })) });
  const second = createMetrics({ defaultMetrics: false });
  first.jobFinished('succeeded', 12);
  second.jobFinished('failed');
  const text = await first.scrape();
  for (const [name, help] of Object.entries(metricHelp)) expect(text).toContain(`# HELP ${name} ${help}`);
  const samples = parseExposition(text);
  expect(sampleValue(samples, 'slipway_jobs_finished_total', { status: 'succeeded' })).toBe(1);
  expect(sampleValue(samples, 'slipway_jobs_finished_total', { status: 'failed' })).toBeUndefined();
  expect(sampleValue(samples, 'slipway_job_duration_seconds_count')).toBe(1);
  expect(sampleValue(samples, 'slipway_jobs_queued')).toBe(3);
  expect(sampleValue(samples, 'slipway_jobs_running')).toBe(1);
  // Default process metrics sit on the same registry.
  expect(sampleValue(samples, 'process_cpu_user_seconds_total')).toBeGreaterThanOrEqual(0);
  expect(first.contentType).toMatch(/^text\/plain/);
});

it('reads the job queue once per scrape and exports the last value and an error count when the store is down', async () => {
  let queries = 0;
  let down = false;
  const metrics = createMetrics({
    defaultMetrics: false,
    db: fakeDb(async () => {
      queries += 1;
      if (down) throw new Error('store down');
      return { rows: [{ queued: 4, running: 2 }] };
    }),
  });
  expect(sampleValue(parseExposition(await metrics.scrape()), 'slipway_jobs_queued')).toBe(4);
  expect(queries).toBe(1);
  down = true;
  const samples = parseExposition(await metrics.scrape());
  expect(sampleValue(samples, 'slipway_jobs_queued')).toBe(4);
  expect(sampleValue(samples, 'slipway_jobs_running')).toBe(2);
  expect(sampleValue(samples, 'slipway_metrics_collect_errors_total', { source: 'store', reason: 'error' })).toBe(1);
  expect(queries).toBe(2);
});

it('a store slower than the timeout does not hang the scrape', async () => {
  const metrics = createMetrics({ defaultMetrics: false, storeTimeoutMs: 50, db: fakeDb(() => new Promise(() => {})) });
  const started = Date.now();
  const samples = parseExposition(await metrics.scrape());
  expect(Date.now() - started).toBeLessThan(2000);
  expect(sampleValue(samples, 'slipway_jobs_queued')).toBe(0);
  expect(sampleValue(samples, 'slipway_metrics_collect_errors_total', { source: 'store', reason: 'timeout' })).toBe(1);
});

it('reads agents from the watcher at scrape time, counts telemetry by result and reason, and clamps clock skew to 0', async () => {
  const metrics = createMetrics({ defaultMetrics: false });
  let connected = 2;
  const unwatch = metrics.watchAgents(() => ({ connected, slots: 6, busySlots: 1 }));
  metrics.telemetryIngested(5, { unknown_rollout: 2, too_old: 0 });
  metrics.telemetryLag(-0.5);
  metrics.canaryDecisionRecorded('ROLLBACK', 1.2);
  metrics.deploymentFinished('production', 'succeeded');
  metrics.rollbackRequested('production');
  connected = 3;
  let samples = parseExposition(await metrics.scrape());
  expect(sampleValue(samples, 'slipway_agents_connected')).toBe(3);
  expect(sampleValue(samples, 'slipway_agent_slots')).toBe(6);
  expect(sampleValue(samples, 'slipway_agent_slots_busy')).toBe(1);
  expect(sampleValue(samples, 'slipway_telemetry_events_total', { result: 'accepted' })).toBe(5);
  expect(sampleValue(samples, 'slipway_telemetry_events_total', { result: 'rejected', reason: 'unknown_rollout' })).toBe(2);
  expect(sampleValue(samples, 'slipway_telemetry_events_total', { reason: 'too_old' })).toBeUndefined();
  expect(sampleValue(samples, 'slipway_telemetry_lag_seconds_bucket', { le: '0.01' })).toBe(1);
  expect(sampleValue(samples, 'slipway_canary_decisions_total', { action: 'ROLLBACK' })).toBe(1);
  expect(sampleValue(samples, 'slipway_deployments_total', { environment: 'production', status: 'succeeded' })).toBe(1);
  expect(sampleValue(samples, 'slipway_rollbacks_total', { environment: 'production' })).toBe(1);
  unwatch();
  samples = parseExposition(await metrics.scrape());
  expect(sampleValue(samples, 'slipway_agents_connected')).toBe(0);
  // Without a store there are no queue gauges rather than made-up zeros.
  expect(sampleValue(samples, 'slipway_jobs_queued')).toBeUndefined();
});
