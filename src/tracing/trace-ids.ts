import { createHash } from 'node:crypto';

/**
 * Trace and span ids derived from store ids, not drawn at random: every server replica, and the same
 * server after a restart, names a run's trace the same, and a deployment exported after its run lands
 * under the job span that ran its deploy step without either export knowing about the other.
 * SHA-256 of a namespaced name, truncated (16 bytes for a trace, 8 for a span, as W3C Trace Context
 * sizes them); an all-zero id is invalid in OTLP, which a truncated SHA-256 is with probability 2^-64.
 */
function hexId(name: string, bytes: number): string {
  return createHash('sha256').update(`slipway/${name}`).digest('hex').slice(0, bytes * 2);
}

/** The trace of a run: its run span, its jobs, the deployments of its deploy steps and their decisions. */
export const runTraceId = (runId: number): string => hexId(`run/${runId}`, 16);
/** The trace of a deployment not started by a deploy step (API, CLI, rollback). */
export const deploymentTraceId = (deploymentId: number): string => hexId(`deployment/${deploymentId}`, 16);

// Spans hash names of their own: a run's span id is not the first half of its trace id.
export const runSpanId = (runId: number): string => hexId(`span/run/${runId}`, 8);
export const jobSpanId = (jobId: number): string => hexId(`span/job/${jobId}`, 8);
export const deploymentSpanId = (deploymentId: number): string => hexId(`span/deployment/${deploymentId}`, 8);
export const decisionSpanId = (decisionSequence: number): string => hexId(`span/decision/${decisionSequence}`, 8);
