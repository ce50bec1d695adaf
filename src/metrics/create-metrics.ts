import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Db } from '../store/index.js';
import { createGuardedRead } from './create-guarded-read.js';
import {
  decisionLatencyBuckets,
  jobDurationBuckets,
  type MetricName,
  metricHelp,
  queueWaitBuckets,
  telemetryLagBuckets,
} from './metric-names.js';
import type { AgentLoad, Metrics } from './metrics.js';

export interface MetricsOptions {
  /** Source of the job queue gauges (read at scrape time); without it they are not exported. */
  db?: Db;
  /** Longest a scrape waits for the store before exporting the last queue gauges. Default 2000 ms. */
  storeTimeoutMs?: number;
  /** Process and Node.js metrics (CPU, memory, event loop, GC) on the same registry. Default true. */
  defaultMetrics?: boolean;
}

interface QueueCounts {
  queued: number;
  running: number;
}

const noAgents: AgentLoad = { connected: 0, slots: 0, busySlots: 0 };

/** One registry with every Slipway metric (metric-names.ts), for one server. */
export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  const help = (name: MetricName) => ({ name, help: metricHelp[name], registers: [registry] });
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });

  const runsFinished = new Counter({ ...help('slipway_runs_finished_total'), labelNames: ['status'] });
  const jobsFinished = new Counter({ ...help('slipway_jobs_finished_total'), labelNames: ['status'] });
  const jobDuration = new Histogram({ ...help('slipway_job_duration_seconds'), buckets: jobDurationBuckets });
  const stageDuration = new Histogram({ ...help('slipway_stage_duration_seconds'), labelNames: ['stage'], buckets: jobDurationBuckets });
  const queueWait = new Histogram({ ...help('slipway_job_queue_wait_seconds'), buckets: queueWaitBuckets });
  // Set once the store-backed gauges exist: the read they share this scrape.
  let queueRead: (() => Promise<unknown>) | undefined;
  const collectErrors = new Counter({
    ...help('slipway_metrics_collect_errors_total'),
    labelNames: ['source', 'reason'],
    // Collected concurrently with the gauges: waiting for their read puts its failure in this scrape.
    async collect() {
      await queueRead?.();
    },
  });
  const deployments = new Counter({ ...help('slipway_deployments_total'), labelNames: ['environment', 'status'] });
  const rollbacks = new Counter({ ...help('slipway_rollbacks_total'), labelNames: ['environment'] });
  const decisions = new Counter({ ...help('slipway_canary_decisions_total'), labelNames: ['action'] });
  const decisionLatency = new Histogram({ ...help('slipway_canary_decision_latency_seconds'), buckets: decisionLatencyBuckets });
  const telemetryEvents = new Counter({ ...help('slipway_telemetry_events_total'), labelNames: ['result', 'reason'] });
  const telemetryLag = new Histogram({ ...help('slipway_telemetry_lag_seconds'), buckets: telemetryLagBuckets });

  let readAgents: (() => AgentLoad) | undefined;
  const agentGauge = (name: MetricName, pick: (load: AgentLoad) => number) =>
    new Gauge({
      ...help(name),
      collect() {
        this.set(pick(readAgents?.() ?? noAgents));
      },
    });
  agentGauge('slipway_agents_connected', (load) => load.connected);
  agentGauge('slipway_agent_slots', (load) => load.slots);
  agentGauge('slipway_agent_slots_busy', (load) => load.busySlots);

  const { db } = options;
  if (db) {
    const readQueue = createGuardedRead<QueueCounts>({
      // One statement over the partial index of unfinished jobs: its size is the backlog, not history.
      read: async () => {
        const { rows } = await db.query<{ queued: number; running: number }>(
          `SELECT count(*) FILTER (WHERE status = 'queued')::int AS queued, count(*) FILTER (WHERE status = 'running')::int AS running
           FROM jobs WHERE status IN ('pending', 'queued', 'running')`,
        );
        return { queued: Number(rows[0]?.queued ?? 0), running: Number(rows[0]?.running ?? 0) };
      },
      timeoutMs: options.storeTimeoutMs ?? 2000,
      initial: { queued: 0, running: 0 },
      onError: (reason) => collectErrors.inc({ source: 'store', reason }),
    });
    // Both gauges are collected concurrently by one scrape: they share its single read.
    let thisScrape: Promise<QueueCounts> | undefined;
    const queueCounts = () => {
      thisScrape ??= readQueue().finally(() => {
        thisScrape = undefined;
      });
      return thisScrape;
    };
    queueRead = queueCounts;
    new Gauge({
      ...help('slipway_jobs_queued'),
      async collect() {
        this.set((await queueCounts()).queued);
      },
    });
    new Gauge({
      ...help('slipway_jobs_running'),
      async collect() {
        this.set((await queueCounts()).running);
      },
    });
  }

  return {
    registry,
    contentType: registry.contentType,
    scrape: () => registry.metrics(),
    jobClaimed: (seconds) => queueWait.observe(nonNegative(seconds)),
    jobFinished: (status, durationSeconds) => {
      jobsFinished.inc({ status });
      if (durationSeconds !== undefined) jobDuration.observe(nonNegative(durationSeconds));
    },
    runFinished: (status) => runsFinished.inc({ status }),
    stageFinished: (stage, durationSeconds) => stageDuration.observe({ stage }, nonNegative(durationSeconds)),
    watchAgents: (read) => {
      readAgents = read;
      return () => {
        if (readAgents === read) readAgents = undefined;
      };
    },
    deploymentFinished: (environment, status) => deployments.inc({ environment, status }),
    rollbackRequested: (environment) => rollbacks.inc({ environment }),
    canaryDecisionRecorded: (action, latencySeconds) => {
      decisions.inc({ action });
      decisionLatency.observe(nonNegative(latencySeconds));
    },
    telemetryIngested: (accepted, rejectedByReason) => {
      if (accepted > 0) telemetryEvents.inc({ result: 'accepted' }, accepted);
      for (const [reason, n] of Object.entries(rejectedByReason)) {
        if (n) telemetryEvents.inc({ result: 'rejected', reason }, n);
      }
    },
    telemetryLag: (seconds) => telemetryLag.observe(nonNegative(seconds)),
  };
}

/** Clocks of server replicas and producers differ: a time from another clock may land slightly ahead. */
function nonNegative(seconds: number): number {
  return Number.isFinite(seconds) && seconds > 0 ? seconds : 0;
}
