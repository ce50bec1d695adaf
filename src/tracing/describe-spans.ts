import type { JobFailure } from '../store/index.js';
import type { SpanAttributeValue, SpanDescription } from './span-description.js';
import { decisionSpanId, deploymentSpanId, deploymentTraceId, jobSpanId, runSpanId, runTraceId } from './trace-ids.js';

/** A finished run as read for tracing (read-finished.ts), with every job of it. */
export interface FinishedRunRecord {
  id: number;
  number: number;
  project: string;
  ref: string;
  commitSha: string | null;
  trigger: string;
  status: string;
  pipelineName: string;
  author: string | null;
  /** When it was triggered (the row was inserted). */
  createdAt: Date;
  finishedAt: Date;
  jobs: JobRecord[];
}

/** A job's last attempt: the store keeps no row per attempt, only the count. */
export interface JobRecord {
  id: number;
  jobKey: string;
  stage: string;
  status: string;
  /** Attempts made (1 for a job that ran once). */
  attempt: number;
  failure: JobFailure | null;
  startedAt: Date | null;
  finishedAt: Date | null;
}

export interface FinishedDeploymentRecord {
  id: number;
  project: string;
  environment: string;
  service: string;
  version: string;
  kind: string;
  status: string;
  /** The strategy's kind (e.g. canary, rolling), when the stored strategy has one. */
  strategy: string | null;
  failureMessage: string | null;
  createdAt: Date;
  finishedAt: Date;
  /** The job whose deploy step submitted it; null for deployments made through the API or CLI. */
  job: { id: number; runId: number; jobKey: string } | null;
  decisions: DecisionRecordForTrace[];
}

export interface DecisionRecordForTrace {
  sequence: number;
  step: number;
  action: string;
  verdict: string;
  reasons: string[];
  policyVersion: string;
  createdAt: Date;
}

/** The run span (trigger to finish) and a child span per job that ran (its last attempt). */
export function describeRunSpans(run: FinishedRunRecord): SpanDescription[] {
  const traceId = runTraceId(run.id);
  const runSpan = runSpanId(run.id);
  const startMs = run.createdAt.getTime();
  const endMs = Math.max(startMs, run.finishedAt.getTime());
  const common = { 'slipway.project': run.project, 'slipway.run.id': run.id, 'slipway.run.number': run.number };
  const failed = run.jobs.filter((job) => job.status === 'failed').map((job) => job.jobKey);
  const spans: SpanDescription[] = [
    {
      traceId,
      spanId: runSpan,
      name: `run ${run.pipelineName}`,
      startMs,
      endMs,
      status: run.status === 'failed' ? { code: 'error', message: `failed jobs: ${failed.join(', ') || 'none recorded'}` } : statusOf(run.status),
      attributes: withoutNulls({
        ...common,
        'slipway.run.status': run.status,
        'slipway.run.trigger': run.trigger,
        'slipway.pipeline': run.pipelineName,
        'slipway.run.author': run.author,
        'vcs.ref.head.name': run.ref,
        'vcs.ref.head.revision': run.commitSha,
      }),
    },
  ];
  for (const job of run.jobs) {
    // Skipped jobs, and jobs canceled before an agent took them, never ran: they have no span.
    if (!job.startedAt) continue;
    const jobStartMs = job.startedAt.getTime();
    spans.push({
      traceId,
      spanId: jobSpanId(job.id),
      parentSpanId: runSpan,
      name: `job ${job.jobKey}`,
      startMs: jobStartMs,
      endMs: Math.max(jobStartMs, (job.finishedAt ?? run.finishedAt).getTime()),
      status: job.status === 'failed' ? { code: 'error', message: job.failure?.message ?? 'failed' } : statusOf(job.status),
      attributes: withoutNulls({
        ...common,
        'slipway.job.key': job.jobKey,
        'slipway.job.stage': job.stage,
        'slipway.job.status': job.status,
        'slipway.job.attempt': job.attempt,
        'slipway.job.failure.kind': job.failure?.kind ?? null,
        'slipway.job.failure.retryable': job.failure?.retryable ?? null,
      }),
    });
  }
  return spans;
}

/**
 * The deployment span — a child of the job span whose deploy step submitted it (in that run's trace),
 * else the root of its own trace — and an instant child span per canary decision made during it.
 */
export function describeDeploymentSpans(deployment: FinishedDeploymentRecord): SpanDescription[] {
  const traceId = deployment.job ? runTraceId(deployment.job.runId) : deploymentTraceId(deployment.id);
  const spanId = deploymentSpanId(deployment.id);
  const startMs = deployment.createdAt.getTime();
  const common = {
    'slipway.project': deployment.project,
    'slipway.environment': deployment.environment,
    'slipway.service': deployment.service,
    'slipway.deployment.id': deployment.id,
  };
  const deploymentSpan: SpanDescription = {
    traceId,
    spanId,
    name: `${deployment.kind} ${deployment.service}`,
    startMs,
    endMs: Math.max(startMs, deployment.finishedAt.getTime()),
    status: describeDeploymentStatus(deployment),
    attributes: withoutNulls({
      ...common,
      'slipway.deployment.kind': deployment.kind,
      'slipway.deployment.status': deployment.status,
      'slipway.deployment.strategy': deployment.strategy,
      'slipway.release.version': deployment.version,
      'slipway.run.id': deployment.job?.runId ?? null,
      'slipway.job.key': deployment.job?.jobKey ?? null,
    }),
  };
  if (deployment.job) deploymentSpan.parentSpanId = jobSpanId(deployment.job.id);
  const decisions = deployment.decisions.map(
    (decision): SpanDescription => ({
      traceId,
      spanId: decisionSpanId(decision.sequence),
      parentSpanId: spanId,
      name: `canary ${decision.action}`,
      startMs: decision.createdAt.getTime(),
      endMs: decision.createdAt.getTime(),
      status: { code: 'unset' },
      attributes: {
        ...common,
        'slipway.decision.sequence': decision.sequence,
        'slipway.decision.step': decision.step,
        'slipway.decision.action': decision.action,
        'slipway.decision.verdict': decision.verdict,
        // One sentence per policy rule that mattered: the rules behind the verdict.
        'slipway.decision.reasons': decision.reasons,
        'slipway.canary.policy_version': decision.policyVersion,
      },
    }),
  );
  return [deploymentSpan, ...decisions];
}

function describeDeploymentStatus(deployment: FinishedDeploymentRecord): SpanDescription['status'] {
  if (deployment.status === 'failed') return { code: 'error', message: deployment.failureMessage ?? 'failed' };
  // Traffic went back to the stable release: the rollout did not achieve what it set out to do.
  if (deployment.status === 'aborted') return { code: 'error', message: deployment.failureMessage ?? 'aborted: traffic went back to the stable release' };
  return statusOf(deployment.status);
}

function statusOf(status: string): SpanDescription['status'] {
  return status === 'succeeded' ? { code: 'ok' } : { code: 'unset' };
}

function withoutNulls(attributes: Record<string, SpanAttributeValue | null>): Record<string, SpanAttributeValue> {
  return Object.fromEntries(Object.entries(attributes).filter(([, value]) => value !== null)) as Record<string, SpanAttributeValue>;
}
