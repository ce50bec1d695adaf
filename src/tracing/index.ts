/**
 * tracing/ — OpenTelemetry traces of runs and deployments, exported over OTLP/HTTP when an endpoint is
 * configured (OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT); none at all otherwise.
 *
 * Glossary
 * - trace: one run (trigger → finish) with its jobs, and the deployments of its deploy steps with their
 *   canary decisions; a deployment made outside a run (API, CLI, rollback) is a trace of its own.
 * - span: a run span (root, from the trigger to the run's end), a job span (child of the run: the
 *   job's last attempt, on whichever agent ran it), a deployment span (child of the job that ran its
 *   deploy step), a decision span (instant, child of its deployment: action, verdict, reasons).
 * - span description: a span as plain data, made from store records by pure code (describe-spans.ts),
 *   with ids derived from store ids (trace-ids.ts): every replica and restart names it the same.
 * - claim: a subject (run:<id>, deployment:<id>) inserted into trace_exports; only the claimer exports
 *   it. cursor: per source table, a watermark (read up to) and a floor (tracing enabled since).
 * - publisher: the loop that claims newly finished records every second and hands their spans to the
 *   SDK's BatchSpanProcessor and OTLP/HTTP exporter, with the records' own start and end times.
 */
export { type FinishedDeploymentRecord, type FinishedRunRecord, describeDeploymentSpans, describeRunSpans } from './describe-spans.js';
export type { SpanDescription } from './span-description.js';
export { deploymentSpanId, deploymentTraceId, decisionSpanId, jobSpanId, runSpanId, runTraceId } from './trace-ids.js';
export { claimFinishedRecords, type ClaimFinishedOptions } from './claim-finished-records.js';
export { createTracePublisher, type TracePublisher } from './create-trace-publisher.js';
export type { TracePublisherOptions } from './trace-publisher-options.js';
