/**
 * metrics/ — Prometheus metrics of one server: a registry per server, the names and HELP texts in
 * one file (metric-names.ts), recorded by the scheduler's transport, the deploy controller and the
 * canary service through the optional Metrics they are given, and served at GET /metrics.
 *
 * Glossary
 * - scrape: one GET /metrics; store-backed gauges are read then, bounded by a timeout.
 * - queue wait: from a job's ready_at (claimable) to its claim by an agent.
 * - decision latency: from the end of the judged window (event time) to the stored decision.
 * - telemetry lag: server clock minus event time, when an event is ingested.
 */
export { createMetrics, type MetricsOptions } from './create-metrics.js';
export { metricHelp, type MetricName } from './metric-names.js';
export type { AgentLoad, Metrics } from './metrics.js';
export { registerMetricsRoute } from './register-metrics-route.js';
