/**
 * Every metric Slipway exports, with its HELP text, in one place: dashboards and alerts are written
 * against these names, so renaming one is a breaking change. Units are in the names (Prometheus
 * conventions: seconds, `_total` for counters).
 */
export const metricHelp = {
  slipway_runs_finished_total: 'Runs that reached a final status, by status (succeeded, failed, canceled).',
  slipway_jobs_finished_total: 'Jobs that reached a final status through an agent report, by status.',
  slipway_job_duration_seconds: 'Duration of the attempt that finished a job, from its claim (started_at) to its report.',
  slipway_stage_duration_seconds: 'Duration of a stage in a finished run, by stage name: from its first job start to its last job finish.',
  slipway_job_queue_wait_seconds: 'Time a job waited between becoming claimable (ready_at) and being claimed by an agent.',
  slipway_jobs_queued: 'Jobs queued in the store (claimable now or after a retry backoff), read at scrape time.',
  slipway_jobs_running: 'Jobs leased to an agent in the store (all server replicas), read at scrape time.',
  slipway_metrics_collect_errors_total: 'Scrape-time reads that failed or timed out (the last value was exported), by source.',
  slipway_agents_connected: 'Agents whose jobs stream is open on this server.',
  slipway_agent_slots: 'Job slots (capacity) of the agents connected to this server.',
  slipway_agent_slots_busy: 'Job slots of agents of this server holding a job that has not reported yet.',
  slipway_deployments_total: 'Deployments run by this server that finished, by environment and final status.',
  slipway_rollbacks_total: 'Rollbacks requested (`slipway rollback`: a rollout aborted or a rollback deployment queued), by environment.',
  slipway_canary_decisions_total: 'Canary decisions recorded by this server, by action (PROMOTE, PAUSE, ROLLBACK).',
  slipway_canary_decision_latency_seconds: 'Time from the end of the judged telemetry window (event time) to the decision being stored.',
  slipway_telemetry_events_total: 'Telemetry events ingested (gRPC and HTTP intake), by result (accepted, rejected) and reject reason.',
  slipway_telemetry_lag_seconds: 'Age of accepted telemetry events at ingestion: server clock minus event time.',
} as const;

export type MetricName = keyof typeof metricHelp;

/**
 * CI jobs run from seconds (lint) to an hour or more (builds, test suites); finer buckets below a
 * minute would only split the jobs nobody is waiting on.
 */
export const jobDurationBuckets = [1, 5, 10, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200];

/** A healthy queue hands a job out within a dispatch pass (milliseconds); a starved one takes minutes. */
export const queueWaitBuckets = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];

/** Windows close once the watermark passes them (allowed lateness, seconds), so latencies of seconds are normal. */
export const decisionLatencyBuckets = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120];

/** Producers batch for up to a few seconds; beyond a minute the windows are dropping the events as late. */
export const telemetryLagBuckets = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];
